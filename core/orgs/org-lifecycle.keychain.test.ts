import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_ADMIN, registerConnectedApp, startLocalOrg } from '../test-support/local-org';
import { createDemoOrg } from '../demo-org/demo-org';
import { createDemoKeyStore } from '../demo-org/demo-key-store';
import { createKeytarSecretStore, KEYCHAIN_SERVICE, type KeytarApi } from '../secrets/keytar-secret-store';
import { createSystemClock } from '../salesforce/clock';
import { createFetchTransport } from '../salesforce/http-transport';
import { openDatabase, type OrgDeskDatabase } from '../store/database';
import { createOrgsService, type OrgsService } from './orgs-service';

const keytar = createRequire(import.meta.url)('keytar') as KeytarApi;

let userDataDir: string;
let database: OrgDeskDatabase;
let orgs: OrgsService;
const logged: string[] = [];

beforeAll(() => {
  userDataDir = mkdtempSync(join(tmpdir(), 'orgdesk-keychain-'));
  database = openDatabase({ folder: userDataDir });
  orgs = createOrgsService({ db: database.db, secrets: createKeytarSecretStore(), transport: createFetchTransport(), clock: createSystemClock() });
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack ?? ''}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    });
  }
});
afterAll(() => {
  vi.restoreAllMocks();
  orgs.dispose();
  database.close();
  rmSync(userDataDir, { recursive: true, force: true });
});

/** Every file under a folder, as bytes decoded leniently (the database, its WAL, the local org's snapshot, anything else). */
function everyFile(folder: string): Array<{ path: string; text: string }> {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => join(folder, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ path, text: readFileSync(path).toString('latin1') }));
}

describe('a profile with its key in the real keychain', () => {
  it('lives, connects and dies with the key only ever in the keychain and the token only in memory', async () => {
    const org = await startLocalOrg({ dataDir: join(userDataDir, 'local-org') });
    try {
      const { id } = orgs.create({ label: 'Keychain lifecycle', environment: 'mydomain', myDomainUrl: org.url, consumerKey: 'CK-keychain', username: LOCAL_ADMIN, apiVersion: null, color: '#0176d3' });
      await orgs.generateKey(id);
      const pem = await keytar.getPassword(KEYCHAIN_SERVICE, id);
      expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);

      await registerConnectedApp(org.url, { consumerKey: 'CK-keychain', certificate: orgs.certificate(id).pem, preAuthorizedUsernames: [LOCAL_ADMIN] });
      const result = await orgs.testConnection(id);
      expect(result.orgId).toBe(org.orgId);
      const token = (await orgs.connection(id)).session.current()?.accessToken ?? '';
      expect(token.length).toBeGreaterThan(20);

      // A second key replaces the first in the keychain.
      await orgs.generateKey(id);
      const replaced = await keytar.getPassword(KEYCHAIN_SERVICE, id);
      expect(replaced).not.toBe(pem);

      database.db.pragma('wal_checkpoint(TRUNCATE)');
      await org.stop();
      const secrets = [token, ...bodyLines(pem ?? ''), ...bodyLines(replaced ?? '')];
      const files = everyFile(userDataDir);
      expect(files.map((f) => f.path)).toEqual(expect.arrayContaining([database.path]));
      for (const file of files) {
        for (const secret of secrets) expect(file.text.includes(secret), `${secret.slice(0, 12)}… found in ${file.path}`).toBe(false);
      }
      for (const line of logged) {
        for (const secret of secrets) expect(line.includes(secret)).toBe(false);
      }
      expect(JSON.stringify(orgs.list())).not.toContain(token);

      await orgs.delete(id);
      expect(await keytar.getPassword(KEYCHAIN_SERVICE, id)).toBeNull();
    } finally {
      await org.stop().catch(() => undefined);
    }
  });

  it('gives the demo org its key in the keychain and nowhere on disk', async () => {
    const transport = createFetchTransport();
    const demo = createDemoOrg({ userDataDir, startLocalOrg: (options) => startLocalOrg({ dataDir: options.dataDir }), orgs, secrets: createDemoKeyStore(createKeytarSecretStore()), transport });
    const status = await demo.start();
    expect(status).toMatchObject({ state: 'ready', keyInMemory: false });
    const pem = (await keytar.getPassword(KEYCHAIN_SERVICE, status.profileId ?? '')) ?? '';
    expect(pem).toMatch(/BEGIN PRIVATE KEY/);
    const token = (await orgs.connection(status.profileId ?? '')).session.current()?.accessToken ?? '';
    await demo.stop();
    database.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of everyFile(userDataDir)) {
      for (const secret of [token, ...bodyLines(pem)]) expect(file.text.includes(secret), `found in ${file.path}`).toBe(false);
    }
    await orgs.delete(status.profileId ?? '');
    expect(await keytar.getPassword(KEYCHAIN_SERVICE, status.profileId ?? '')).toBeNull();
  });
});

/** The base64 lines of a PEM body (any one of them found on disk means the key leaked). */
function bodyLines(pem: string): string[] {
  return pem.split('\n').filter((line) => line.length >= 40 && !line.startsWith('-----'));
}
