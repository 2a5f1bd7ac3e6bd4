import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ADMIN, startCliOrg, type CliOrg } from '../test/cli-org';
import { noKeychainEnv, runOrgdesk } from '../test/run-orgdesk';

let org: CliOrg;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  org = await startCliOrg();
  env = noKeychainEnv(org.userDataDir);
});
afterAll(async () => {
  await org.stop();
});

describe('orgdesk orgs with --key-file on a machine with no keychain (CI)', () => {
  it('adds a profile from the run key, logs in with it, lists it and removes it, never needing the keychain', async () => {
    const certificate = join(org.folder, 'ci-org.crt');
    const added = await runOrgdesk(
      ['orgs', 'add', '--label', 'CI org', '--username', LOCAL_ADMIN, '--consumer-key', 'CK-ci', '--my-domain-url', org.emulator.url, '--certificate-out', certificate, '--key-file', org.keyFile],
      { env },
    );
    expect(added.stderr).toMatch(/Upload the certificate to the connected app/);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain(`Certificate: ${certificate}\n`);
    expect(added.stdout).toMatch(/No key was stored: runs log in with the key from --key-file/);
    // The admin uploads the certificate the command wrote to a connected app of its own.
    await org.emulator.admin.registerConnectedApp({ consumerKey: 'CK-ci', certificate: readFileSync(certificate, 'utf8'), preAuthorizedUsernames: [LOCAL_ADMIN] });

    const tested = await runOrgdesk(['orgs', 'test', 'CI org', '--key-file', org.keyFile], { env });
    expect(tested.stderr).toBe('');
    expect(tested.code).toBe(0);
    expect(tested.stdout).toContain('Connected to CI org.');
    expect(tested.stdout).toContain(org.emulator.orgId);
    expect(tested.stdout).toMatch(/API usage\s+\d+ of 100000 requests today/);

    const listed = await runOrgdesk(['orgs', 'list', '--json'], { env });
    expect(listed.code).toBe(0);
    const profiles = JSON.parse(listed.stdout) as Array<{ label: string; active: boolean; certificate: unknown; myDomainUrl: string }>;
    expect(profiles).toEqual([expect.objectContaining({ label: 'CI org', active: true, certificate: null, myDomainUrl: org.emulator.url })]);

    const removed = await runOrgdesk(['orgs', 'remove', 'ci org'], { env });
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe('Removed CI org.\n');
    const empty = await runOrgdesk(['orgs', 'list'], { env });
    expect(empty.code).toBe(0);
    expect(empty.stderr).toMatch(/No org profiles yet/);
  });

  it("refuses a profile the app's schema refuses, naming the flag, with exit code 2", async () => {
    const run = await runOrgdesk(['orgs', 'add', '--label', 'Bad', '--username', LOCAL_ADMIN, '--consumer-key', 'CK', '--my-domain-url', 'ftp://acme.example.com'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--my-domain-url: Enter the My Domain URL with https:\/\//);
    expect(run.stderr).toMatch(/\[VALIDATION\]/);
  });

  it('leaves no profile behind when the key cannot go to the keychain (exit code 4, the hint names --key-file)', async () => {
    const run = await runOrgdesk(['orgs', 'add', '--label', 'No keychain', '--username', LOCAL_ADMIN, '--consumer-key', 'CK-none', '--my-domain-url', org.emulator.url], {
      env,
      cwd: org.folder,
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/could not save the private key in the OS keychain/);
    expect(run.stderr).toMatch(/--key-file PATH or set ORGDESK_PRIVATE_KEY/);
    const listed = await runOrgdesk(['orgs', 'list', '--json'], { env });
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });
});
