import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { DemoOrgStatus } from '../../shared/ipc/domains/orgs';
import { ServiceError, toAppError } from '../errors';
import type { DemoKeyStore } from './demo-key-store';
import type { HttpTransport } from '../salesforce/http-transport';
import { networkError } from '../salesforce/http-transport';
import type { OrgsService } from '../orgs/orgs-service';

/** A running local org, as the emulator's `startEmulator` returns it. */
type LocalOrg = { url: string; stop(): Promise<void> };

/** Starts the local org in-process (the composition root passes the emulator's `startEmulator`; services never import it). */
export type StartLocalOrg = (options: { port: number; host: string; dataDir: string }) => Promise<LocalOrg>;

/** The built-in demo org: start it (first launch, or on demand), reset it to its seed, stop it. */
export type DemoOrg = {
  status(): DemoOrgStatus;
  /** Starts the local org, makes sure the demo profile, its key and the connected app exist, and connects. Idempotent. */
  start(): Promise<DemoOrgStatus>;
  /** At app start: starts the demo org on first launch (no profiles yet) or when the demo profile exists. */
  startOnLaunch(): Promise<DemoOrgStatus>;
  /** Restores the local org's seed data (the admin reset), then reconnects. */
  reset(): Promise<DemoOrgStatus>;
  stop(): Promise<void>;
};

/** Ports of the demo org. */
export type DemoOrgOptions = {
  /** The app's user-data folder; the local org keeps its data in `<userDataDir>/demo-org`. */
  userDataDir: string;
  startLocalOrg: StartLocalOrg;
  orgs: OrgsService;
  /** The store the orgs service was given too: the keychain, with the demo key in memory where the keychain refuses it. */
  secrets: DemoKeyStore;
  transport: HttpTransport;
  onStatus?: (status: DemoOrgStatus) => void;
};

/** The label of the demo profile. */
export const DEMO_ORG_LABEL = 'Demo org (local)';
const DEMO_ORG_COLOR = '#2e844a';

/**
 * Builds the demo org. It does what an admin does for a real org: a profile, a key in the keychain, the certificate registered
 * on the local org's connected app over its admin API (`/__emulator/connected-apps`), then a JWT login like any other org.
 * Where no keychain answers, the key lives in main's memory for this launch (demo-key-store.ts) and the status says so.
 */
