/**
 * Seeded fault schedules against loads (issue 17), in the manner of Jepsen and FoundationDB: a random but replayable
 * schedule of faults armed in the local org's fault table while a load runs, restarts of the engine at random moments,
 * and a checker that compares the result files with the org's own records, not with the client's bookkeeping.
 *
 * The model: every input row is in exactly one result file; a row in the success file is exactly one record in the org,
 * a row anywhere else is none (or, for rows of a job the org stopped knowing, at most one, and the load says so); no
 * record is ever committed twice; a load ends done or failed with a clear error — never stuck running or interrupted once
 * the faults are gone, never labelled cancelled when nothing was left unprocessed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import type { LoadPlan, LoadSummary } from '../../shared/ipc/domains/load';
import type { RunningEmulator } from '../../emulator/index';
import type { Violation } from './fault-schedule';

/** The Bulk ingest calls a fault can hit, as path patterns of the local org's fault table (`*` is any run of characters). */
const INGEST_CALLS = {
  create: { method: 'POST', path: '/services/data/*/jobs/ingest' },
  upload: { method: 'PUT', path: '/services/data/*/jobs/ingest/*/batches' },
  closeOrAbort: { method: 'PATCH', path: '/services/data/*/jobs/ingest/*' },
  pollOrResults: { method: 'GET', path: '/services/data/*/jobs/ingest/*' },
  successfulResults: { method: 'GET', path: '/services/data/*/jobs/ingest/*/successfulResults*' },
  failedResults: { method: 'GET', path: '/services/data/*/jobs/ingest/*/failedResults*' },
  unprocessedRecords: { method: 'GET', path: '/services/data/*/jobs/ingest/*/unprocessedrecords*' },
  describe: { method: 'GET', path: '/services/data/*/sobjects/*/describe' },
  limits: { method: 'GET', path: '/services/data/*/limits' },
} as const;

/** One ingest call of `INGEST_CALLS`. */
type IngestCall = keyof typeof INGEST_CALLS;

/** A fault armed in the org's table before the load starts (each fires `times` times on the calls it matches). */
export type ArmedFault =
  | { kind: 'error'; call: IngestCall; status: 404 | 429 | 500 | 503; times: number }
  /** The org acts on the request, then the connection drops before its answer: a lost reply. */
  | { kind: 'lost-reply'; call: IngestCall; times: number }
  /** The answer is cut off part-way (a reset mid-download). */
  | { kind: 'reset'; call: IngestCall; afterBytes: number; times: number }
  | { kind: 'latency'; call: IngestCall; ms: number; times: number }
  /** The next upload's connection is reset after this many bytes of the request arrived (a reset mid-upload). */
  | { kind: 'drop-upload'; afterBytes: number }
  /** The org fails the next job after processing this many rows (a job-level error part-way). */
  | { kind: 'fail-job'; afterRows: number };

/** Something that happens at a moment of the run rather than on a call (`kill`: the process running the load gets SIGKILL). */
type TimedEvent =
  | { kind: 'restart'; atMs: number }
  | { kind: 'kill'; atMs: number }
  | { kind: 'expire-sessions'; atMs: number }
  | { kind: 'cancel'; atMs: number };

/** The schedule's first step: the file and how it is split into jobs. */
type FileStep = {
  kind: 'file';
  rows: number;
  /** Rows pre-flight refuses (a number column holding text): excluded into their own file. */
  invalidRows: number[];
  /** Rows the org refuses (a duplicate unique external id): in the failure file. */
  refusedRows: number[];
  maxJobRows: number;
  concurrency: number;
};

/**
 * The org's describe changes between two runs of the load (after the kill, or at the first restart, before the resume):
 * a mapped field made non-createable or removed (`POST /__emulator/schema/Account`). The resume must keep to the describe
 * the load was planned with (the journal's, migration 7): rows already excluded stay excluded, the rest meet the org's refusal.
 */
export type DescribeChange = { kind: 'describe-change'; field: 'NumberOfEmployees' | 'External_Id__c'; edit: 'non-createable' | 'removed' };

