import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoadOperation, LoadOptions, LoadPlan, LoadProgress, LoadSummary } from '../../shared/ipc/domains/load';
import { countRecords, SMALL_ORG, useEmulator } from '../test-support/emulator-fixture';
import { createTestLoadService } from '../test-support/load-service-fixture';
import { openDatabase, type OrgDeskDatabase } from '../store';
import { createLoadOwner, type LoadOwner } from './load-owner';
import type { LoadService, LoadServiceOptions } from './load-service';

const DATES = { dateOrder: 'ymd', timeZone: 'UTC' } as const;

const org = useEmulator({ seedSize: SMALL_ORG });
let dir: string;
let databases: OrgDeskDatabase[] = [];
let services: LoadService[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orgdesk-load-'));
});
afterEach(async () => {
  for (const service of services) await service.dispose();
  for (const database of databases) database.close();
  services = [];
  databases = [];
  org.emulator.admin.addFault({ kind: 'bulk-release-stall' });
  rmSync(dir, { recursive: true, force: true });
});

/** A load service on the test folder's database, as the app builds it; a second call is the app started again. */
function service(overrides: Partial<LoadServiceOptions> & { owner?: LoadOwner } = {}): LoadService {
  const database = openDatabase({ folder: join(dir, 'user-data') });
  databases.push(database);
  const load = createTestLoadService(database.db, org.emulator, dir, overrides);
  services.push(load);
  return load;
}

function count(soql: string): Promise<number> {
  return countRecords(org.emulator, soql);
}

