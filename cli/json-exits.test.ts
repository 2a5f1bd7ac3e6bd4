/**
 * `--json` never ends without its one document: the real CLI as a process against the local org, once per exit code of the
 * README's table (10 and 130 of a load are in commands/load.test.ts), each time stdout parsed whole as one JSON document
 * whose `exitCode` is the process's.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyAndCertificate } from '../core/auth/certificate';
import { addProfile, startCliOrg, type CliOrg } from './test/cli-org';
import { collect, noKeychainEnv, runOrgdesk, startOrgdesk } from './test/run-orgdesk';

let org: CliOrg;

beforeAll(async () => {
  org = await startCliOrg();
  addProfile(org, 'Local org');
  // A profile whose org does not answer (nothing listens on port 9, "discard"): NETWORK.
  addProfile({ ...org, emulator: { ...org.emulator, url: 'http://127.0.0.1:9' } }, 'Gone org', { active: false });
});
afterEach(() => {
  org.emulator.admin.clearFaults();
});
afterAll(async () => {
  await org.stop();
});

type Document = { state: string; exitCode: number; error?: { code: string; message: string; hint?: string }; [field: string]: unknown };

/** Runs `orgdesk <args> --json` and answers its exit code, its one document and stderr. */
async function runJson(args: string[], options: { keyFile?: string | null; userDataDir?: string } = {}): Promise<{ code: number | null; doc: Document; stderr: string }> {
  const keyFile = options.keyFile === undefined ? org.keyFile : options.keyFile;
  const run = await runOrgdesk([...args, '--json', ...(keyFile === null ? [] : ['--key-file', keyFile])], { env: noKeychainEnv(options.userDataDir ?? org.userDataDir) });
  const doc = JSON.parse(run.stdout) as Document;
  expect(doc.exitCode).toBe(run.code);
  return { code: run.code, doc, stderr: run.stderr };
}