/** One step of a load schedule. */
export type LoadStep = FileStep | ArmedFault | TimedEvent | DescribeChange;

/** A schedule read back from its steps. */
export type LoadSchedule = Omit<FileStep, 'kind'> & { faults: ArmedFault[]; events: TimedEvent[]; describeChange?: DescribeChange };

/** Reads a schedule from its steps (the file step first; without one, a small file). */
export function scheduleOf(steps: readonly LoadStep[]): LoadSchedule {
  const file = steps.find((step): step is FileStep => step.kind === 'file') ?? { kind: 'file', rows: 5, invalidRows: [], refusedRows: [], maxJobRows: 10, concurrency: 1 };
  const { kind: _kind, ...shape } = file;
  const events = steps.filter((step): step is TimedEvent => step.kind === 'restart' || step.kind === 'kill' || step.kind === 'expire-sessions' || step.kind === 'cancel');
  const describeChange = steps.find((step): step is DescribeChange => step.kind === 'describe-change');
  const faults = steps.filter((step): step is ArmedFault => step.kind !== 'file' && step.kind !== 'describe-change' && !events.includes(step as TimedEvent));
  return { ...shape, faults, events, ...(describeChange === undefined ? {} : { describeChange }) };
}

const call = fc.constantFrom<IngestCall>('create', 'upload', 'closeOrAbort', 'pollOrResults', 'successfulResults', 'failedResults', 'unprocessedRecords', 'describe', 'limits');
const times = fc.integer({ min: 1, max: 3 });

/**
 * The arbitrary of load fault schedules (fast-check shrinks a failing one to the smallest that still fails). Faults favour
 * the lifecycle calls where a lost answer matters (close, poll, upload); `kill` needs a runner that loads in a child process.
 */
export function loadSchedule(options: { maxRows?: number; kills?: boolean | 'sometimes' } = {}): fc.Arbitrary<LoadStep[]> {
  const maxRows = options.maxRows ?? 60;
  const lifecycle = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom<IngestCall>('closeOrAbort', 'pollOrResults', 'upload', 'create') },
    { weight: 2, arbitrary: call },
  );
  const fault: fc.Arbitrary<ArmedFault> = fc.oneof(
    fc.record({ kind: fc.constant('error' as const), call: lifecycle, status: fc.constantFrom(404 as const, 429 as const, 500 as const, 503 as const), times }),
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('lost-reply' as const), call: lifecycle, times }) },
    fc.record({ kind: fc.constant('reset' as const), call: fc.constantFrom<IngestCall>('successfulResults', 'failedResults', 'unprocessedRecords', 'pollOrResults'), afterBytes: fc.integer({ min: 1, max: 400 }), times }),
    fc.record({ kind: fc.constant('latency' as const), call, ms: fc.integer({ min: 10, max: 300 }), times }),
    fc.record({ kind: fc.constant('drop-upload' as const), afterBytes: fc.integer({ min: 0, max: 600 }) }),
    fc.record({ kind: fc.constant('fail-job' as const), afterRows: fc.integer({ min: 0, max: 20 }) }),
  );
  const atMs = fc.integer({ min: 0, max: 1200 });
  const event: fc.Arbitrary<TimedEvent> = fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('restart' as const), atMs }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('expire-sessions' as const), atMs }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), atMs }) },
  );
  const fileOf = (most: number): fc.Arbitrary<FileStep> => fc.integer({ min: 1, max: most }).chain((rows) =>
    fc.record({
      kind: fc.constant('file' as const),
      rows: fc.constant(rows),
      invalidRows: fc.uniqueArray(fc.integer({ min: 1, max: rows }), { maxLength: Math.min(3, rows) }),
      refusedRows: fc.uniqueArray(fc.integer({ min: 1, max: rows }), { maxLength: Math.min(3, rows) }),
      maxJobRows: fc.integer({ min: 3, max: 40 }),
      concurrency: fc.integer({ min: 1, max: 3 }),
    }),
  );
  const faults = fc.array(fault, { maxLength: 8 });
  // About one schedule in three changes the describe between its runs (it needs a kill or a restart to matter).
  const describeChange = fc.oneof(
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('describe-change' as const), field: fc.constantFrom('NumberOfEmployees' as const, 'External_Id__c' as const), edit: fc.constantFrom('non-createable' as const, 'removed' as const) }) },
  );
  const changes = (change: DescribeChange | null): LoadStep[] => (change === null ? [] : [change]);
  const killEvents = fc.tuple(fc.record({ kind: fc.constant('kill' as const), atMs }), fc.array(event, { maxLength: 1 })).map(([kill, rest]): TimedEvent[] => [kill, ...rest]);
  // A killed load runs in the real orgdesk, whose jobs are at least 1 KB (~40 rows): its files are larger, to span jobs.
  const killed = fc.tuple(fileOf(Math.max(maxRows, 200)), faults, killEvents, describeChange).map(([f, armed, timed, change]): LoadStep[] => [f, ...armed, ...timed, ...changes(change)]);
  const plain = fc.tuple(fileOf(maxRows), faults, fc.array(event, { maxLength: 2 }), describeChange).map(([f, armed, timed, change]): LoadStep[] => [f, ...armed, ...timed, ...changes(change)]);
  // 'sometimes': about one schedule in four is killed (the soak's mix); a kill costs a process start.
  if (options.kills === true) return killed;
  return options.kills === 'sometimes' ? fc.oneof({ weight: 3, arbitrary: plain }, { weight: 1, arbitrary: killed }) : plain;
}

