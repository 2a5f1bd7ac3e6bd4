/**
 * Test fixture (imported by *.test.ts only): a real local org on 127.0.0.1:0 and an admin's steps on it over HTTP, the same
 * requests an admin's Setup clicks stand for.
 */
import { startEmulator, type RunningEmulator } from '../../emulator/index';
import { createMemorySecretStore } from '../secrets/memory-secret-store';
import type { SecretStore } from '../secrets/secret-store';
import { createSystemClock, type Clock } from '../salesforce/clock';
import { createCountingTransport, createFetchTransport } from '../salesforce/http-transport';
import { generateKeyAndCertificate } from '../auth/certificate';
import { createJwtSession, type JwtSession } from '../auth/jwt-session';

/** The seeded admin user of the local org. */
export const LOCAL_ADMIN = 'admin@orgdesk.example';

/** A started local org with a small seed. */
export function startLocalOrg(options: { dataDir?: string } = {}): Promise<RunningEmulator> {
  return startEmulator({
    port: 0,
    host: '127.0.0.1',
    seedSize: { accounts: 20, contacts: 450, opportunities: 10, cases: 10, leads: 10, invoices: 10 },
    ...options,
  });
}

/** POSTs to the admin API and returns the status and parsed body. */
export async function adminCall(url: string, path: string, method: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/__emulator/${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** Registers a connected app (the admin's Setup step) and fails the test when the org refuses. */
export async function registerConnectedApp(
  url: string,
  app: { consumerKey: string; certificate: string; preAuthorizedUsernames: string[]; permittedUsers?: 'admin_approved' | 'all_users' },
): Promise<void> {
  const { status, body } = await adminCall(url, 'connected-apps', 'POST', app);
  if (status !== 201) throw new Error(`connected app refused: ${status} ${JSON.stringify(body)}`);
}

/** A profile-shaped login against the local org: key in a memory store, certificate registered, counting transport. */
export type LocalLogin = {
  session: JwtSession;
  secrets: SecretStore;
  transport: ReturnType<typeof createCountingTransport>;
  certificatePem: string;
  consumerKey: string;
};

/** Makes a key, registers its certificate (unless told not to) and builds a JWT session for it. */
export async function localLogin(
  url: string,
  options: { username?: string; loginUrl?: string; clock?: Clock; register?: boolean; consumerKey?: string; preAuthorized?: string[] } = {},
): Promise<LocalLogin> {
  const secrets = createMemorySecretStore();
  const { privateKeyPem, certificatePem } = await generateKeyAndCertificate({ commonName: 'Local test', now: new Date() });
  await secrets.set('profile-1', privateKeyPem);
  const consumerKey = options.consumerKey ?? `CK${Math.random().toString(36).slice(2)}`;
  const username = options.username ?? LOCAL_ADMIN;
  if (options.register !== false) {
    await registerConnectedApp(url, { consumerKey, certificate: certificatePem, preAuthorizedUsernames: options.preAuthorized ?? [username] });
  }
  const transport = createCountingTransport(createFetchTransport({ headersTimeoutMs: 20_000 }));
  const session = createJwtSession({
    credentials: { keyAccount: 'profile-1', loginUrl: options.loginUrl ?? url, consumerKey, username, certificateFileName: 'orgdesk-local-test.crt' },
    secrets,
    transport,
    clock: options.clock ?? createSystemClock(),
  });
  return { session, secrets, transport, certificatePem, consumerKey };
}