function csvFile(name: string, lines: string[]): string {
  const path = join(org.folder, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const accountNames = (prefix: string): string[] =>
  [...org.emulator.org.store.rows('Account', { includeDeleted: false })].map((row) => String(row['Name'])).filter((name) => name.startsWith(prefix));

describe('orgdesk --json', () => {
  it('0: a query ends with its records and counts in the document', async () => {
    const { code, doc } = await runJson(['query', 'SELECT Id, Name FROM Account ORDER BY Name LIMIT 3']);
    expect(code).toBe(0);
    expect(doc).toMatchObject({ state: 'done', rows: 3, source: 'rest' });
    expect(doc['records']).toHaveLength(3);
    expect(doc.error).toBeUndefined();
  });

  it('0: a load that meets 429s waits them out, tells each wait on stderr, and loads every row once', async () => {
    org.emulator.admin.addFault({ kind: 'error', status: 429, method: 'POST', path: '/services/data/*/jobs/ingest', times: 2, headers: { 'Retry-After': '1' } });
    const path = csvFile('busy.csv', ['Name', ...Array.from({ length: 20 }, (_, i) => `Json Busy ${i + 1}`)]);
    const { code, doc, stderr } = await runJson(['load', path, '--object', 'Account', '--operation', 'insert']);
    expect(stderr).toContain('the org is busy (ConcurrentPerOrgLongTxn): trying again in 1 s, 1 of 6');
    expect(stderr).toContain('the org is busy (ConcurrentPerOrgLongTxn): trying again in 1 s, 2 of 6');
    expect(code).toBe(0);
    expect(doc).toMatchObject({ state: 'done', loadId: expect.any(String), counts: { input: 20, success: 20 }, files: { success: expect.any(String) } });
    expect(new Set(accountNames('Json Busy ')).size).toBe(20);
    expect(accountNames('Json Busy ')).toHaveLength(20);
  });

  it('1: a damaged database is INTERNAL, refused before anything started', async () => {
    const damaged = join(org.folder, 'damaged-user-data');
    mkdirSync(damaged, { recursive: true });
    writeFileSync(join(damaged, 'orgdesk.db'), 'this is not a SQLite file, only bytes that say so'.repeat(200));
    const { code, doc } = await runJson(['query', 'SELECT Id FROM Account'], { userDataDir: damaged });
    expect(code).toBe(1);
    expect(doc).toMatchObject({ state: 'refused', error: { code: 'INTERNAL', message: expect.stringMatching(/damaged/) } });
  });

  it('2: commander refusing the arguments still ends with the document (bad choice, missing argument, unknown option)', async () => {
    const choice = await runJson(['load', 'x.csv', '--object', 'Account', '--operation', 'merge']);
    expect(choice.code).toBe(2);
    expect(choice.doc).toMatchObject({ state: 'refused', error: { code: 'VALIDATION', message: expect.stringMatching(/merge.*Allowed choices are insert/), hint: 'Run orgdesk load --help for the usage.' } });
    const missing = await runJson(['query']);
    expect(missing).toMatchObject({ code: 2, doc: { state: 'refused', error: { message: expect.stringMatching(/missing required argument 'soql'/i) } } });
    const unknown = await runJson(['events', '/data/ChangeEvents', '--replay-from', '3']);
    expect(unknown).toMatchObject({ code: 2, doc: { state: 'refused', error: { code: 'VALIDATION' } } });
  });

  it('2: a plan the command refuses (no object) and a channel that is not one', async () => {
    const load = await runJson(['load', csvFile('plain.csv', ['Name', 'A'])]);
    expect(load).toMatchObject({ code: 2, doc: { state: 'refused', error: { code: 'VALIDATION', message: 'No object was given.' } } });
    const events = await runJson(['events', 'not-a-channel']);
    expect(events).toMatchObject({ code: 2, doc: { state: 'refused', error: { code: 'VALIDATION', message: expect.stringMatching(/is not a channel name/) } } });
  });

  it('3: a key the connected app does not trust is AUTH', async () => {
    const other = await generateKeyAndCertificate({ commonName: 'Not trusted', now: new Date() });
    const keyFile = join(org.folder, 'other.key');
    writeFileSync(keyFile, other.privateKeyPem, { mode: 0o600 });
    const { code, doc } = await runJson(['query', 'SELECT Id FROM Account'], { keyFile });
    expect(code).toBe(3);
    expect(doc).toMatchObject({ state: 'refused', error: { code: 'AUTH' } });
  });

  it('4: no keychain and no key for the run is KEYCHAIN, with the way out in the hint', async () => {
    const { code, doc } = await runJson(['query', 'SELECT Id FROM Account'], { keyFile: null });
    expect(code).toBe(4);
    expect(doc).toMatchObject({ state: 'refused', error: { code: 'KEYCHAIN', hint: expect.stringMatching(/--key-file/) } });
  });

  it('5: an org that does not answer is NETWORK', async () => {
    const { code, doc } = await runJson(['--org', 'Gone org', 'query', 'SELECT Id FROM Account']);
    expect(code).toBe(5);
    expect(doc).toMatchObject({ state: 'refused', error: { code: 'NETWORK' } });
  });

  it('6: a query the org refuses is SF_API, failed with 0 rows', async () => {
    const { code, doc } = await runJson(['query', 'SELECT Nope__c FROM Account']);
    expect(code).toBe(6);
    expect(doc).toMatchObject({ state: 'failed', rows: 0, records: [], error: { code: 'SF_API', message: expect.stringMatching(/No such column 'Nope__c'/) } });
  });

  it('7: a load the org keeps busy past the retries stops interrupted and resumable, naming the limit', async () => {
    org.emulator.admin.addFault({ kind: 'error', status: 429, method: 'POST', path: '/services/data/*/jobs/ingest', rate: 1, headers: { 'Retry-After': '0' } });
    const path = csvFile('stopped.csv', ['Name', ...Array.from({ length: 10 }, (_, i) => `Json Stopped ${i + 1}`)]);
    const { code, doc, stderr } = await runJson(['load', path, '--object', 'Account', '--operation', 'insert']);
    expect(stderr).toContain('the org is busy (ConcurrentPerOrgLongTxn): trying again in 0 s, 6 of 6');
    expect(code).toBe(7);
    expect(doc).toMatchObject({
      state: 'interrupted',
      loadId: expect.any(String),
      error: { code: 'LIMIT', message: expect.stringMatching(/The org stayed busy \(ConcurrentPerOrgLongTxn\) through 6 retries/), hint: expect.stringMatching(/clears as they finish.*orgdesk load --resume/) },
    });
    org.emulator.admin.clearFaults();
    const resumed = await runJson(['load', '--resume', String(doc['loadId'])]);
    expect(resumed).toMatchObject({ code: 0, doc: { state: 'done', counts: { input: 10, success: 10 } } });
    expect(accountNames('Json Stopped ')).toHaveLength(10);
  });

  it('7: the daily allowance used up refuses a load before it starts (TotalRequests), saying how it clears', async () => {
    org.emulator.admin.addFault({ kind: 'api-limit', remaining: 0 });
    try {
      const { code, doc } = await runJson(['load', csvFile('daily.csv', ['Name', 'Json Daily']), '--object', 'Account', '--operation', 'insert']);
      expect(code).toBe(7);
      expect(doc).toMatchObject({ state: 'refused', error: { code: 'LIMIT', hint: expect.stringMatching(/rolling 24-hour window/) } });
      expect(doc['loadId']).toBeUndefined();
    } finally {
      org.emulator.admin.addFault({ kind: 'api-limit', remaining: 100_000 });
    }
  });

  it('8: an unknown org profile and an unknown load id are NOT_FOUND', async () => {
    const org8 = await runJson(['--org', 'Nobody', 'query', 'SELECT Id FROM Account']);
    expect(org8).toMatchObject({ code: 8, doc: { state: 'refused', error: { code: 'NOT_FOUND' } } });
    const load = await runJson(['load', '--resume', 'no-such-load']);
    expect(load).toMatchObject({ code: 8, doc: { state: 'refused', error: { code: 'NOT_FOUND', message: 'There is no load no-such-load.' } } });
  });

  it('9: an output file that cannot be written is FILE', async () => {
    const { code, doc } = await runJson(['query', 'SELECT Id FROM Account', '--out', join(org.folder, 'missing-folder', 'rows.csv')]);
    expect(code).toBe(9);
    expect(doc).toMatchObject({ state: 'refused', error: { code: 'FILE' } });
  });

  it('10: a file with invalid rows is refused with its pre-flight report; --validate-only reports it', async () => {
    const path = csvFile('invalid.csv', ['Name,NumberOfEmployees', 'Json Invalid,many']);
    const refused = await runJson(['load', path, '--object', 'Account', '--operation', 'insert']);
    expect(refused).toMatchObject({ code: 10, doc: { state: 'refused', preflight: { invalidRows: 1 }, error: { code: 'VALIDATION', message: 'Nothing was sent: 1 rows are invalid.' } } });
    const validated = await runJson(['load', path, '--object', 'Account', '--operation', 'insert', '--validate-only']);
    expect(validated).toMatchObject({ code: 10, doc: { state: 'validated', preflight: { invalidRows: 1 } } });
    expect(accountNames('Json Invalid')).toEqual([]);
  });

  it('130: Ctrl+C ends a query with the document, the records so far in it', async () => {
    org.emulator.admin.addFault({ kind: 'latency', ms: 20_000, method: 'GET', path: '/services/data/*/jobs/query/*/results' });
    const child = startOrgdesk(['query', 'SELECT Id FROM Contact', '--bulk', '--json', '--key-file', org.keyFile], { env: noKeychainEnv(org.userDataDir) });
    const done = collect(child, 45_000);
    let progress = '';
    child.stderr?.on('data', (text: string) => (progress += text));
    while (!progress.includes('Querying Local org')) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGINT');
    const run = await done;
    expect(run.code).toBe(130);
    expect(JSON.parse(run.stdout)).toMatchObject({ state: 'cancelled', source: 'bulk', records: [], error: { code: 'CANCELLED' }, exitCode: 130 });
  });
});