/** The admin API's body for a describe change (`POST /__emulator/schema/Account`). */
export function describeEdit(change: DescribeChange): { field: string; createable?: boolean; updateable?: boolean; remove?: boolean } {
  return change.edit === 'removed' ? { field: change.field, remove: true } : { field: change.field, createable: false, updateable: false };
}

/** The org-side spec of an armed fault (the admin API's shape). */
export function faultSpec(fault: ArmedFault): { kind: string; [setting: string]: unknown } {
  switch (fault.kind) {
    case 'error':
      return { kind: 'error', ...INGEST_CALLS[fault.call], status: fault.status, times: fault.times, ...(fault.status === 404 ? { body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] } : {}) };
    case 'lost-reply':
      return { kind: 'reset', ...INGEST_CALLS[fault.call], afterBytes: 0, times: fault.times };
    case 'reset':
      return { kind: 'reset', ...INGEST_CALLS[fault.call], afterBytes: fault.afterBytes, times: fault.times };
    case 'latency':
      return { kind: 'latency', ...INGEST_CALLS[fault.call], ms: fault.ms, times: fault.times };
    case 'drop-upload':
      return { kind: 'bulk-drop-upload', afterBytes: fault.afterBytes };
    case 'fail-job':
      return { kind: 'bulk-fail-ingest', afterRows: fault.afterRows };
  }
}

