/** Connected apps registered on the org: consumer key, X.509 certificate, and who may use the JWT bearer flow. */
import { importX509 } from 'jose';

type VerificationKey = Awaited<ReturnType<typeof importX509>>;

/** Who may get a token through the app (the "Permitted Users" policy). */
export type PermittedUsers = 'admin_approved' | 'all_users';

/** A connected app as the admin API registers it. */
export type ConnectedApp = {
  consumerKey: string;
  /** The PEM of the X.509 certificate whose key signs the assertions. */
  certificate: string;
  /** Usernames pre-authorized through a profile or permission set. */
  preAuthorizedUsernames: string[];
  permittedUsers: PermittedUsers;
  name: string;
};

/** The registry of connected apps. */
export interface ConnectedAppRegistry {
  /** Registers (or replaces) an app; rejects a certificate jose cannot read. */
  register(app: ConnectedApp): Promise<void>;
  /** The app with this consumer key. */
  find(consumerKey: string): ConnectedApp | undefined;
  /** The verification key of the app's certificate. */
  key(consumerKey: string): VerificationKey | undefined;
  /** Every app (certificates included). */
  list(): ConnectedApp[];
  /** Removes an app; false if it did not exist. */
  remove(consumerKey: string): boolean;
}

/** Creates an empty registry. */
export function createConnectedAppRegistry(): ConnectedAppRegistry {
  const apps = new Map<string, { app: ConnectedApp; key: VerificationKey }>();
  return {
    async register(app) {
      const key = await importX509(app.certificate, 'RS256');
      apps.set(app.consumerKey, { app, key });
    },
    find: (consumerKey) => apps.get(consumerKey)?.app,
    key: (consumerKey) => apps.get(consumerKey)?.key,
    list: () => [...apps.values()].map((entry) => entry.app),
    remove: (consumerKey) => apps.delete(consumerKey),
  };
}
