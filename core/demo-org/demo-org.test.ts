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
import { createDemoOrg, DEMO_ORG_LABEL, type DemoOrg, type StartLocalOrg } from './demo-org';
import { containing, matching } from '../test-support/matchers';

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
  orgs = createOrgsService({ db: database.db, secrets: options.secrets ?? secrets, transport, clock: createSystemClock() });
  const demo = createDemoOrg({
    userDataDir,
    startLocalOrg: options.startLocalOrg ?? startLocal,
    orgs,
    secrets: options.secrets ?? secrets,
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
    expect(status).toMatchObject({ state: 'ready', error: null });
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

  it('fails with the keychain hint, and writes the key nowhere else, when no keychain answers', async () => {
    const offered: string[] = [];
    const noKeychain: SecretStore = {
      set: (_account, secret) => {
        offered.push(secret);
        return Promise.reject(new ServiceError('KEYCHAIN', 'No Secret Service.', 'Install gnome-keyring (libsecret).'));
      },
      get: () => Promise.reject(new ServiceError('KEYCHAIN', 'No Secret Service.', 'Install gnome-keyring (libsecret).')),
      delete: () => Promise.resolve(false),
    };
    const demo = launch({ secrets: noKeychain });
    expect(await demo.start()).toMatchObject({ state: 'failed', error: { message: 'No Secret Service.', hint: matching(/gnome-keyring/) } });
    expect(orgs.list()[0]?.certificate).toBeNull();
    await demo.stop();
    database.close();

    // The key the keychain refused must not have landed anywhere in the app's folder: database, WAL, demo org data, logs.
    const [key] = offered;
    expect(key).toMatch(/BEGIN PRIVATE KEY/);
    const keyLines = (key ?? '').split('\n').filter((line) => /^[A-Za-z0-9+/]{40,}$/.test(line));
    expect(keyLines.length).toBeGreaterThan(10);
    const files = filesUnder(userDataDir);
    expect(files.some((file) => file.endsWith('orgdesk.db'))).toBe(true);
    for (const file of files) {
      const text = readFileSync(file).toString('latin1');
      expect(text, file).not.toContain('PRIVATE KEY');
      for (const line of keyLines) expect(text.includes(line), `${file} holds part of the key`).toBe(false);
    }
    database = openDatabase({ folder: userDataDir });
  });
});
