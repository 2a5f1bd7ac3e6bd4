import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type {
  CellValue,
  ExplainPlan,
  ObjectInfo,
  ObjectSummary,
  QueryProgress,
  QuerySort,
  ResultColumn,
  RowWindow,
} from '../../shared/ipc/domains/query';
import { ServiceError } from '../errors';
import type { Clock } from '../salesforce';
import { createDescribeCache } from './describe-cache';
import { explainQuery } from './explain-plan';
import { createLibraryCalls, type LibraryCalls } from './library-calls';
import { createRunStore, DEFAULT_KEEP_ROWS, DEFAULT_KEEP_RUNS, DEFAULT_MEMORY_BYTES, DEFAULT_MEMORY_ROWS, type MemoryLimits } from './memory-policy';
import type { QueryConnections, SaveFilePicker } from './ports';
import type { QueryLibrary } from './query-library';
import { progressOf, type QueryRun, type RunArgs } from './query-run';
import { executeRun } from './run-execution';
import { exportRun } from './run-export';
import type { CsvExportOptions, ExportOutcome } from './query-export';
import { createRunRegistry } from './run-registry';

/** The ports and settings of the query service. */
export type QueryServiceOptions = {
  connections: QueryConnections;
  /** Pushes `query:progress` (the composition root forwards it to the event hub). */
  emit: (progress: QueryProgress) => void;
  clock: Clock;
  /** History, saved queries and tabs; absent in tests that don't need the database. */
  library?: QueryLibrary | undefined;
  /** Where results on disk live, one SQLite file per run (`<userData>/query-results`), removed with the run. */
  resultsDir: string;
  /** Where exports go. */
  picker: SaveFilePicker;
  /** In auto mode, a first page whose totalSize is above this switches to a Bulk API 2.0 job (default 50,000). */
  bulkThreshold?: number;
  /** `Sforce-Query-Options: batchSize` for REST pages (200–2000; Salesforce's default 2000 when absent). */
  batchSize?: number;
  /** Bulk job polling: first and longest wait. */
  bulkPoll?: { initialMs: number; maxMs: number };
  /** `maxRecords` per Bulk results page. */
  bulkMaxRecordsPerPage?: number;
  /** Bulk result pages downloaded at once through `/resultPages` on v58.0+ (default 4; 1 reads them in turn). */
  bulkParallelPages?: number;
  /** How many finished results are kept (the oldest are dropped first; default 8). */
  keepRuns?: number;
  /** Finished results are also dropped, oldest first, while the results in memory hold more rows (default 1,000,000). */
  keepRows?: number;
  /** A REST result past this many rows moves to disk (default 100,000); Bulk results are always on disk. */
  memoryRows?: number;
  /** A REST result past about this many bytes moves to disk (default 64 MB). */
  memoryBytes?: number;
  /** How long one slice of sort or filter work may hold main's event loop (default 20 ms). */
  viewSliceMs?: number;
};

/** The SOQL workbench's engine in main: runs, result windows, children, describe, explain, export, history, tabs. */
export interface QueryService extends LibraryCalls {
  /**
   * Starts a run and returns its id at once; progress follows as `query:progress` events. When `signal` aborts (the window
   * or tab that asked is gone) the run is cancelled and its result dropped.
   */
  run(args: RunArgs, options?: { signal?: AbortSignal | undefined; owner?: string | undefined }): { runId: string };
  /** The `owner` a run was started with (the sender id of the window or tab that asked); undefined for an unknown run. */
  ownerOf(runId: string): string | undefined;
  /** Cancels a running run; false when it is unknown or already finished. */
  cancel(runId: string): { cancelled: boolean };
  /** Resolves with the last progress of a run once it stops (done, failed or cancelled). */
  settled(runId: string): Promise<QueryProgress>;
  /** A window of a run's rows, sorted and filtered in main (a first sort of a big result waits for the view, main stays free). */
  rows(args: { runId: string; offset: number; limit: number; sort: QuerySort[]; filter: string }): Promise<RowWindow>;
  /** The child subquery rows of the row at view position `rowIndex` under the grid's sort and filter. */
  children(args: { runId: string; rowIndex: number; sort: QuerySort[]; filter: string; column: string }): Promise<{ columns: ResultColumn[]; rows: CellValue[][] }>;
  /** The org's objects (global describe), cached per org and API version. */
  objects(orgId: string, refresh?: boolean): Promise<ObjectSummary[]>;
  /** One object's describe, cached per org and API version. */
  describe(orgId: string, objectName: string, refresh?: boolean): Promise<ObjectInfo>;
  /** The query plan Salesforce would use (`?explain=`); the query is not run. */
  explain(orgId: string, soql: string): Promise<{ plans: ExplainPlan[] }>;
  /** Streams a finished (or cancelled) run to files the picker chose; `formulaSafe` protects CSV cells from running as formulas. */
  exportRun(runId: string, format: 'csv' | 'json', options?: CsvExportOptions): Promise<ExportOutcome>;
  /** The org's page for a record: `<instanceUrl>/<id>`. */
  recordUrl(orgId: string, recordId: string): Promise<{ url: string }>;
  /** Cancels every run, waits for them, and deletes their result files. */
  dispose(): Promise<void>;
}

