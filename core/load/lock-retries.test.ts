import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoadOptions, LoadSummary } from '../../shared/ipc/domains/load';
import { retrySentences } from '../../shared/salesforce/lock-retries';
import { SMALL_ORG, useEmulator } from '../test-support/emulator-fixture';
import { useLoadBench } from '../test-support/undo-fixture';
import type { LoadService, LoadServiceOptions } from './load-service';

const org = useEmulator({ seedSize: SMALL_ORG });
const bench = useLoadBench(org);
afterEach(() => {
  org.emulator.admin.addFault({ kind: 'bulk-release-stall' });
  org.emulator.admin.setLockContention(null);
});

/** A load service on the test folder's database (jobs of 200 rows); a second call is the app started again. */
function service(overrides: Partial<LoadServiceOptions> = {}): LoadService {
  return bench.service({ maxJobRows: 200, ...overrides });
}

const readCsv = (path: string): string[][] => bench.readCsv(path);
const start = (load: LoadService, path: string, objectName: string, operation: 'insert', options: Partial<LoadOptions> = {}): Promise<string> =>
  bench.start(load, path, objectName, operation, { concurrency: 2, ...options });

/** Accounts made in the org for the Contacts to hang under. */
function parents(count: number): string[] {
  const userId = org.emulator.admin.users()[0]?.id ?? '';
  return Array.from({ length: count }, (_, i) => org.emulator.org.writer.createRecord('Account', { Name: `Lock parent ${i}` }, { userId, origin: 'test' }).id);
}

