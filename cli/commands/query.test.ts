import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { addProfile, LOCAL_ADMIN, startCliOrg, type CliOrg } from '../test/cli-org';
import { collect, noKeychainEnv, runOrgdesk, startOrgdesk } from '../test/run-orgdesk';

let org: CliOrg;

beforeAll(async () => {
  org = await startCliOrg();
  addProfile(org, 'Local org');
});
afterAll(async () => {
  await org.stop();
});

/** The org's live rows of an object, as the emulator holds them. */
function orgRows(objectName: string): Record<string, unknown>[] {
  return [...org.emulator.org.store.rows(objectName, { includeDeleted: false })];
}

const csvRecords = (text: string): Record<string, string>[] => parse<Record<string, string>>(text, { columns: true, bom: true });

describe('orgdesk query, logging in with --key-file and no keychain present', () => {
  it("writes a REST query to a CSV file that holds exactly the org's Accounts", async () => {
    const out = join(org.folder, 'accounts.csv');
    const run = await runOrgdesk(['query', 'SELECT Id, Name, Industry FROM Account ORDER BY Name', '--out', out, '--key-file', org.keyFile], {
      env: noKeychainEnv(org.userDataDir),
    });
    expect(run.stderr).toMatch(/25 rows from Local org \(REST, [\d.]+ s\) written to .*accounts\.csv/);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const text = readFileSync(out, 'utf8');
    expect(text.split('\r\n')[0]).toBe('Id,Name,Industry');
    const expected = orgRows('Account')
      .map((row) => ({ Id: String(row['Id']), Name: String(row['Name']), Industry: typeof row['Industry'] === 'string' ? row['Industry'] : '' }))
      .sort((a, b) => a.Id.localeCompare(b.Id));
    expect(csvRecords(text).sort((a, b) => (a['Id'] ?? '').localeCompare(b['Id'] ?? ''))).toEqual(expected);
    expect(existsSync(`${out}.part`)).toBe(false);
  });

  it("puts a quote before cells that would run as formulas in Excel with --csv-formula-safe, and writes exact values without it", async () => {
    const headers = { Authorization: `Bearer ${org.emulator.admin.createSession(LOCAL_ADMIN).access_token}`, 'Content-Type': 'application/json' };
    const accounts = `${org.emulator.url}/services/data/v62.0/sobjects/Account`;
    const ids: string[] = [];
    for (const Name of ['=HYPERLINK("http://evil.example")', '-5']) {
      const response = await fetch(accounts, { method: 'POST', headers, body: JSON.stringify({ Name, AccountNumber: 'csv-safety' }) });
      ids.push(((await response.json()) as { id: string }).id);
    }
    // The other tests count the seed's Accounts: these two go again once read.
    onTestFinished(async () => {
      for (const id of ids) await fetch(`${accounts}/${id}`, { method: 'DELETE', headers });
    });
    const soql = "SELECT Name FROM Account WHERE AccountNumber = 'csv-safety' ORDER BY Name";
    const env = noKeychainEnv(org.userDataDir);
    const [exact, safe] = await Promise.all([
      runOrgdesk(['query', soql, '--key-file', org.keyFile, '--quiet'], { env }),
      runOrgdesk(['query', soql, '--csv-formula-safe', '--key-file', org.keyFile, '--quiet'], { env }),
    ]);
    expect(exact.code).toBe(0);
    expect(exact.stdout).toBe('Name\r\n-5\r\n"=HYPERLINK(""http://evil.example"")"\r\n');
    expect(safe.code).toBe(0);
    expect(safe.stdout).toBe('Name\r\n-5\r\n"\'=HYPERLINK(""http://evil.example"")"\r\n');
  });

  it('runs a Bulk API 2.0 query job with --bulk and writes every Contact to the file', async () => {
    const out = join(org.folder, 'contacts.csv');
    const run = await runOrgdesk(['query', 'SELECT Id, LastName, Account.Name FROM Contact', '--bulk', '--out', out, '--key-file', org.keyFile], {
      env: noKeychainEnv(org.userDataDir),
    });
    expect(run.stderr).toMatch(/300 rows from Local org \(Bulk API 2\.0/);
    expect(run.code).toBe(0);
    const records = csvRecords(readFileSync(out, 'utf8'));
    expect(Object.keys(records[0] ?? {})).toEqual(['Id', 'LastName', 'Account.Name']);
    expect(records.map((r) => r['Id']).sort()).toEqual(orgRows('Contact').map((row) => String(row['Id'])).sort());
  });

  it('streams JSON to stdout with the key from ORGDESK_PRIVATE_KEY, parents nested and child subqueries as arrays', async () => {
    const run = await runOrgdesk(['query', 'SELECT Id, Name, (SELECT LastName FROM Contacts) FROM Account ORDER BY Name LIMIT 3', '--format', 'json'], {
      env: noKeychainEnv(org.userDataDir, { ORGDESK_PRIVATE_KEY: org.keyPem.replace(/\n/g, '\\n') }),
    });
    expect(run.stderr).toMatch(/3 rows from Local org/);
    expect(run.code).toBe(0);
    const records = JSON.parse(run.stdout) as Array<{ Id: string; Name: string; Contacts: Array<{ LastName: string }> | null }>;
    expect(records).toHaveLength(3);
    const first = records[0];
    const contacts = orgRows('Contact').filter((row) => row['AccountId'] === first?.Id);
    expect((first?.Contacts ?? []).map((c) => c.LastName).sort()).toEqual(contacts.map((row) => String(row['LastName'])).sort());
    expect(JSON.stringify(records)).not.toContain('attributes');
  });

  it("refuses a malformed query with Salesforce's message and hint, exit code 6, and leaves no output file", async () => {
    const out = join(org.folder, 'broken.csv');
    const run = await runOrgdesk(['query', 'SELECT Id, NoSuchField__c FROM Account', '--out', out, '--key-file', org.keyFile], { env: noKeychainEnv(org.userDataDir) });
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(/NoSuchField__c/);
    expect(run.stderr).toMatch(/\[SF_API\]/);
    expect(run.stderr).toMatch(/custom fields end in __c/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.part`)).toBe(false);
  });

  it('says there is no keychain and how to pass a key for the run when neither a Secret Service nor a key is there', async () => {
    const run = await runOrgdesk(['query', 'SELECT Id FROM Account'], { env: noKeychainEnv(org.userDataDir) });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/OrgDesk could not read the private key from the OS keychain/);
    expect(run.stderr).toMatch(/\[KEYCHAIN\]/);
    expect(run.stderr).toMatch(/gnome-keyring/);
    expect(run.stderr).toMatch(/--key-file PATH or set ORGDESK_PRIVATE_KEY/);
    expect(run.stdout).toBe('');
  });

  it('picks the profile named by --org, and an unknown one is NOT_FOUND with exit code 8', async () => {
    const unknown = await runOrgdesk(['query', 'SELECT Id FROM Account', '--org', 'Nope', '--key-file', org.keyFile], { env: noKeychainEnv(org.userDataDir) });
    expect(unknown.code).toBe(8);
    expect(unknown.stderr).toMatch(/No org profile is called "Nope"/);
    expect(unknown.stderr).toMatch(/orgdesk orgs list/);

    const named = await runOrgdesk(['--org', 'local ORG', 'query', 'SELECT COUNT() FROM Account', '--format', 'table', '--key-file', org.keyFile], {
      env: noKeychainEnv(org.userDataDir),
    });
    expect(named.code).toBe(0);
    expect(named.stdout.split('\n').slice(0, 3)).toEqual(['COUNT()', '-------', '25']);
  });

  it('stops a Bulk query on Ctrl+C with exit code 130 and leaves no output file', async () => {
    // The results download hangs, so the interrupt always lands while the job is being read.
    const fault = org.emulator.admin.addFault({ kind: 'latency', ms: 20_000, method: 'GET', path: '/services/data/*/jobs/query/*/results' });
    const out = join(org.folder, 'interrupted.csv');
    const child = startOrgdesk(['query', 'SELECT Id FROM Contact', '--bulk', '--out', out, '--key-file', org.keyFile], { env: noKeychainEnv(org.userDataDir) });
    const done = collect(child, 45_000);
    let progress = '';
    child.stderr?.on('data', (text: string) => (progress += text));
    while (!progress.includes('Querying Local org')) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGINT');
    const run = await done;
    org.emulator.admin.clearFaults('id' in fault ? fault.id : undefined);
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/The query was cancelled\. \[CANCELLED\]/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.part`)).toBe(false);
  });

  it('fails before querying with a FILE error naming the path when --out cannot be written, exit code 9', async () => {
    const out = join(org.folder, 'missing-folder', 'rows.csv');
    const run = await runOrgdesk(['query', 'SELECT Id FROM Account', '--out', out, '--key-file', org.keyFile], { env: noKeychainEnv(org.userDataDir) });
    expect(run.code).toBe(9);
    expect(run.stderr).toContain(`OrgDesk could not create ${out}`);
    expect(run.stderr).toMatch(/\[FILE\]/);
  });
});

describe('orgdesk usage', () => {
  it('prints help for every command with exit code 0, and answers an unknown option or no command with exit code 2', async () => {
    const env = noKeychainEnv(org.userDataDir);
    const [top, query, bad, none] = await Promise.all([
      runOrgdesk(['--help'], { env }),
      runOrgdesk(['query', '--help'], { env }),
      runOrgdesk(['query', 'SELECT Id FROM Account', '--frmat', 'csv'], { env }),
      runOrgdesk([], { env }),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^Usage: orgdesk/);
    expect(top.code).toBe(0);
    for (const command of ['orgs', 'query', 'emulator']) expect(top.stdout).toContain(command);
    expect(query.code).toBe(0);
    expect(query.stdout).toMatch(/--format <format>.*"csv", "json", "table"/s);
    expect(query.stdout).toMatch(/--key-file/);
    expect(query.stdout).toMatch(/--csv-formula-safe/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option '--frmat'/);
  });
});
