import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DemoOrgStatus } from '../../shared/ipc/domains/orgs';
import { startLocalOrg } from '../test-support/local-org';
import { ServiceError } from '../errors';
import { createOrgsService, type OrgsService } from '../orgs/orgs-service';
import { createMemorySecretStore } from '../secrets/memory-secret-store';
import type { SecretStore } from '../secrets/secret-store';
import { createSystemClock } from '../salesforce/clock';
import { createFetchTransport } from '../salesforce/http-transport';
import { openDatabase, type OrgDeskDatabase } from '../store/database';
import { createDemoKeyStore } from './demo-key-store';
import { createDemoOrg, DEMO_ORG_LABEL, type DemoOrg, type StartLocalOrg } from './demo-org';
import { containing, matching } from '../test-support/matchers';
import { keychainWithoutSecretService } from '../test-support/no-secret-service';

let userDataDir: string;
let database: OrgDeskDatabase;
let secrets: SecretStore;
let orgs: OrgsService;
const running: DemoOrg[] = [];

/** Every file under a folder, at any depth. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

const startLocal: StartLocalOrg = (options) => startLocalOrg({ dataDir: options.dataDir });

function launch(options: { startLocalOrg?: StartLocalOrg; secrets?: SecretStore; statuses?: DemoOrgStatus[] } = {}): DemoOrg {
  const transport = createFetchTransport({ headersTimeoutMs: 20_000 });
  // Wired as create-app-context wires it: one store for the orgs service and the demo org.
  const keys = createDemoKeyStore(options.secrets ?? secrets);
  orgs = createOrgsService({ db: database.db, secrets: keys, transport, clock: createSystemClock() });
  const demo = createDemoOrg({
    userDataDir,
    startLocalOrg: options.startLocalOrg ?? startLocal,
    orgs,
    secrets: keys,
    transport,
    onStatus: (status) => options.statuses?.push(status),
  });
  running.push(demo);
  return demo;
}

beforeEach(() => {
  userDataDir = mkdtempSync(join(tmpdir(), 'orgdesk-demo-'));
  database = openDatabase({ folder: userDataDir });
  secrets = createMemorySecretStore();
});
afterEach(async () => {
  for (const demo of running.splice(0)) await demo.stop();
  database.close();
  rmSync(userDataDir, { recursive: true, force: true });
});

describe('the demo org', () => {
  it('is ready on first launch: profile, key in the keychain, certificate registered, connected and active', async () => {
    const statuses: DemoOrgStatus[] = [];
    const demo = launch({ statuses });
    const status = await demo.startOnLaunch();
    expect(status).toMatchObject({ state: 'ready', error: null, keyInMemory: false });
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'starting', 'ready']);
    const [profile] = orgs.list();
    expect(profile).toMatchObject({ id: status.profileId, label: DEMO_ORG_LABEL, isDemo: true, environment: 'mydomain', myDomainUrl: status.url, username: 'admin@orgdesk.example' });
    expect(profile?.certificate?.expiresSoon).toBe(false);
    expect(await secrets.get(status.profileId ?? '')).toMatch(/BEGIN PRIVATE KEY/);
    expect(orgs.activeOrgId()).toBe(status.profileId);
    const result = await orgs.testConnection(status.profileId ?? '');
    expect(result.instanceUrl).toBe(status.url);
    const { rest } = await orgs.connection(status.profileId ?? '');
    expect((await rest.query('SELECT Id FROM Account')).totalSize).toBeGreaterThan(0);
  });

  it('starts once however often it is asked', async () => {
    const demo = launch();
    const [a, b] = await Promise.all([demo.start(), demo.start()]);
    expect(a).toEqual(b);
    expect(await demo.start()).toEqual(a);
    expect(orgs.list()).toHaveLength(1);
  });

  it('keeps its profile, key and data across launches although the port changes', async () => {
    const first = launch();
    const before = await first.start();
    const { client, rest } = await orgs.connection(before.profileId ?? '');
    const created = await client.json<{ id: string }>('POST', `/services/data/v${rest.version}/sobjects/Account`, { json: { Name: 'Kept across launches' } });
    await first.stop();

    const second = launch();
    const after = await second.startOnLaunch();
    expect(after.state).toBe('ready');
    expect(after.profileId).toBe(before.profileId);
    expect(orgs.list()).toHaveLength(1);
    expect(orgs.get(after.profileId ?? '').myDomainUrl).toBe(after.url);
    const again = await orgs.connection(after.profileId ?? '');
    const page = await again.rest.query(`SELECT Name FROM Account WHERE Id = '${created.id}'`);
    expect(page.records).toEqual([containing({ Name: 'Kept across launches' })]);
  });

  it('is not started at launch once the person deleted it and has other orgs', async () => {
    orgs = createOrgsService({ db: database.db, secrets, transport: createFetchTransport(), clock: createSystemClock() });
    orgs.create({ label: 'Prod', environment: 'production', myDomainUrl: null, consumerKey: 'CK', username: 'a@b.c', apiVersion: null, color: '#000000' });
    const demo = launch();
    expect(await demo.startOnLaunch()).toMatchObject({ state: 'stopped' });
  });

  it('resets to its seed', async () => {
    const demo = launch();
    const { profileId } = await demo.start();
    const { client, rest } = await orgs.connection(profileId ?? '');
    const count = async (): Promise<number> => (await rest.query("SELECT COUNT() FROM Account WHERE Name = 'Scratch'")).totalSize;
    await client.json('POST', `/services/data/v${rest.version}/sobjects/Account`, { json: { Name: 'Scratch' } });
    expect(await count()).toBe(1);
    expect(await demo.reset()).toMatchObject({ state: 'ready', profileId });
    expect(await count()).toBe(0);
  });

  it('reports a local org that cannot start as failed with a message', async () => {
    const demo = launch({ startLocalOrg: () => Promise.reject(new ServiceError('INTERNAL', 'Port in use.', 'Close the other OrgDesk.')) });
    expect(await demo.start()).toMatchObject({ state: 'failed', error: { message: 'Port in use.', hint: 'Close the other OrgDesk.' } });
  });

  it('explains a local org that fails to start for an unexpected reason', async () => {
    const demo = launch({ startLocalOrg: () => Promise.reject(new Error('EADDRINUSE')) });
    expect(await demo.start()).toMatchObject({ state: 'failed', error: { message: 'The demo org could not start (EADDRINUSE).', hint: matching(/demo-org folder/) } });
  });

  it('works where no Secret Service exists: its key stays in memory for the launch, a real profile still gets KEYCHAIN', async () => {
    // keytar on a Linux box without a D-Bus session or Secret Service rejects every call; the store maps that to KEYCHAIN.
    const offered: string[] = [];
    const keychain = keychainWithoutSecretService((secret) => offered.push(secret));
    const first = launch({ secrets: keychain });
    const ready = await first.startOnLaunch();
    expect(ready).toMatchObject({ state: 'ready', error: null, keyInMemory: true });
    const { rest } = await orgs.connection(ready.profileId ?? '');
    expect((await rest.query('SELECT Id, Name FROM Account')).records.length).toBeGreaterThan(0);

    const real = orgs.create({ label: 'Prod', environment: 'production', myDomainUrl: null, consumerKey: 'CK', username: 'a@b.c', apiVersion: null, color: '#000000' });
    await expect(orgs.generateKey(real.id)).rejects.toMatchObject({ code: 'KEYCHAIN', hint: matching(/gnome-keyring/) });
    await expect(orgs.connection(real.id)).rejects.toMatchObject({ code: 'KEYCHAIN' });
    expect(orgs.get(real.id).certificate).toBeNull();
    const firstCertificate = orgs.get(ready.profileId ?? '').certificate;
    await first.stop();

    // The next launch has no key in memory: it makes a new one and registers it with the local org again.
    const second = launch({ secrets: keychain });
    expect(await second.startOnLaunch()).toMatchObject({ state: 'ready', profileId: ready.profileId, keyInMemory: true });
    expect(orgs.get(ready.profileId ?? '').certificate?.fingerprintSha256).not.toBe(firstCertificate?.fingerprintSha256);
    const again = await orgs.connection(ready.profileId ?? '');
    expect((await again.rest.query('SELECT COUNT() FROM Contact')).totalSize).toBeGreaterThan(0);
    await second.stop();
    database.close();

    // No key the keychain refused (the demo's, twice, and the real profile's) landed in the app's folder.
    expect(offered.length).toBeGreaterThanOrEqual(2);
    const files = filesUnder(userDataDir);
    expect(files.some((file) => file.endsWith('orgdesk.db'))).toBe(true);
    for (const key of offered) {
      expect(key).toMatch(/BEGIN PRIVATE KEY/);
      const keyLines = key.split('\n').filter((line) => /^[A-Za-z0-9+/]{40,}$/.test(line));
      expect(keyLines.length).toBeGreaterThan(10);
      for (const file of files) {
        const text = readFileSync(file).toString('latin1');
        expect(text, file).not.toContain('PRIVATE KEY');
        for (const line of keyLines) expect(text.includes(line), `${file} holds part of a key`).toBe(false);
      }
    }
    database = openDatabase({ folder: userDataDir });
  });

  it('fails, keeping no key in memory, when the key store breaks in a way other than a missing keychain', async () => {
    const broken: SecretStore = {
      set: () => Promise.reject(new Error('disk full')),
      get: () => Promise.reject(new Error('disk full')),
      delete: () => Promise.resolve(false),
    };
    const demo = launch({ secrets: broken });
    expect(await demo.start()).toMatchObject({ state: 'failed', keyInMemory: false });
  });
});
