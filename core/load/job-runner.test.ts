import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { createReadStream } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { createEmulatorConnections } from '../test-support/emulator-connections';
import { createIngestClient, createSystemClock } from '../salesforce';
import { openDatabase, type OrgDeskDatabase } from '../store';
import { planJobs, type RecordSource, type RowCheckPort } from './job-planner';
import { createJobQueue, runJob, runWorkers, type JobContext } from './job-runner';
import { createLoadJournal, type JournalJob, type LoadJournal } from './load-journal';
import { assembleResultFiles } from './result-files';

const ADMIN = 'admin@orgdesk.example';
const API = '/services/data/v62.0';

let emulator: RunningEmulator;
let dir: string;
let database: OrgDeskDatabase;
let journal: LoadJournal;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seedSize: { accounts: 5, contacts: 5, opportunities: 1, cases: 1, leads: 1, invoices: 1 } });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.admin.reset();
  dir = mkdtempSync(join(tmpdir(), 'orgdesk-jobs-'));
  database = openDatabase({ folder: join(dir, 'db') });
  journal = createLoadJournal(database.db);
});
afterEach(() => {
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The validator port as the identity: every row valid, cells as given (A's validator is tested on its own). */
function identity(headers: string[]): RowCheckPort {
  return { outputHeaders: headers, check: (values) => ({ ok: true, cells: values }) };
}

async function* records(path: string): RecordSource {
  let row = -1;
  for await (const values of createReadStream(path).pipe(parse()) as AsyncIterable<string[]>) {
    row += 1;
    if (row > 0) yield { row, values };
  }
}

async function accountCount(): Promise<number> {
  const { connection } = createEmulatorConnections({ url: emulator.url, username: ADMIN });
  const page = await connection.client.json<{ totalSize: number }>('GET', `${API}/query`, { query: { q: 'SELECT COUNT() FROM Account' } });
  return page.totalSize;
}

function accountsCsv(rows: number, bad: (row: number) => boolean = () => false): string {
  const path = join(dir, 'accounts.csv');
  const lines = ['Name,NumberOfEmployees'];
  for (let row = 1; row <= rows; row += 1) lines.push(`"Account ${row}, Inc.",${bad(row) ? 'lots' : row}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Plans, runs and assembles a load of the file with the engine's parts, as the service does. */
async function load(path: string, options: { maxJobRows: number; concurrency?: number }) {
  const headers = ['Name', 'NumberOfEmployees'];
  const workDir = join(dir, 'work');
  mkdirSync(workDir, { recursive: true });
  const loadId = 'load-1';
  const files = { success: join(dir, 'success.csv'), failure: join(dir, 'failure.csv'), unprocessed: join(dir, 'unprocessed.csv'), excluded: join(dir, 'excluded.csv') };
  journal.create({
    id: loadId,
    orgId: 'org',
    source: { path, fileName: 'accounts.csv', sha256: 'x', shape: {}, rowCount: 0 },
    plan: { objectName: 'Account', operation: 'insert', mappings: [], dates: { dateOrder: 'ymd', timeZone: 'UTC' } },
    object: null,
    options: { excludeInvalid: true },
    state: 'running',
    workDir,
    files,
    excludedRows: 0,
    plannedThrough: 0,
    planningDone: false,
    counts: null,
    error: null,
    startedAt: new Date().toISOString(),
    endedAt: null,
  });
  const { connection } = createEmulatorConnections({ url: emulator.url, username: ADMIN });
  const clock = createSystemClock();
  const ctx: JobContext = {
    loadId,
    ingest: createIngestClient({ client: connection.client, apiVersion: '62.0', clock, poll: { initialMs: 5, maxMs: 20 } }),
    journal,
    clock,
    workDir,
    spec: { object: 'Account', operation: 'insert' },
    outputHeaders: headers,
    signal: new AbortController().signal,
    onChange: () => undefined,
  };
  const queue = createJobQueue();
  const workers = runWorkers(queue, options.concurrency ?? 2, (job) => runJob(ctx, job), new AbortController());
  await planJobs({
    records: records(path),
    validator: identity(headers),
    headers,
    workDir,
    maxJobBytes: 100_000_000,
    maxJobRows: options.maxJobRows,
    nextSeq: 1,
    plannedThrough: 0,
    excludedPath: files.excluded,
    onJobs: (planned, plannedThrough, excluded) => {
      for (const one of planned) {
        const job: JournalJob = { loadId, ...one, jobId: null, state: 'Pending', closed: false, processed: 0, failed: 0, errorMessage: null, attempts: 0, resultsDone: false, resultCounts: null };
        journal.addJob(job, plannedThrough, excluded);
        queue.push(job);
      }
    },
  });
  queue.end();
  const outcomes = await workers;
  const jobs = journal.jobs(loadId);
  await assembleResultFiles({ workDir, seqs: jobs.map((job) => job.seq), tail: false, headers, files });
  const read = (file: string): string[][] => {
    const rows: unknown = parseSync(readFileSync(file, 'utf8'));
    return rows as string[][];
  };
  return { outcomes, jobs, success: read(files.success), failure: read(files.failure), unprocessed: read(files.unprocessed) };
}

/** Every input row exactly once across the files, by row number. */
function rowNumbers(...files: string[][][]): number[] {
  return files.flatMap((rows) => rows.slice(1).map((row) => Number(row[0]))).sort((a, b) => a - b);
}

describe('job planner and runner', () => {
  it('splits the rows into separate jobs, one upload each, and every row lands once in the success file with its Id', async () => {
    const before = await accountCount();
    const result = await load(accountsCsv(1000), { maxJobRows: 230 });
    expect(result.jobs.map((job) => job.rows)).toEqual([230, 230, 230, 230, 80]);
    expect(result.jobs.every((job) => job.attempts === 1 && job.state === 'JobComplete')).toBe(true);
    expect(result.success[0]).toEqual(['row', 'sf__Id', 'sf__Created', 'Name', 'NumberOfEmployees']);
    expect(rowNumbers(result.success, result.failure, result.unprocessed)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(result.success[1]).toEqual(['1', expect.stringMatching(/^001[A-Za-z0-9]{15}$/) as unknown, 'true', 'Account 1, Inc.', '1']);
    expect(new Set(result.success.slice(1).map((row) => row[1])).size).toBe(1000);
    expect(await accountCount()).toBe(before + 1000);
  });

  it('puts row failures in the failure file with sf__Error and the original columns', async () => {
    const result = await load(accountsCsv(300, (row) => row % 100 === 0), { maxJobRows: 120 });
    expect(result.failure.slice(1).map((row) => row[0])).toEqual(['100', '200', '300']);
    expect(result.failure[1]?.[1]).toMatch(/NumberOfEmployees/);
    expect(result.failure[1]?.slice(2)).toEqual(['Account 100, Inc.', 'lots']);
    expect(result.success.length - 1).toBe(297);
  });

  it('sends the rows of a job whose upload got a 503 in a new job, without duplicate inserts', async () => {
    const before = await accountCount();
    emulator.admin.addFault({ kind: 'error', status: 503, method: 'PUT', path: '*/jobs/ingest/*/batches' });
    const result = await load(accountsCsv(600), { maxJobRows: 200 });
    expect(result.jobs.map((job) => job.attempts).sort()).toEqual([1, 1, 2]);
    expect(rowNumbers(result.success)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(await accountCount()).toBe(before + 600);
  });

  it('aborts a job whose upload connection was reset and sends its rows again in a new job', async () => {
    const before = await accountCount();
    emulator.admin.addFault({ kind: 'bulk-drop-upload', afterBytes: 100 });
    const result = await load(accountsCsv(600), { maxJobRows: 200 });
    expect(result.jobs.some((job) => job.attempts === 2)).toBe(true);
    expect(rowNumbers(result.success)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(await accountCount()).toBe(before + 600);
  });

  it('keeps polling through 5xx answers to job info and still accounts for every row once', async () => {
    const before = await accountCount();
    emulator.admin.addFault({ kind: 'error', status: 503, method: 'GET', path: '/services/data/v62.0/jobs/ingest/*', times: 6 });
    const result = await load(accountsCsv(400), { maxJobRows: 150 });
    expect(rowNumbers(result.success)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    expect(await accountCount()).toBe(before + 400);
  });

  it('logs in again when the session expires mid-load and loads every row once', async () => {
    const before = await accountCount();
    emulator.admin.addFault({ kind: 'latency', ms: 30, path: '*/jobs/ingest*' });
    const loading = load(accountsCsv(600), { maxJobRows: 100, concurrency: 1 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    emulator.admin.addFault({ kind: 'expire-sessions' });
    const result = await loading;
    expect(rowNumbers(result.success)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(await accountCount()).toBe(before + 600);
  });

  it('matches identical rows one to one even though results come in any order', async () => {
    const path = join(dir, 'same.csv');
    writeFileSync(path, `Name,NumberOfEmployees\n${Array.from({ length: 50 }, () => 'Twin,5').join('\n')}\n`);
    const result = await load(path, { maxJobRows: 20 });
    expect(rowNumbers(result.success)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(result.outcomes.every((outcome) => outcome.results.unmatched === 0)).toBe(true);
  });
});