/** The input file of a schedule: `Name` is unique per run and row (`<marker>-<row>`), so a second submission shows in the org. */
export function writeScheduleFile(folder: string, marker: string, schedule: LoadSchedule, refusedExternalIds: readonly string[]): string {
  mkdirSync(folder, { recursive: true });
  const lines = ['Name,NumberOfEmployees,External_Id__c'];
  for (let row = 1; row <= schedule.rows; row += 1) {
    const refused = schedule.refusedRows.indexOf(row);
    const employees = schedule.invalidRows.includes(row) ? 'many' : String(row);
    lines.push(`${marker}-${row},${employees},${refused >= 0 ? (refusedExternalIds[refused % refusedExternalIds.length] ?? '') : ''}`);
  }
  const path = join(folder, `${marker}.csv`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** The plan every schedule loads with: an insert of Accounts, every column mapped by name. */
export function schedulePlan(): LoadPlan {
  return {
    objectName: 'Account',
    operation: 'insert',
    mappings: [
      { source: 'column', column: 'Name', field: 'Name' },
      { source: 'column', column: 'NumberOfEmployees', field: 'NumberOfEmployees' },
      { source: 'column', column: 'External_Id__c', field: 'External_Id__c' },
    ],
    dates: { dateOrder: 'ymd', timeZone: 'UTC' },
  };
}

function readRows(path: string): string[][] {
  const rows: unknown = parse(readFileSync(path, 'utf8'));
  return rows as string[][];
}

/** The rows a job that the org stopped knowing may or may not have committed (the load said so in its error). */
function rowsOfLostJobs(summary: LoadSummary): Set<number> {
  const rows = new Set<number>();
  for (const job of summary.jobs) {
    if (!/no longer knows/.test(job.errorMessage ?? '')) continue;
    for (let row = job.firstRow; row <= job.lastRow; row += 1) rows.add(row);
  }
  return rows;
}

/**
 * Checks one ended load against the org's own records: the Accounts whose Name starts with `<marker>-`.
 * `summary` is what the engine reported once the run (and its resumes) stopped.
 */
export function checkLoad(emulator: RunningEmulator, marker: string, schedule: LoadSchedule, summary: LoadSummary): Violation[] {
  const violations: Violation[] = [];
  const fail = (invariant: string, detail: string): void => {
    violations.push({ invariant, detail });
  };
  if (summary.state !== 'done' && summary.state !== 'failed' && summary.state !== 'cancelled') {
    fail('ends done, failed or cancelled once the faults are gone', `the load is ${summary.state}${summary.error === undefined ? '' : `: ${summary.error.message}`}`);
    return violations;
  }
  if (summary.state === 'failed' && (summary.error === undefined || summary.error.message.length === 0)) fail('a failed load says why', 'no error');
  const inOrg = new Map<number, number>();
  for (const record of emulator.org.store.rows('Account', { includeDeleted: false })) {
    const name = String(record['Name'] ?? '');
    if (!name.startsWith(`${marker}-`)) continue;
    const row = Number(name.slice(marker.length + 1));
    inOrg.set(row, (inOrg.get(row) ?? 0) + 1);
  }
  for (const [row, count] of inOrg) if (count > 1) fail('no row committed twice', `row ${row} is ${count} records in the org`);

  const files = { success: summary.files.success, failure: summary.files.failure, unprocessed: summary.files.unprocessed, excluded: summary.files.excluded };
  const counted = { success: summary.counts.success, failure: summary.counts.failed, unprocessed: summary.counts.unprocessed, excluded: summary.counts.excluded };
  const where = new Map<number, string[]>();
  for (const kind of ['success', 'failure', 'unprocessed', 'excluded'] as const) {
    const path = files[kind];
    if (path === null) continue;
    const rows = readRows(path).slice(1);
    if (rows.length !== counted[kind]) fail('the counts on screen are the rows in the files', `${kind} file holds ${rows.length} rows, the summary says ${counted[kind]}`);
    for (const cells of rows) {
      const row = Number(cells[0]);
      where.set(row, [...(where.get(row) ?? []), kind]);
    }
  }
  const lost = rowsOfLostJobs(summary);
  for (let row = 1; row <= schedule.rows; row += 1) {
    const kinds = where.get(row) ?? [];
    if (kinds.length !== 1) {
      fail('each input row is in exactly one result file', `row ${row} is in ${kinds.length === 0 ? 'no file' : kinds.join(' and ')}`);
      continue;
    }
    const count = inOrg.get(row) ?? 0;
    if (kinds[0] === 'success' && count !== 1) fail('a row in the success file is one record in the org', `row ${row} is ${count} records`);
    if (kinds[0] !== 'success' && count !== 0 && !lost.has(row)) fail(`a row in the ${kinds[0]} file is not in the org`, `row ${row} is ${count} records`);
  }
  if (summary.counts.input !== schedule.rows) fail('the input count is the file’s', `${summary.counts.input} for ${schedule.rows} rows`);
  if (summary.state === 'cancelled' && summary.counts.unprocessed === 0) fail('never labelled cancelled after everything was committed', 'nothing was left unprocessed');
  return violations;
}