export function createDemoOrg(options: DemoOrgOptions): DemoOrg {
  const { orgs, secrets, transport } = options;
  let localOrg: LocalOrg | null = null;
  let status: DemoOrgStatus = { state: 'stopped', url: null, profileId: null, error: null, keyInMemory: false };
  let pending: Promise<DemoOrgStatus> | null = null;

  const setStatus = (next: Omit<DemoOrgStatus, 'keyInMemory'>): DemoOrgStatus => {
    status = { ...next, keyInMemory: next.profileId !== null && secrets.inMemory(next.profileId) };
    options.onStatus?.(status);
    return status;
  };

  const admin = async (url: string, path: string, init: { method: 'GET' | 'POST'; body?: unknown }): Promise<unknown> => {
    const target = `${url}/__emulator/${path}`;
    let response: Response;
    try {
      response = await transport.fetch(target, {
        method: init.method,
        headers: { Accept: 'application/json', ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    } catch (error) {
      throw networkError(error, target);
    }
    const text = await response.text();
    if (!response.ok) {
      throw new ServiceError('INTERNAL', `The local org's admin API refused ${init.method} ${path} (HTTP ${response.status}: ${text.slice(0, 200)}).`, 'Reset the demo org from the Orgs area, or restart OrgDesk.');
    }
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  };

  const demoUsername = async (url: string): Promise<string> => {
    const users = await admin(url, 'users', { method: 'GET' });
    const list = (Array.isArray(users) ? users : []) as Array<{ username?: unknown; isActive?: unknown; profile?: unknown }>;
    const active = list.filter((user) => user.isActive === true && typeof user.username === 'string');
    // Log in as the org's administrator when there is one, as an admin trying OrgDesk would.
    const chosen = active.find((user) => typeof user.profile === 'string' && /admin/i.test(user.profile)) ?? active[0];
    const username = chosen?.username as string | undefined;
    if (username === undefined) {
      throw new ServiceError('INTERNAL', 'The local org has no active user to log in as.', 'Reset the demo org from the Orgs area.');
    }
    return username;
  };

  /** The local org's own Pub/Sub endpoint (`127.0.0.1:<port>`, from its admin API), or null when it reports none. */
  const pubsubEndpointOf = async (url: string): Promise<string | null> => {
    const answer = (await admin(url, 'pubsub', { method: 'GET' })) as { url?: unknown } | undefined;
    return typeof answer?.url === 'string' && answer.url !== '' ? answer.url : null;
  };

  /** Creates or re-points the demo profile at this launch's URLs (the loopback ports change every launch). */
  const ensureProfile = async (url: string): Promise<string> => {
    const pubsubEndpoint = await pubsubEndpointOf(url);
    const existing = orgs.profiles.find((profile) => profile.isDemo);
    if (existing !== undefined) {
      secrets.claim(existing.id);
      if (existing.myDomainUrl !== url || existing.pubsubEndpoint !== pubsubEndpoint) orgs.update(existing.id, { environment: 'mydomain', myDomainUrl: url, pubsubEndpoint });
      return existing.id;
    }
    const username = await demoUsername(url);
    const created = orgs.create(
      {
        label: DEMO_ORG_LABEL,
        environment: 'mydomain',
        myDomainUrl: url,
        consumerKey: `OrgDeskDemo${randomBytes(12).toString('hex')}`,
        username,
        apiVersion: null,
        pubsubEndpoint,
        color: DEMO_ORG_COLOR,
      },
      { isDemo: true },
    );
    secrets.claim(created.id);
    return created.id;
  };

  const ensureKeyAndApp = async (url: string, id: string): Promise<void> => {
    const profile = orgs.profiles.get(id);
    if (profile.certificatePem === null || (await secrets.get(id)) === null) await orgs.generateKey(id);
    const ready = orgs.profiles.get(id);
    await admin(url, 'connected-apps', {
      method: 'POST',
      body: { consumerKey: ready.consumerKey, certificate: ready.certificatePem, preAuthorizedUsernames: [ready.username] },
    });
  };

  const connect = async (url: string, id: string): Promise<DemoOrgStatus> => {
    await ensureKeyAndApp(url, id);
    await orgs.connection(id);
    if (orgs.activeOrgId() === null) orgs.setActive(id);
    return setStatus({ state: 'ready', url, profileId: id, error: null });
  };

  const failed = (error: unknown): DemoOrgStatus => {
    const appError = toAppError(error);
    return setStatus({
      state: 'failed',
      url: localOrg?.url ?? null,
      profileId: status.profileId,
      error: appError.hint === undefined ? { message: appError.message } : { message: appError.message, hint: appError.hint },
    });
  };

  const once = (work: () => Promise<DemoOrgStatus>): Promise<DemoOrgStatus> => {
    pending ??= work().finally(() => {
      pending = null;
    });
    return pending;
  };

  const start = (): Promise<DemoOrgStatus> =>
    once(async () => {
      if (status.state === 'ready') return status;
      setStatus({ state: 'starting', url: localOrg?.url ?? null, profileId: status.profileId, error: null });
      try {
        localOrg ??= await options.startLocalOrg({ port: 0, host: '127.0.0.1', dataDir: join(options.userDataDir, 'demo-org') }).catch((error: unknown) => {
          if (error instanceof ServiceError) throw error;
          throw new ServiceError(
            'INTERNAL',
            `The demo org could not start (${error instanceof Error ? error.message : String(error)}).`,
            'Restart OrgDesk. If it keeps failing, quit OrgDesk and move the demo-org folder out of its user-data folder.',
            { cause: error },
          );
        });
        const id = await ensureProfile(localOrg.url);
        setStatus({ state: 'starting', url: localOrg.url, profileId: id, error: null });
        return await connect(localOrg.url, id);
      } catch (error) {
        return failed(error);
      }
    });

  return {
    status: () => status,
    start,
    startOnLaunch: () => {
      const profiles = orgs.profiles.list();
      return profiles.length === 0 || profiles.some((profile) => profile.isDemo) ? start() : Promise.resolve(status);
    },
    async reset() {
      if (localOrg === null) await start();
      return once(async () => {
        const org = localOrg;
        if (org === null) return status;
        setStatus({ ...status, state: 'starting', error: null });
        try {
          await admin(org.url, 'reset', { method: 'POST' });
          const id = await ensureProfile(org.url);
          return await connect(org.url, id);
        } catch (error) {
          return failed(error);
        }
      });
    },
    async stop() {
      if (pending !== null) await pending;
      const org = localOrg;
      localOrg = null;
      if (org !== null) await org.stop();
      setStatus({ state: 'stopped', url: null, profileId: status.profileId, error: null });
    },
  };
}