/** A Contact file: `rows` Contacts spread over the accounts, each with a unique LastName and the file's Department marker. */
function contacts(name: string, accounts: string[], rows: number): string {
  const path = join(bench.dir, `${name}.csv`);
  const lines = ['LastName,AccountId,Department', ...Array.from({ length: rows }, (_, i) => `${name}-${i + 1},${accounts[i % accounts.length] ?? ''},${name}`)];
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** The org's records of one file, by their marker (a non-unique field): how many, and how many distinct rows they hold. */
function inOrg(objectName: string, field: string, marker: string, key: string): { records: number; distinct: number } {
  const rows = [...org.emulator.org.store.rows(objectName, { includeDeleted: false })].filter((row) => row[field] === marker);
  return { records: rows.length, distinct: new Set(rows.map((row) => String(row[key]))).size };
}

/** Every input row exactly once across the three result files, and the counts match them. */
function expectEveryRowOnce(summary: LoadSummary): void {
  const files = [summary.files.success, summary.files.failure, summary.files.unprocessed].map((path) => readCsv(path).slice(1));
  const rows = files.flat().map((row) => Number(row[0])).sort((a, b) => a - b);
  expect(rows).toEqual(Array.from({ length: summary.counts.input }, (_, i) => i + 1));
  expect(files.map((file) => file.length)).toEqual([summary.counts.success, summary.counts.failed, summary.counts.unprocessed]);
}

/**
 * Starts a load whose first two jobs are surely in flight together: the first stalls (holding its parents) until the
 * second has started processing, so the second's rows under the same parents meet the simulated lock contention.
 */
async function startContended(load: LoadService, path: string, options: Partial<LoadOptions>): Promise<string> {
  org.emulator.admin.addFault({ kind: 'bulk-stall-ingest', afterRows: 0 });
  const loadId = await start(load, path, 'Contact', 'insert', options);
  const started = (): boolean => load.get(loadId).jobs.filter((job) => ['InProgress', 'JobComplete', 'Failed'].includes(job.state)).length >= 2;
  for (let i = 0; i < 2000 && !started(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  org.emulator.admin.addFault({ kind: 'bulk-release-stall' });
  return loadId;
}

const lockFailuresIn = (summary: LoadSummary): number => readCsv(summary.files.failure).filter((row) => (row[1] ?? '').startsWith('UNABLE_TO_LOCK_ROW')).length;

describe('lock-aware loads', () => {
  it('loads the same file with and without grouping by parent: lock failures only without, the retry leaves none and no duplicate', async () => {
    const accounts = parents(40);
    const load = service();
    org.emulator.admin.setLockContention({ failRate: 0.5, holdMs: 50, seed: 11 });

    const ungrouped = await load.settled(await startContended(load, contacts('Ungrouped', accounts, 800), { groupByParent: false }));
    expect(ungrouped.state).toBe('done');
    expect(ungrouped.retries?.lockFailures ?? 0).toBeGreaterThan(0);
    expect(ungrouped.retries).toMatchObject({ lockFailuresLeft: 0 });
    expect(ungrouped.retries?.lockRetried).toBe(ungrouped.retries?.lockFailures);
    expect(ungrouped.counts).toMatchObject({ input: 800, success: 800, failed: 0, unprocessed: 0 });
    expect(lockFailuresIn(ungrouped)).toBe(0);
    const failures = (ungrouped.retries?.lockFailures ?? 0).toLocaleString('en-US');
    expect(retrySentences(ungrouped.retries ?? { lockFailures: 0, lockRetried: 0, lockRounds: 0, lockFailuresLeft: 0, failedJobs: 0, failedJobRows: 0 })).toEqual([
      `${failures} rows could not lock their parent record (UNABLE_TO_LOCK_ROW) and were sent again after the other jobs, in 1 round (at most 3); none still fails.`,
    ]);
    expectEveryRowOnce(ungrouped);
    expect(inOrg('Contact', 'Department', 'Ungrouped', 'LastName')).toEqual({ records: 800, distinct: 800 });

    const grouped = await load.settled(await startContended(load, contacts('Grouped', accounts, 800), {}));
    expect(grouped.state).toBe('done');
    expect(grouped.retries?.lockFailures ?? 0).toBe(0);
    expect(grouped.counts).toMatchObject({ input: 800, success: 800, failed: 0 });
    expect(grouped.jobs.length).toBeGreaterThanOrEqual(4);
    expectEveryRowOnce(grouped);
    expect(inOrg('Contact', 'Department', 'Grouped', 'LastName')).toEqual({ records: 800, distinct: 800 });
  });

  it('sends the unprocessed rows of a job Salesforce failed with a retryable error once more, keeping the rows it processed', async () => {
    const load = service({ maxJobRows: 300 });
    org.emulator.admin.addFault({ kind: 'bulk-fail-ingest', afterRows: 100 });
    const path = join(bench.dir, 'failing.csv');
    writeFileSync(path, `${['Name,Description', ...Array.from({ length: 600 }, (_, i) => `Failed job ${i + 1},failing-job`)].join('\n')}\n`);
    const summary = await load.settled(await start(load, path, 'Account', 'insert', { concurrency: 1 }));
    expect(summary.state).toBe('done');
    expect(summary.jobs[0]).toMatchObject({ state: 'Failed', processed: 100 });
    expect(summary.jobs).toHaveLength(3);
    expect(summary.retries).toMatchObject({ failedJobs: 1, failedJobRows: 200, lockFailures: 0 });
    expect(summary.retries === undefined ? [] : retrySentences(summary.retries)).toEqual(['Salesforce failed 1 job with a retryable error: its 200 unprocessed rows were sent once more in a new job.']);
    expect(summary.counts).toMatchObject({ input: 600, success: 600, failed: 0, unprocessed: 0 });
    expectEveryRowOnce(summary);
    expect(inOrg('Account', 'Description', 'failing-job', 'Name')).toEqual({ records: 600, distinct: 600 });
  });

  it('leaves a job failed for its file as today: its unprocessed rows are not sent again', async () => {
    const load = service({ maxJobRows: 300 });
    org.emulator.admin.addFault({ kind: 'bulk-fail-ingest', afterRows: 100, errorMessage: 'InvalidBatch : Field name not found : Nope' });
    const path = join(bench.dir, 'bad.csv');
    writeFileSync(path, `${['Name,Description', ...Array.from({ length: 300 }, (_, i) => `Bad job ${i + 1},bad-job`)].join('\n')}\n`);
    const summary = await load.settled(await start(load, path, 'Account', 'insert', { concurrency: 1 }));
    expect(summary.state).toBe('failed');
    expect(summary.jobs).toHaveLength(1);
    expect(summary.retries).toBeUndefined();
    expect(summary.counts).toMatchObject({ success: 100, unprocessed: 200 });
    expectEveryRowOnce(summary);
  });

  it('resumes a load killed while a lock retry was in flight: every row once in the files and in the org', async () => {
    const accounts = parents(20);
    org.emulator.admin.setLockContention({ failRate: 0.5, holdMs: 400, seed: 5 });
    const first = service();
    const loadId = await startContended(first, contacts('Killed', accounts, 800), { groupByParent: false });
    for (let i = 0; i < 3000 && !(first.get(loadId).jobs[4]?.state === 'InProgress'); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(first.get(loadId).jobs[4]?.state).toBe('InProgress');
    await first.dispose();

    const second = service();
    expect(second.get(loadId).state).toBe('interrupted');
    await second.resume(loadId);
    const summary = await second.settled(loadId);
    expect(summary.state).toBe('done');
    expect(summary.counts).toMatchObject({ input: 800, success: 800, failed: 0, unprocessed: 0 });
    expectEveryRowOnce(summary);
    expect(inOrg('Contact', 'Department', 'Killed', 'LastName')).toEqual({ records: 800, distinct: 800 });
  });
});
