import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LoadSummary } from '../../shared/ipc/domains/load';
import { addProfile, startCliOrg, type CliOrg } from '../test/cli-org';
import { collect, noKeychainEnv, runOrgdesk, startOrgdesk } from '../test/run-orgdesk';

let org: CliOrg;

beforeAll(async () => {
  org = await startCliOrg();
  addProfile(org, 'Local org');
});
afterEach(() => {
  org.emulator.admin.clearFaults();
});
afterAll(async () => {
  await org.stop();
});

/** The org's live rows of an object whose `field` starts with `prefix`. */
function orgRows(objectName: string, field: string, prefix: string): Record<string, unknown>[] {
  return [...org.emulator.org.store.rows(objectName, { includeDeleted: false })].filter((row) => String(row[field] ?? '').startsWith(prefix));
}

function csvFile(name: string, lines: string[]): string {
  const path = join(org.folder, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function readCsv(path: string): string[][] {
  const rows: unknown = parse(readFileSync(path, 'utf8'));
  return rows as string[][];
}

/** The row numbers of every result file (header dropped), sorted: each input row must appear exactly once. */
function rowNumbers(summary: LoadSummary): number[] {
  const files = [summary.files.success, summary.files.failure, summary.files.unprocessed, ...(summary.files.excluded === null ? [] : [summary.files.excluded])];
  return files.flatMap((path) => readCsv(path).slice(1).map((row) => Number(row[0]))).sort((a, b) => a - b);
}

const oneTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

const run = (args: string[], timeoutMs?: number) =>
  runOrgdesk([...args, '--key-file', org.keyFile], timeoutMs === undefined ? { env: noKeychainEnv(org.userDataDir) } : { env: noKeychainEnv(org.userDataDir), timeoutMs });

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('orgdesk load', () => {
  it('ends with exit code 10 when rows fail in the org, and its result files add up to the input', async () => {
    // Rows 4, 8 and 12 look up an Account that does not exist: pre-flight cannot know, the org fails them.
    const lines = ['Surname,Company'];
    for (let row = 1; row <= 12; row += 1) lines.push(`Partial ${row},${row % 4 === 0 ? 'ACC-99999' : `ACC-0000${(row % 9) + 1}`}`);
    const path = csvFile('partial.csv', lines);
    const mapping = join(org.folder, 'partial.mapping.json');
    writeFileSync(mapping, JSON.stringify({ Surname: 'LastName', Company: 'Account.External_Id__c' }));

    const result = await run(['load', path, '--object', 'Contact', '--operation', 'insert', '--mapping', mapping, '--json']);
    expect(result.stderr).toMatch(/Load [0-9a-f-]{36} started/);
    expect(result.code).toBe(10);
    const summary = JSON.parse(result.stdout) as LoadSummary;
    expect(summary).toMatchObject({ state: 'done', counts: { input: 12, success: 9, failed: 3, unprocessed: 0, excluded: 0 }, exitCode: 10 });
    expect(result.stderr).toMatch(/12 input rows: 9 succeeded, 3 failed, 0 unprocessed, 0 excluded by pre-flight/);
    expect(result.stderr).toContain(summary.files.failure);

    const success = readCsv(summary.files.success);
    const failure = readCsv(summary.files.failure);
    expect(success[0]).toEqual(['row', 'sf__Id', 'sf__Created', 'Surname', 'Company']);
    expect(failure[0]).toEqual(['row', 'sf__Error', 'Surname', 'Company']);
    expect(failure.slice(1).map((row) => row[0])).toEqual(['4', '8', '12']);
    expect(failure.slice(1).every((row) => row[3] === 'ACC-99999' && (row[1] ?? '') !== '')).toBe(true);
    expect(rowNumbers(summary)).toEqual(oneTo(12));
    const created = orgRows('Contact', 'LastName', 'Partial ');
    expect(created.map((row) => String(row['Id'])).sort()).toEqual(success.slice(1).map((row) => row[1] ?? '').sort());
  });

  it('prints the pre-flight issues grouped with counts and examples for --validate-only, exit 10, and sends nothing', async () => {
    const lines = ['Name,NumberOfEmployees', 'Valid One,10', 'Bad Count,many', ',3', 'Bad Too,12x', 'Valid Two,4'];
    const path = csvFile('issues.csv', lines);
    const before = org.emulator.admin.counters().byArea;

    const checked = await run(['load', path, '--object', 'Account', '--operation', 'insert', '--validate-only']);
    expect(checked.code).toBe(10);
    expect(checked.stdout).toMatch(/Mapping \(suggested from the headers\):\n {2}Name -> Name\n {2}NumberOfEmployees -> NumberOfEmployees/);
    expect(checked.stdout).toMatch(/Pre-flight: 5 rows checked, 2 valid, 3 invalid/);
    expect(checked.stdout).toMatch(/Values that are not numbers \[bad-number\]: 2\n {4}row 2, NumberOfEmployees "many": .+\n {4}row 4, NumberOfEmployees "12x": /);
    expect(checked.stdout).toMatch(/Required fields without a value \[required-missing\]: 1\n {4}row 3, Name/);
    expect(checked.stdout).not.toMatch(/started/);
    expect(org.emulator.admin.counters().byArea['bulk'] ?? 0).toBe(before['bulk'] ?? 0);
    expect(orgRows('Account', 'Name', 'Valid ')).toHaveLength(0);

    const refused = await run(['load', path, '--object', 'Account', '--operation', 'insert']);
    expect(refused.code).toBe(10);
    expect(refused.stderr).toMatch(/Nothing was sent: 3 rows are invalid.*--exclude-invalid/);
    expect(orgRows('Account', 'Name', 'Valid ')).toHaveLength(0);

    const clean = await run(['load', csvFile('clean.csv', ['Name', 'Clean']), '--object', 'Account', '--operation', 'insert', '--validate-only']);
    expect(clean.stdout).toMatch(/1 row checked, 1 valid, 0 invalid/);
    expect(clean.code).toBe(0);
  });

  it('resumes a load killed mid-way with --resume: every row accounted for once and no record inserted twice', async () => {
    const rows = 150;
    const path = csvFile('killed.csv', ['Name,NumberOfEmployees', ...oneTo(rows).map((n) => `Resume Account ${n},${n}`)]);
    // The first job holds once 20 of its rows are in, so the process is killed with a job in the org and the rest to send.
    org.emulator.admin.addFault({ kind: 'bulk-stall-ingest', afterRows: 20 });
    const child = startOrgdesk(['load', path, '--object', 'Account', '--operation', 'insert', '--max-job-bytes', '1024', '--concurrency', '1', '--key-file', org.keyFile], {
      env: noKeychainEnv(org.userDataDir),
    });
    let stderr = '';
    child.stderr?.on('data', (text: Buffer) => (stderr += text.toString()));
    const ended = collect(child, 45_000);
    await until(() => orgRows('Account', 'Name', 'Resume Account ').length === 20 && /Load [0-9a-f-]{36} started/.test(stderr), 'the first job to stall');
    child.kill('SIGKILL');
    expect((await ended).signal).toBe('SIGKILL');
    const loadId = /Load ([0-9a-f-]{36}) started/.exec(stderr)?.[1] ?? '';
    org.emulator.admin.addFault({ kind: 'bulk-release-stall' });
    const listed = await run(['load', '--list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${loadId} {2}running .* insert Account .*killed\\.csv {2}\\(150 rows\\)$`, 'm'));
    expect(listed.stderr).toMatch(/resumes with orgdesk load --resume ID/);

    const resumed = await run(['load', '--resume', loadId, '--json']);
    expect(resumed.stderr).toMatch(new RegExp(`Resuming load ${loadId}: .*killed\\.csv · insert into Account`));
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout) as LoadSummary;
    expect(summary).toMatchObject({ loadId, state: 'done', counts: { input: rows, success: rows, failed: 0, unprocessed: 0 } });
    expect(summary.jobs.length).toBeGreaterThan(1);
    expect(rowNumbers(summary)).toEqual(oneTo(rows));
    const names = orgRows('Account', 'Name', 'Resume Account ').map((row) => String(row['Name']));
    expect(names).toHaveLength(rows);
    expect(new Set(names).size).toBe(rows);

    const unknown = await run(['load', '--resume', 'no-such-load']);
    expect(unknown.code).toBe(8);
    expect(unknown.stderr).toMatch(/There is no load no-such-load\. \[NOT_FOUND\]\n {2}Run orgdesk load --list/);
    const again = await run(['load', '--resume', loadId]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/only an interrupted load can be resumed/);
  });

  it('cancels on Ctrl+C with exit code 130, saying what was committed, with result files that still add up', async () => {
    const rows = 60;
    const path = csvFile('cancelled.csv', ['Name', ...oneTo(rows).map((n) => `Cancel Account ${n}`)]);
    org.emulator.admin.addFault({ kind: 'bulk-stall-ingest', afterRows: 15 });
    const child = startOrgdesk(['load', path, '--object', 'Account', '--operation', 'insert', '--json', '--key-file', org.keyFile], { env: noKeychainEnv(org.userDataDir) });
    const ended = collect(child, 45_000);
    await until(() => orgRows('Account', 'Name', 'Cancel Account ').length === 15, 'the job to stall');
    child.kill('SIGINT');
    const result = await ended;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/The load was cancelled: 15 rows were already committed in the org \(the success file\), 45 were not loaded/);
    const summary = JSON.parse(result.stdout) as LoadSummary;
    expect(summary).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' }, exitCode: 130 });
    expect(rowNumbers(summary)).toEqual(oneTo(rows));
    expect(readCsv(summary.files.success)).toHaveLength(16);
  });

  it('refuses a Windows-1252 file naming the line, and reads it with --encoding windows-1252', async () => {
    const path = join(org.folder, 'latin.csv');
    writeFileSync(path, Buffer.concat([Buffer.from('Name\nPlain\nCaf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const refused = await run(['load', path, '--object', 'Account', '--operation', 'insert', '--validate-only']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Line 3 is not valid UTF-8/);
    expect(refused.stderr).toMatch(/--encoding windows-1252/);
    const read = await run(['load', path, '--object', 'Account', '--operation', 'insert', '--validate-only', '--encoding', 'windows-1252']);
    expect(read.stdout).toMatch(/2 rows, 1 columns, windows-1252/);
    expect(read.code).toBe(0);
  });

  it('takes --no-group-by-parent for a new load only: a resume keeps the journal\'s options', async () => {
    const result = await run(['load', '--resume', '3f2c9a1e-0000-4000-8000-000000000000', '--no-group-by-parent']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--no-group-by-parent cannot be given with it');
  });

  it('refuses a mapping file that is not one, naming it, before opening anything', async () => {
    const mapping = join(org.folder, 'broken.mapping.json');
    writeFileSync(mapping, JSON.stringify({ mappings: [{ source: 'column', column: 'Name' }] }));
    const result = await run(['load', csvFile('m.csv', ['Name', 'X']), '--object', 'Account', '--operation', 'insert', '--mapping', mapping]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`The mapping file ${mapping} cannot be used`);
    expect(result.stderr).toMatch(/mappings\.0\.field/);
  });
});
