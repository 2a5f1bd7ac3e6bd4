import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYCHAIN_SERVICE, type KeytarApi } from '../../core/secrets/keytar-secret-store';
import { LOCAL_ADMIN, startCliOrg, type CliOrg } from '../test/cli-org';
import { keychainEnv, runOrgdesk } from '../test/run-orgdesk';

// Runs under scripts/with-keyring.sh (the keychain vitest project): a private gnome-keyring is the real OS keychain here.
const keytar = createRequire(import.meta.url)('keytar') as KeytarApi;

let org: CliOrg;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  org = await startCliOrg();
  env = keychainEnv(org.userDataDir);
});
afterAll(async () => {
  await org.stop();
});

/** The base64 lines of a PEM body (any one of them in a file means the key leaked). */
const bodyLines = (pem: string): string[] => pem.split('\n').filter((line) => line.length >= 40 && !line.startsWith('-----'));

describe('orgdesk orgs with the real keychain', () => {
  it('adds a profile whose key goes only to the keychain, tests it, queries through it and removes it with its key', async () => {
    const added = await runOrgdesk(
      ['orgs', 'add', '--label', 'Keychain org', '--username', LOCAL_ADMIN, '--consumer-key', 'CK-keychain', '--my-domain-url', org.emulator.url, '--json'],
      { env, cwd: org.folder },
    );
    expect(added.stderr).toMatch(/Upload the certificate/);
    expect(added.code).toBe(0);
    const { profile, certificatePath, keyStored } = JSON.parse(added.stdout) as { profile: { id: string }; certificatePath: string; keyStored: boolean };
    expect(keyStored).toBe(true);
    expect(certificatePath).toBe(join(org.folder, 'orgdesk-keychain-org.crt'));
    const pem = (await keytar.getPassword(KEYCHAIN_SERVICE, profile.id)) ?? '';
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);

    await org.emulator.admin.registerConnectedApp({ consumerKey: 'CK-keychain', certificate: readFileSync(certificatePath, 'utf8'), preAuthorizedUsernames: [LOCAL_ADMIN] });
    const tested = await runOrgdesk(['orgs', 'test'], { env });
    expect(tested.stderr).toBe('');
    expect(tested.code).toBe(0);
    expect(tested.stdout).toContain(org.emulator.orgId);

    const listed = await runOrgdesk(['orgs', 'list'], { env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^\*\s+Keychain org\s+http:\/\/127\.0\.0\.1:\d+\s+admin@orgdesk\.example\s+until \d{4}-\d\d-\d\d\s+[\w-]+$/m);

    const out = join(org.folder, 'leads.csv');
    const queried = await runOrgdesk(['--org', 'Keychain org', 'query', 'SELECT Id, LastName FROM Lead', '--out', out], { env });
    expect(queried.code).toBe(0);
    const ids = parse<Record<string, string>>(readFileSync(out, 'utf8'), { columns: true }).map((r) => r['Id']);
    expect(ids.sort()).toEqual([...org.emulator.org.store.rows('Lead', { includeDeleted: false })].map((row) => String(row['Id'])).sort());

    // The key never reached the user-data folder (orgdesk.db, its WAL) nor the certificate folder.
    for (const file of readdirSync(org.folder, { recursive: true, encoding: 'utf8' }).map((name) => join(org.folder, name))) {
      if (!existsSync(file) || !statSync(file).isFile() || file === org.keyFile) continue;
      const text = readFileSync(file).toString('latin1');
      for (const line of bodyLines(pem)) expect(text.includes(line), `key found in ${file}`).toBe(false);
    }

    const removed = await runOrgdesk(['orgs', 'remove', profile.id], { env });
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe('Removed Keychain org and its private key from the keychain.\n');
    expect(await keytar.getPassword(KEYCHAIN_SERVICE, profile.id)).toBeNull();
  });

  it('stores nothing in the keychain when the key comes from --key-file, and the imported key with --import-key', async () => {
    const withRunKey = await runOrgdesk(
      ['orgs', 'add', '--label', 'Run key org', '--username', LOCAL_ADMIN, '--consumer-key', org.consumerKey, '--my-domain-url', org.emulator.url, '--key-file', org.keyFile, '--json'],
      { env, cwd: org.folder },
    );
    expect(withRunKey.code).toBe(0);
    const runKeyProfile = (JSON.parse(withRunKey.stdout) as { profile: { id: string } }).profile;
    expect(await keytar.getPassword(KEYCHAIN_SERVICE, runKeyProfile.id)).toBeNull();

    const imported = await runOrgdesk(
      ['orgs', 'add', '--label', 'Imported org', '--username', LOCAL_ADMIN, '--consumer-key', org.consumerKey, '--my-domain-url', org.emulator.url, '--import-key', org.keyFile, '--json'],
      { env, cwd: org.folder },
    );
    expect(imported.code).toBe(0);
    const importedProfile = (JSON.parse(imported.stdout) as { profile: { id: string } }).profile;
    expect(await keytar.getPassword(KEYCHAIN_SERVICE, importedProfile.id)).toBe(org.keyPem);
    const tested = await runOrgdesk(['orgs', 'test', 'Imported org'], { env });
    expect(tested.code).toBe(0);

    for (const id of [runKeyProfile.id, importedProfile.id]) expect((await runOrgdesk(['orgs', 'remove', id], { env })).code).toBe(0);
    expect(await keytar.getPassword(KEYCHAIN_SERVICE, importedProfile.id)).toBeNull();
  });
});