function csv(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function accounts(rows: number, first = 1): string[] {
  return ['Name,NumberOfEmployees', ...Array.from({ length: rows }, (_, i) => `Load Account ${first + i},${first + i}`)];
}

function readCsv(path: string): string[][] {
  const rows: unknown = parse(readFileSync(path, 'utf8'));
  return rows as string[][];
}

/** Opens the file, maps it automatically and starts the load. */
async function start(load: LoadService, path: string, objectName: string, operation: LoadOperation, options: Partial<LoadOptions> = {}, extra: Partial<LoadPlan> = {}) {
  const file = await load.open({ kind: 'path', path });
  const { mappings } = await load.suggestMapping('org', file.fileId, objectName, operation);
  const plan: LoadPlan = { objectName, operation, mappings, dates: DATES, ...extra };
  const { loadId } = await load.start('org', file.fileId, plan, { excludeInvalid: true, ...options });
  return { loadId, file, plan };
}

/** Every input row exactly once across the result files (and the excluded file), by row number. */
function rowsInFiles(summary: LoadSummary): number[] {
  const paths = [summary.files.success, summary.files.failure, summary.files.unprocessed, ...(summary.files.excluded === null ? [] : [summary.files.excluded])];
  return paths.flatMap((path) => readCsv(path).slice(1).map((row) => Number(row[0]))).sort((a, b) => a - b);
}

function oneToN(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

function expectAddsUp(summary: LoadSummary): void {
  const { counts } = summary;
  expect(counts.success + counts.failed + counts.unprocessed + counts.excluded).toBe(counts.input);
  expect(rowsInFiles(summary)).toEqual(oneToN(counts.input));
  expect(readCsv(summary.files.success).length - 1).toBe(counts.success);
  expect(readCsv(summary.files.failure).length - 1).toBe(counts.failed);
  expect(readCsv(summary.files.unprocessed).length - 1).toBe(counts.unprocessed);
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

describe('load service', () => {
  it('inserts, updates, upserts, deletes and hard-deletes, each with result files that add up', async () => {
    const load = service();
    const before = await count('SELECT COUNT() FROM Account');
    const inserted = await load.settled((await start(load, csv('insert.csv', accounts(30)), 'Account', 'insert')).loadId);
    expect(inserted).toMatchObject({ state: 'done', counts: { input: 30, success: 30, failed: 0, unprocessed: 0 } });
    expectAddsUp(inserted);
    expect(await count('SELECT COUNT() FROM Account')).toBe(before + 30);
    const ids = readCsv(inserted.files.success).slice(1).map((row) => row[1] ?? '');

    const updated = await load.settled((await start(load, csv('update.csv', ['Id,Name', ...ids.slice(0, 10).map((id, i) => `${id},Renamed ${i}`)]), 'Account', 'update')).loadId);
    expect(updated).toMatchObject({ state: 'done', counts: { success: 10 } });
    expect(await count("SELECT COUNT() FROM Account WHERE Name LIKE 'Renamed%'")).toBe(10);

    const deleted = await load.settled((await start(load, csv('delete.csv', ['Id', ...ids.slice(10, 15)]), 'Account', 'delete')).loadId);
    expect(deleted).toMatchObject({ state: 'done', counts: { success: 5 } });
    const hard = await load.settled((await start(load, csv('hard.csv', ['Id', ...ids.slice(15, 20)]), 'Account', 'hardDelete')).loadId);
    expect(hard).toMatchObject({ state: 'done', counts: { success: 5 } });
    expect(await count('SELECT COUNT() FROM Account WHERE IsDeleted = false')).toBe(before + 20);

    const upsertFile = csv('upsert.csv', ['LastName,External_Id__c', 'Upserted One,UP-1', 'Upserted Two,UP-2']);
    const first = await load.settled((await start(load, upsertFile, 'Contact', 'upsert', {}, { externalIdField: 'External_Id__c' })).loadId);
    expect(first.counts.success).toBe(2);
    expect(readCsv(first.files.success).slice(1).map((row) => row[2])).toEqual(['true', 'true']);
    const again = await load.settled((await start(load, csv('upsert2.csv', ['LastName,External_Id__c', 'Upserted Uno,UP-1']), 'Contact', 'upsert', {}, { externalIdField: 'External_Id__c' })).loadId);
    expect(readCsv(again.files.success).slice(1).map((row) => row[2])).toEqual(['false']);
    expect(await count("SELECT COUNT() FROM Contact WHERE External_Id__c LIKE 'UP-%'")).toBe(2);
  });

  it('splits a 250,000-row load into several jobs and creates every record exactly once', async () => {
    const load = service();
    const lines = ['LastName', ...Array.from({ length: 250_000 }, (_, i) => `Bulk ${i + 1}`)];
    const { loadId } = await start(load, csv('big.csv', lines), 'Contact', 'insert', { maxJobBytes: 1_000_000, concurrency: 2 });
    const summary = await load.settled(loadId);
    expect(summary.state).toBe('done');
    expect(summary.jobs.length).toBeGreaterThanOrEqual(3);
    expect(summary.jobs.every((job) => job.rows > 0 && job.state === 'JobComplete')).toBe(true);
    expect(summary.counts).toMatchObject({ input: 250_000, success: 250_000, uploaded: 250_000 });
    expect(await count("SELECT COUNT() FROM Contact WHERE LastName LIKE 'Bulk %'")).toBe(250_000);
    expectAddsUp(summary);
  }, 180_000);

  it('writes row failures to the failure file and pre-flight exclusions to their own file, all adding up', async () => {
    const load = service();
    const lines = accounts(40);
    lines[5] = 'Load Account 5,many';
    lines[12] = ',12';
    const summary = await load.settled((await start(load, csv('mixed.csv', lines), 'Account', 'insert')).loadId);
    expect(summary.state).toBe('done');
    expect(summary.counts.excluded).toBeGreaterThanOrEqual(1);
    expect(summary.files.excluded).not.toBeNull();
    expectAddsUp(summary);
  });

  it('offers the failure file again with the same plan for "Retry failed rows"', async () => {
    const load = service();
    const inserted = await load.settled((await start(load, csv('retry-insert.csv', accounts(6)), 'Account', 'insert')).loadId);
    const ids = readCsv(inserted.files.success).slice(1).map((row) => row[1] ?? '');
    await load.settled((await start(load, csv('retry-delete.csv', ['Id', ...ids.slice(0, 2)]), 'Account', 'delete')).loadId);
    const update = await load.settled((await start(load, csv('retry-update.csv', ['Id,Name', ...ids.map((id, i) => `${id},Again ${i}`)]), 'Account', 'update')).loadId);
    expect(update.counts).toMatchObject({ success: 4, failed: 2 });
    expectAddsUp(update);
    const retry = await load.retryFailed(update.loadId);
    expect(retry.file).toMatchObject({ path: update.files.failure, rowCount: 2, headers: ['row', 'sf__Error', 'Id', 'Name'] });
    expect(retry.plan).toMatchObject({ objectName: 'Account', operation: 'update' });
  });

  it('shows a job-level failure with its errorMessage and leaves its rows unprocessed', async () => {
    const load = service();
    org.emulator.admin.addFault({ kind: 'bulk-fail-ingest', afterRows: 0, errorMessage: 'InvalidBatch : Field name not found : Industryy' });
    const summary = await load.settled((await start(load, csv('fail.csv', accounts(10)), 'Account', 'insert')).loadId);
    expect(summary.state).toBe('failed');
    expect(summary.error?.message).toContain('Field name not found : Industryy');
    expect(summary.jobs[0]?.errorMessage).toContain('Industryy');
    expect(summary.counts.unprocessed).toBe(10);
    expectAddsUp(summary);
  });

  it('resumes a load killed between upload and poll by polling the UploadComplete job, never uploading it again', async () => {
    const before = await count('SELECT COUNT() FROM Account');
    org.emulator.admin.addFault({ kind: 'bulk-stall-ingest', afterRows: 50 });
    const first = service({ maxJobRows: 100 });
    const { loadId } = await start(first, csv('crash.csv', accounts(300)), 'Account', 'insert', { concurrency: 1 });
    await until(() => first.get(loadId).jobs.some((job) => job.state === 'InProgress'), 'a job in progress');
    await first.dispose();
    const uploadsBefore = org.emulator.bulk.job(first.get(loadId).jobs[0]?.jobId ?? '') !== undefined;
    expect(uploadsBefore).toBe(true);

    const second = service({ maxJobRows: 100 });
    const interrupted = second.get(loadId);
    expect(interrupted.state).toBe('interrupted');
    const stalledJob = interrupted.jobs[0]?.jobId;
    await second.resume(loadId);
    org.emulator.admin.addFault({ kind: 'bulk-release-stall' });
    const summary = await second.settled(loadId);
    expect(summary.state).toBe('done');
    expect(summary.jobs[0]?.jobId).toBe(stalledJob);
    expect(await count('SELECT COUNT() FROM Account')).toBe(before + 300);
    expectAddsUp(summary);
  });

  it('leaves a load another live process runs on the same database alone, and takes it over only once that process is gone', async () => {
    const before = await count('SELECT COUNT() FROM Account');
    org.emulator.admin.addFault({ kind: 'bulk-stall-ingest', afterRows: 50 });
    // The first service stands for `orgdesk load` in another process (pid 999999 on this host).
    const elsewhere: LoadOwner = { token: `${hostname()}:999999:cli`, isAlive: (owner) => owner === `${hostname()}:999999:cli` };
    const first = service({ maxJobRows: 100, owner: elsewhere });
    const { loadId } = await start(first, csv('shared.csv', accounts(300)), 'Account', 'insert', { concurrency: 1 });
    await until(() => first.get(loadId).jobs.some((job) => job.state === 'InProgress'), 'a job in progress');

    let cliAlive = true;
    const app = service({ maxJobRows: 100, owner: createLoadOwner({ processAlive: (pid) => pid === 999999 && cliAlive }) });
    expect(app.history(10).find((load) => load.loadId === loadId)?.state).toBe('running');
    await expect(app.resume(loadId)).rejects.toMatchObject({ code: 'VALIDATION' });

    await first.dispose();
    cliAlive = false;
    expect(app.history(10).find((load) => load.loadId === loadId)?.state).toBe('interrupted');
    await app.resume(loadId);
    org.emulator.admin.addFault({ kind: 'bulk-release-stall' });
    const summary = await app.settled(loadId);
    expect(summary.state).toBe('done');
    expect(await count('SELECT COUNT() FROM Account')).toBe(before + 300);
    expectAddsUp(summary);
  });

  it('resumes a load killed mid-upload by aborting that job and sending its rows in a new one', async () => {
    const before = await count('SELECT COUNT() FROM Account');
    org.emulator.admin.addFault({ kind: 'latency', ms: 400, method: 'PUT', path: '*/batches' });
    const first = service({ maxJobRows: 100 });
    const { loadId } = await start(first, csv('upload-crash.csv', accounts(200)), 'Account', 'insert', { concurrency: 1 });
    await until(() => first.get(loadId).jobs.some((job) => job.state === 'Open'), 'a job being uploaded');
    const openJob = first.get(loadId).jobs.find((job) => job.state === 'Open')?.jobId ?? '';
    await first.dispose();
    await fetch(`${org.emulator.url}/__emulator/faults`, { method: 'DELETE' });

    const second = service({ maxJobRows: 100 });
    await second.resume(loadId);
    const summary = await second.settled(loadId);
    expect(summary.state).toBe('done');
    expect(summary.jobs[0]?.jobId).not.toBe(openJob);
    const abandoned = org.emulator.bulk.job(openJob);
    expect(abandoned?.state).toBe('Aborted');
    expect(await count('SELECT COUNT() FROM Account')).toBe(before + 200);
    expectAddsUp(summary);
  });

  it('resumes a load killed while its file was still being split: finished jobs are kept, the rest is split again, every row once', async () => {
    const before = await count('SELECT COUNT() FROM Account');
    const lines = accounts(60_000);
    for (let row = 7; row <= 60_000; row += 5000) lines[row] = `,${row}`;
    const path = csv('split-crash.csv', lines);
    const first = service({ maxJobRows: 2000 });
    const { loadId } = await start(first, path, 'Account', 'insert', { concurrency: 1 });
    const planning = (): { planning_done: number; planned_through: number } | undefined =>
      databases[0]?.db.prepare<[string], { planning_done: number; planned_through: number }>('SELECT planning_done, planned_through FROM loads WHERE id = ?').get(loadId);
    await until(() => (planning()?.planned_through ?? 0) > 0, 'a first job');
    await first.dispose();
    expect(planning()?.planning_done).toBe(0);

    const second = service({ maxJobRows: 2000 });
    await second.resume(loadId);
    const summary = await second.settled(loadId);
    expect(summary.state).toBe('done');
    expect(summary.counts).toMatchObject({ input: 60_000, excluded: 12, success: 60_000 - 12 });
    expect(await count('SELECT COUNT() FROM Account')).toBe(before + 60_000 - 12);
    expectAddsUp(summary);
  }, 120_000);

  it('cancels a load while its file is still being split: rows never put in a job are unprocessed, none twice', async () => {
    const lines = accounts(60_000);
    for (let row = 7; row <= 60_000; row += 5000) lines[row] = `,${row}`;
    const load = service({ maxJobRows: 2000 });
    org.emulator.admin.addFault({ kind: 'bulk-stall-ingest', afterRows: 0 });
    const { loadId } = await start(load, csv('split-cancel.csv', lines), 'Account', 'insert', { concurrency: 1 });
    await until(() => load.get(loadId).jobs.length > 0, 'a first job');
    const summary = await load.cancel(loadId);
    expect(summary.state).toBe('cancelled');
    expect(summary.counts.success).toBe(0);
    expectAddsUp(summary);
  }, 120_000);

  it('refuses to resume a load whose source file changed', async () => {
    org.emulator.admin.addFault({ kind: 'bulk-stall-ingest', afterRows: 5 });
    const first = service();
    const path = csv('changed.csv', accounts(20));
    const { loadId } = await start(first, path, 'Account', 'insert');
    await until(() => first.get(loadId).jobs.some((job) => job.state === 'InProgress'), 'a job in progress');
    await first.dispose();
    appendFileSync(path, 'One more,1\n');
    const second = service();
    await expect(second.resume(loadId)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('changed since the load started') as unknown });
  });

  it('cancels a running load: aborts its jobs and says what was already committed', async () => {
    const before = await count('SELECT COUNT() FROM Account');
    org.emulator.admin.addFault({ kind: 'bulk-stall-ingest', afterRows: 40 });
    const load = service({ maxJobRows: 100 });
    const { loadId } = await start(load, csv('cancel.csv', accounts(300)), 'Account', 'insert', { concurrency: 1 });
    await until(() => load.get(loadId).jobs.some((job) => job.state === 'InProgress' && job.processed >= 40), 'the stalled job');
    const summary = await load.cancel(loadId);
    expect(summary.state).toBe('cancelled');
    expect(summary.counts.success).toBe(40);
    expect(summary.counts.unprocessed).toBe(260);
    expect(await count('SELECT COUNT() FROM Account')).toBe(before + 40);
    expectAddsUp(summary);
  });

  it('cancels an interrupted load after a restart: aborts its job in the org and keeps what it committed', async () => {
    const before = await count('SELECT COUNT() FROM Account');
    org.emulator.admin.addFault({ kind: 'bulk-stall-ingest', afterRows: 30 });
    const first = service({ maxJobRows: 100 });
    const { loadId } = await start(first, csv('cancel-later.csv', accounts(250)), 'Account', 'insert', { concurrency: 1 });
    await until(() => first.get(loadId).jobs.some((job) => job.state === 'InProgress' && job.processed >= 30), 'the stalled job');
    await first.dispose();
    const second = service({ maxJobRows: 100 });
    const summary = await second.cancel(loadId);
    expect(summary).toMatchObject({ state: 'cancelled', counts: { success: 30, unprocessed: 220 } });
    expect(summary.jobs[0]?.state).toBe('Aborted');
    expect(await count('SELECT COUNT() FROM Account')).toBe(before + 30);
    expectAddsUp(summary);
  });

  it('refuses a load the org has no API calls left for, with the numbers, before sending anything', async () => {
    const load = service();
    org.emulator.admin.addFault({ kind: 'api-limit', remaining: 3 });
    const file = await load.open({ kind: 'path', path: csv('limit.csv', accounts(5)) });
    const plan: LoadPlan = { objectName: 'Account', operation: 'insert', mappings: [{ source: 'column', column: 'Name', field: 'Name' }], dates: DATES };
    await expect(load.start('org', file.fileId, plan, { excludeInvalid: true })).rejects.toMatchObject({ code: 'LIMIT', message: expect.stringMatching(/API calls with \d+ left/) as unknown });
  });

  it('answers a FILE error naming the folder when the result folder cannot be written', async () => {
    const load = service();
    // A folder under a regular file cannot be made, whoever runs the test (root ignores permission bits).
    const locked = join(dir, 'not-a-folder');
    writeFileSync(locked, 'x');
    const file = await load.open({ kind: 'path', path: csv('locked.csv', accounts(5)) });
    const plan: LoadPlan = { objectName: 'Account', operation: 'insert', mappings: [{ source: 'column', column: 'Name', field: 'Name' }], dates: DATES };
    const outcome = load.start('org', file.fileId, plan, { excludeInvalid: true, outputDir: join(locked, 'out') });
    await expect(outcome).rejects.toMatchObject({ code: 'FILE', message: expect.stringContaining(locked) as unknown });
    expect(existsSync(join(locked, 'out'))).toBe(false);
  });

  it('stops opening a file and its pre-flight where they are when the signal aborts, instead of at the end of the pass', async () => {
    const path = csv('abort.csv', accounts(30_000));
    const early = new AbortController();
    early.abort();
    await expect(service().open({ kind: 'path', path }, undefined, undefined, { signal: early.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    const controller = new AbortController();
    // Aborted at the first 10,000 rows checked: today's pass would carry on to the end and answer a report.
    const load = service({ emit: { progress: () => undefined, preflight: () => controller.abort() } });
    const file = await load.open({ kind: 'path', path });
    const plan: LoadPlan = { objectName: 'Account', operation: 'insert', mappings: [{ source: 'column', column: 'Name', field: 'Name' }], dates: DATES };
    await expect(load.validate('org', file.fileId, plan, { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('starts a load that must be all valid from the pre-flight already run for that file and plan, and checks again for another plan', async () => {
    const load = service();
    const path = csv('checked.csv', accounts(3));
    const file = await load.open({ kind: 'path', path });
    const plan: LoadPlan = { objectName: 'Account', operation: 'insert', mappings: [{ source: 'column', column: 'Name', field: 'Name' }], dates: DATES };
    expect((await load.validate('org', file.fileId, plan)).invalidRows).toBe(0);
    // The file gains a row without a Name: only a second read of the file would see it.
    appendFileSync(path, ',4\n');
    const other: LoadPlan = { ...plan, mappings: [...plan.mappings, { source: 'column', column: 'NumberOfEmployees', field: 'NumberOfEmployees' }] };
    await expect(load.start('org', file.fileId, other, { excludeInvalid: false })).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('1 invalid rows') as unknown });
    const { loadId } = await load.start('org', file.fileId, plan, { excludeInvalid: false });
    const summary = await load.settled(loadId);
    // The planner checks each row again as it splits the file: the new row is excluded, never sent.
    expect(summary.counts).toMatchObject({ success: 3, excluded: 1 });
  });

  it('keeps the throughput and elapsed time in the last progress after a load ends', async () => {
    const pushed: LoadProgress[] = [];
    const load = service({ maxJobRows: 500, emit: { progress: (progress) => pushed.push(progress), preflight: () => undefined } });
    const { loadId } = await start(load, csv('final.csv', accounts(2_000)), 'Account', 'insert');
    expect((await load.settled(loadId)).state).toBe('done');
    const last = pushed.filter((progress) => progress.loadId === loadId).at(-1);
    expect(last).toMatchObject({ state: 'done', counts: { success: 2_000 } });
    expect(last?.elapsedMs).toBeGreaterThan(0);
    expect(last?.rowsPerSecond).toBeGreaterThan(0);
  });

  it('removes uploads nothing references when it starts and when it stops, and keeps a refused one for a second try meanwhile', async () => {
    const uploads = join(dir, 'user-data', 'uploads');
    mkdirSync(uploads, { recursive: true });
    const left = join(uploads, 'b'.repeat(32));
    writeFileSync(left, 'Name\nLeft Behind\n');
    const load = service();
    await until(() => !existsSync(left), 'the upload left behind to be removed');
    const refused = 'c'.repeat(32);
    const kept = 'd'.repeat(32);
    writeFileSync(join(uploads, refused), Buffer.from('Name\nCaf\xe9\n', 'latin1'));
    writeFileSync(join(uploads, kept), 'Name\nKept Open\n');
    await expect(load.open({ kind: 'upload', uploadId: refused })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(existsSync(join(uploads, refused))).toBe(true);
    await load.open({ kind: 'upload', uploadId: kept });
    await load.dispose();
    expect(existsSync(join(uploads, refused))).toBe(false);
    expect(existsSync(join(uploads, kept))).toBe(true);
  });
});