const DEFAULT_BULK_THRESHOLD = 50_000;

/**
 * Creates the query service: a run registry (run-registry.ts), REST paging (rest-paging.ts) or a Bulk job (bulk-query.ts) per
 * run (run-execution.ts), the memory policy (memory-policy.ts), export (run-export.ts), explain (explain-plan.ts) and the
 * library pass-throughs (library-calls.ts).
 */
export function createQueryService(options: QueryServiceOptions): QueryService {
  const { connections, clock } = options;
  const runs = createRunRegistry({ keepRuns: options.keepRuns ?? DEFAULT_KEEP_RUNS, keepRows: options.keepRows ?? DEFAULT_KEEP_ROWS });
  const describes = createDescribeCache({ connections });
  const library = createLibraryCalls(options.library, clock);
  try {
    // Result files of an earlier session belong to runs no longer in memory.
    rmSync(options.resultsDir, { recursive: true, force: true });
  } catch {
    // An unusable results folder is reported when a run first needs it, not by refusing to start.
  }
  const emit = (run: QueryRun): void => options.emit(progressOf(run, clock));
  const memory: MemoryLimits = {
    resultsDir: options.resultsDir,
    maxRows: options.memoryRows ?? DEFAULT_MEMORY_ROWS,
    maxBytes: options.memoryBytes ?? DEFAULT_MEMORY_BYTES,
    views: options.viewSliceMs === undefined ? undefined : { sliceMs: options.viewSliceMs },
  };
  const execution = {
    connections,
    clock,
    memory,
    bulkThreshold: options.bulkThreshold ?? DEFAULT_BULK_THRESHOLD,
    batchSize: options.batchSize,
    bulkPoll: options.bulkPoll,
    bulkMaxRecordsPerPage: options.bulkMaxRecordsPerPage,
    bulkParallelPages: options.bulkParallelPages,
    emit,
  };

  const settle = async (run: QueryRun, args: RunArgs): Promise<void> => {
    await executeRun(run, args, execution);
    emit(run);
    try {
      options.library?.addHistory({
        orgId: run.orgId,
        soql: run.soql,
        rows: run.fetched,
        durationMs: (run.finishedAt ?? clock.now()) - run.startedAt,
        ranAt: new Date(run.startedAt).toISOString(),
        source: run.source,
        state: run.state,
      });
    } catch {
      // A history line that cannot be written (database closing at quit) must not turn a finished run into a crash.
    }
    runs.forgetOld();
  };

  return {
    run(args, runOptions = {}) {
      const { signal } = runOptions;
      if (signal?.aborted === true) throw new ServiceError('CANCELLED', 'The window that asked for this query has closed.');
      const id = randomUUID();
      const run: QueryRun = {
        id,
        orgId: args.orgId,
        soql: args.soql,
        object: null,
        source: args.mode === 'bulk' ? 'bulk' : 'rest',
        state: 'running',
        store: createRunStore(id, memory),
        fetched: 0,
        totalSize: 0,
        startedAt: clock.now(),
        finishedAt: null,
        error: undefined,
        controller: new AbortController(),
        done: Promise.resolve(),
        detach: () => undefined,
        owner: runOptions.owner,
      };
      runs.add(run, signal);
      run.done = settle(run, args);
      return { runId: run.id };
    },
    ownerOf: (runId) => runs.get(runId)?.owner,
    cancel(runId) {
      const run = runs.get(runId);
      if (run === undefined || run.state !== 'running') return { cancelled: false };
      run.controller.abort();
      return { cancelled: true };
    },
    async settled(runId) {
      const run = runs.named(runId);
      await run.done;
      return progressOf(run, clock);
    },
    async rows({ runId, offset, limit, sort, filter }) {
      const run = runs.named(runId);
      const window = await run.store.window({ offset, limit, sort, filter });
      const answer = { offset, rows: window.rows, matched: window.matched, fetched: run.fetched, totalSize: Math.max(run.totalSize, run.fetched) };
      return window.counting === true ? { ...answer, counting: true } : answer;
    },
    async children({ runId, rowIndex, sort, filter, column }) {
      const run = runs.named(runId);
      const stored = await run.store.rowIndexAt(rowIndex, sort, filter);
      return run.store.children(stored, column);
    },
    objects: (orgId, refresh) => describes.objects(orgId, refresh),
    describe: (orgId, objectName, refresh) => describes.describe(orgId, objectName, refresh),
    explain: (orgId, soql) => explainQuery(connections, orgId, soql),
    exportRun: (runId, format, csv) => exportRun(runs.named(runId), format, options.picker, clock, csv),
    async recordUrl(orgId, recordId) {
      const { client } = await connections.connectionFor(orgId);
      const { instanceUrl } = await client.access();
      return { url: `${instanceUrl.replace(/\/+$/, '')}/${recordId}` };
    },
    ...library,
    dispose: () => runs.dispose(),
  };
}
