import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type {
  CellValue,
  EditorTab,
  ExplainPlan,
  HistoryEntry,
  ObjectInfo,
  ObjectSummary,
  QueryProgress,
  QueryRunState,
  QuerySort,
  QuerySource,
  ResultColumn,
  RowWindow,
  SavedQuery,
} from '../../../shared/ipc/domains/query';
import type { QueryPage } from '../../../shared/salesforce/rest';
import { ServiceError } from '../errors';
import { toFileError } from '../files/file-errors';
import { createRestApi, type Clock, type RestApi } from '../salesforce';
import { runBulkQuery } from './bulk-query';
import { createDescribeCache } from './describe-cache';
import type { QueryConnections, SaveFilePicker } from './ports';
import { toQueryError, toQueryServiceError } from './query-errors';
import { exportCsv, exportJson } from './query-export';
import type { QueryLibrary } from './query-library';
import { createResultStore, type ResultStore } from './result-store';
import { isChildResult, readQueryShape, type ColumnSpec } from './soql-columns';

/** The ports and settings of the query service. */
export type QueryServiceOptions = {
  connections: QueryConnections;
  /** Pushes `query:progress` (the composition root forwards it to the event hub). */
  emit: (progress: QueryProgress) => void;
  clock: Clock;
  /** History, saved queries and tabs; absent in tests that don't need the database. */
  library?: QueryLibrary | undefined;
  /** Where Bulk query results are written (`<userData>/query-results`). */
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
  /** How many finished results stay in memory (the oldest are dropped first; default 8). */
  keepRuns?: number;
  /** Finished results are also dropped, oldest first, while all results together hold more rows (default 1,000,000). */
  keepRows?: number;
};

/** The arguments of `query:run`. */
export type RunArgs = { orgId: string; soql: string; includeDeleted: boolean; mode: 'auto' | 'rest' | 'bulk' };

/** The SOQL workbench's engine in main: runs, result windows, children, describe, explain, export, history, tabs. */
export interface QueryService {
  /**
   * Starts a run and returns its id at once; progress follows as `query:progress` events. When `signal` aborts (the window
   * or tab that asked is gone) the run is cancelled and its result dropped.
   */
  run(args: RunArgs, options?: { signal?: AbortSignal | undefined }): { runId: string };
  /** Cancels a running run; false when it is unknown or already finished. */
  cancel(runId: string): { cancelled: boolean };
  /** Resolves with the last progress of a run once it stops (done, failed or cancelled). */
  settled(runId: string): Promise<QueryProgress>;
  /** A window of a run's rows, sorted and filtered in main. */
  rows(args: { runId: string; offset: number; limit: number; sort: QuerySort[]; filter: string }): RowWindow;
  /** The child subquery rows of the row at view position `rowIndex` under the grid's sort and filter. */
  children(args: { runId: string; rowIndex: number; sort: QuerySort[]; filter: string; column: string }): { columns: ResultColumn[]; rows: CellValue[][] };
  /** The org's objects (global describe), cached per org and API version. */
  objects(orgId: string, refresh?: boolean): Promise<ObjectSummary[]>;
  /** One object's describe, cached per org and API version. */
  describe(orgId: string, objectName: string, refresh?: boolean): Promise<ObjectInfo>;
  /** The query plan Salesforce would use (`?explain=`); the query is not run. */
  explain(orgId: string, soql: string): Promise<{ plans: ExplainPlan[] }>;
  /** Streams a finished (or cancelled) run to files the picker chose. */
  exportRun(runId: string, format: 'csv' | 'json'): Promise<{ files: string[]; rows: number }>;
  /** The org's page for a record: `<instanceUrl>/<id>`. */
  recordUrl(orgId: string, recordId: string): Promise<{ url: string }>;
  /** Past runs, newest first. */
  history(search: string, limit: number): HistoryEntry[];
  /** Saved queries. */
  savedList(): SavedQuery[];
  /** Saves a named query. */
  save(input: { name: string; soql: string; orgId: string | null }): SavedQuery;
  /** Deletes a saved query. */
  deleteSaved(id: number): { deleted: boolean };
  /** The editor tabs kept across restarts. */
  loadTabs(): { tabs: EditorTab[]; activeId: string | null };
  /** Saves the editor tabs. */
  saveTabs(tabs: EditorTab[], activeId: string | null): { saved: boolean };
  /** Cancels every run, waits for them, and deletes the Bulk result files. */
  dispose(): Promise<void>;
}

type Run = {
  id: string;
  orgId: string;
  soql: string;
  object: string | null;
  source: QuerySource;
  state: QueryRunState;
  store: ResultStore;
  fetched: number;
  totalSize: number;
  startedAt: number;
  finishedAt: number | null;
  error: QueryProgress['error'];
  controller: AbortController;
  file: string | null;
  done: Promise<void>;
  /** Stops listening to the caller's signal (once the run is forgotten or released). */
  detach: () => void;
};

const DEFAULT_BULK_THRESHOLD = 50_000;

/** Creates the query service. */
export function createQueryService(options: QueryServiceOptions): QueryService {
  const { connections, clock } = options;
  const runs = new Map<string, Run>();
  const describes = createDescribeCache({ connections });
  // Bulk result files of an earlier session belong to runs no longer in memory.
  try {
    rmSync(options.resultsDir, { recursive: true, force: true });
  } catch {
    // An unusable results folder is reported when a run first needs it, not by refusing to start.
  }
  const threshold = options.bulkThreshold ?? DEFAULT_BULK_THRESHOLD;
  const keepRuns = options.keepRuns ?? 8;
  const keepRows = options.keepRows ?? 1_000_000;

  const progressOf = (run: Run): QueryProgress => {
    const progress: QueryProgress = {
      runId: run.id,
      state: run.state,
      source: run.source,
      fetched: run.fetched,
      totalSize: Math.max(run.totalSize, run.fetched),
      columns: run.store.columns,
      durationMs: (run.finishedAt ?? clock.now()) - run.startedAt,
    };
    if (run.error !== undefined) progress.error = run.error;
    return progress;
  };
  const emit = (run: Run): void => options.emit(progressOf(run));

  const runNamed = (runId: string): Run => {
    const run = runs.get(runId);
    if (run === undefined) {
      throw new ServiceError('NOT_FOUND', 'This query result is no longer in memory.', 'Run the query again (OrgDesk keeps the latest few results).');
    }
    return run;
  };

  const forgetOldRuns = (): void => {
    const finished = [...runs.values()].filter((r) => r.state !== 'running');
    let rows = [...runs.values()].reduce((n, r) => n + r.store.size, 0);
    // The newest finished result always stays: it is the one on screen.
    for (const [index, run] of finished.slice(0, -1).entries()) {
      if (finished.length - index <= keepRuns && rows <= keepRows) break;
      rows -= run.store.size;
      runs.delete(run.id);
      run.detach();
      if (run.file !== null) rmSync(run.file, { force: true });
    }
  };

  async function execute(run: Run, args: RunArgs): Promise<void> {
    const signal = run.controller.signal;
    try {
      const connection = await connections.connectionFor(args.orgId);
      const shape = readQueryShape(args.soql);
      run.object = shape.object;
      if (!shape.columnsFromRecords) run.store.setColumns(shape.columns);
      const bulk = async (): Promise<void> => {
        if (shape.bulkBlocker !== null) {
          throw new ServiceError(
            'VALIDATION',
            `Bulk API 2.0 cannot run this query: it uses ${shape.bulkBlocker}.`,
            'Run it in REST mode, or remove the parts Bulk queries do not support.',
          );
        }
        run.source = 'bulk';
        try {
          mkdirSync(options.resultsDir, { recursive: true });
        } catch (error) {
          throw toFileError(error, options.resultsDir, 'create the results folder');
        }
        run.file = join(options.resultsDir, `${run.id}.csv`);
        emit(run);
        await runBulkQuery({
          client: connection.client,
          apiVersion: connection.apiVersion,
          soql: args.soql,
          includeDeleted: args.includeDeleted,
          file: run.file,
          signal,
          clock,
          ...(options.bulkPoll === undefined ? {} : { poll: options.bulkPoll }),
          ...(options.bulkMaxRecordsPerPage === undefined ? {} : { maxRecordsPerPage: options.bulkMaxRecordsPerPage }),
          onProcessed: (processed) => {
            run.totalSize = Math.max(run.totalSize, processed);
            emit(run);
          },
          onHeader: (header) => run.store.setColumns(bulkColumns(header, shape.columns)),
          onRows: (rows) => {
            run.store.appendRows(rows);
            run.fetched += rows.length;
            emit(run);
          },
        });
      };

      if (args.mode === 'bulk') {
        await bulk();
      } else {
        const rest = createRestApi(connection.client, connection.apiVersion);
        const pageOptions = { signal, ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }) };
        const page: QueryPage = await rest.query(args.soql, { ...pageOptions, all: args.includeDeleted });
        run.totalSize = page.totalSize;
        const restPages = async (first: QueryPage): Promise<void> => {
          if (shape.countOnly) {
            // `SELECT COUNT()` answers with totalSize and no records: show the count as a one-cell result.
            run.store.setColumns([{ path: 'COUNT()', kind: 'aggregate', read: [] }]);
            run.store.appendRows([[first.totalSize]]);
            run.fetched = 1;
            run.totalSize = 1;
            return;
          }
          for (let current = first; ; ) {
            // Ask for the next page before reading this one, so the org prepares it while main flattens these rows.
            const next = current.done || current.nextRecordsUrl === undefined ? null : rest.queryMore(current.nextRecordsUrl, pageOptions);
            next?.catch(() => undefined);
            await completeChildResults(rest, current.records, pageOptions);
            run.store.appendRecords(current.records);
            run.fetched += current.records.length;
            if (next === null) return;
            emit(run);
            current = await next;
          }
        };
        if (args.mode === 'auto' && !page.done && page.totalSize > threshold && shape.bulkBlocker === null) {
          try {
            await bulk();
          } catch (error) {
            // Bulk refuses a few things REST accepts (compound address/location fields): carry on with the REST pages.
            if (signal.aborted || run.fetched > 0) throw error;
            if (run.file !== null) rmSync(run.file, { force: true });
            run.file = null;
            run.source = 'rest';
            run.store = createResultStore();
            if (!shape.columnsFromRecords) run.store.setColumns(shape.columns);
            await restPages(page);
          }
        } else {
          await restPages(page);
        }
      }
      run.state = 'done';
    } catch (error) {
      if (signal.aborted) {
        run.state = 'cancelled';
      } else {
        run.state = 'failed';
        run.error = toQueryError(error);
      }
    } finally {
      run.finishedAt = clock.now();
      emit(run);
      try {
        options.library?.addHistory({
          orgId: run.orgId,
          soql: run.soql,
          rows: run.fetched,
          durationMs: run.finishedAt - run.startedAt,
          ranAt: new Date(run.startedAt).toISOString(),
          source: run.source,
          state: run.state,
        });
      } catch {
        // A history line that cannot be written (database closing at quit) must not turn a finished run into a crash.
      }
      forgetOldRuns();
    }
  }

  const library = (): QueryLibrary => {
    if (options.library === undefined) throw new ServiceError('INTERNAL', 'The local database is not open.', 'Restart OrgDesk.');
    return options.library;
  };

  return {
    run(args, runOptions = {}) {
      const { signal } = runOptions;
      if (signal?.aborted === true) throw new ServiceError('CANCELLED', 'The window that asked for this query has closed.');
      const run: Run = {
        id: randomUUID(),
        orgId: args.orgId,
        soql: args.soql,
        object: null,
        source: args.mode === 'bulk' ? 'bulk' : 'rest',
        state: 'running',
        store: createResultStore(),
        fetched: 0,
        totalSize: 0,
        startedAt: clock.now(),
        finishedAt: null,
        error: undefined,
        controller: new AbortController(),
        file: null,
        done: Promise.resolve(),
        detach: () => undefined,
      };
      runs.set(run.id, run);
      if (signal !== undefined) {
        // The window or tab that asked is gone: stop fetching and drop the rows (nobody is left to read them).
        const release = (): void => {
          run.controller.abort();
          void run.done.then(() => {
            if (runs.get(run.id) !== run) return;
            runs.delete(run.id);
            if (run.file !== null) rmSync(run.file, { force: true });
          });
        };
        signal.addEventListener('abort', release, { once: true });
        run.detach = () => signal.removeEventListener('abort', release);
      }
      run.done = execute(run, args);
      return { runId: run.id };
    },
    cancel(runId) {
      const run = runs.get(runId);
      if (run === undefined || run.state !== 'running') return { cancelled: false };
      run.controller.abort();
      return { cancelled: true };
    },
    async settled(runId) {
      const run = runNamed(runId);
      await run.done;
      return progressOf(run);
    },
    rows({ runId, offset, limit, sort, filter }) {
      const run = runNamed(runId);
      const window = run.store.window({ offset, limit, sort, filter });
      return { offset, rows: window.rows, matched: window.matched, fetched: run.fetched, totalSize: Math.max(run.totalSize, run.fetched) };
    },
    children({ runId, rowIndex, sort, filter, column }) {
      const run = runNamed(runId);
      return run.store.children(run.store.rowIndexAt(rowIndex, sort, filter), column);
    },
    objects: (orgId, refresh) => describes.objects(orgId, refresh),
    describe: (orgId, objectName, refresh) => describes.describe(orgId, objectName, refresh),
    async explain(orgId, soql) {
      const { client, apiVersion } = await connections.connectionFor(orgId);
      try {
        const answer = await client.json<{ plans?: RawPlan[] }>('GET', `/services/data/v${apiVersion}/query`, { query: { explain: soql } });
        return { plans: (answer.plans ?? []).map(toPlan) };
      } catch (error) {
        throw toQueryServiceError(error);
      }
    },
    async exportRun(runId, format) {
      const run = runNamed(runId);
      if (run.state === 'running') {
        throw new ServiceError('VALIDATION', 'This query is still fetching rows.', 'Wait until it finishes (or cancel it), then export.');
      }
      const stamp = new Date(clock.now()).toISOString().replace(/[:.]/g, '-');
      const suggestedName = `${run.object ?? 'query'}-${stamp}.${format}`;
      const path = await options.picker.pickSavePath({ suggestedName, format });
      if (path === null) throw new ServiceError('CANCELLED', 'The export was cancelled.');
      // Both writers answer a failed write (unwritable folder, full disk) with a FILE error naming the file.
      return format === 'csv' ? await exportCsv(run.store, path) : await exportJson(run.store, path);
    },
    async recordUrl(orgId, recordId) {
      const { client } = await connections.connectionFor(orgId);
      const { instanceUrl } = await client.access();
      return { url: `${instanceUrl.replace(/\/+$/, '')}/${recordId}` };
    },
    history: (search, limit) => library().history(search, limit),
    savedList: () => library().savedList(),
    save: (input) => library().save({ ...input, savedAt: new Date(clock.now()).toISOString() }),
    deleteSaved: (id) => ({ deleted: library().deleteSaved(id) }),
    loadTabs: () => library().loadTabs(),
    saveTabs(tabs, activeId) {
      library().saveTabs(tabs, activeId);
      return { saved: true };
    },
    async dispose() {
      for (const run of runs.values()) run.controller.abort();
      await Promise.all([...runs.values()].map((r) => r.done));
      for (const run of runs.values()) {
        run.detach();
        if (run.file !== null) rmSync(run.file, { force: true });
      }
      runs.clear();
    },
  };
}

/** Follows `nextRecordsUrl` of child subquery results that came back partial (over ~200 children). */
async function completeChildResults(
  rest: RestApi,
  records: Record<string, unknown>[],
  options: { signal: AbortSignal; batchSize?: number },
): Promise<void> {
  for (const record of records) {
    for (const value of Object.values(record)) {
      if (!isChildResult(value) || value.done || value.nextRecordsUrl === undefined) continue;
      let next: string | undefined = value.nextRecordsUrl;
      while (next !== undefined) {
        const page: QueryPage = await rest.queryMore(next, options);
        for (const child of page.records) value.records.push(child);
        next = page.done ? undefined : page.nextRecordsUrl;
      }
      value.done = true;
      delete value.nextRecordsUrl;
    }
  }
}

function bulkColumns(header: string[], declared: ColumnSpec[]): ColumnSpec[] {
  const byLower = new Map(declared.map((c) => [c.path.toLowerCase(), c.path]));
  return header.map((name) => ({ path: byLower.get(name.toLowerCase()) ?? name, kind: 'field', read: [name] }));
}

type RawPlan = Omit<ExplainPlan, 'notes'> & { notes?: { description?: string }[] };

function toPlan(plan: RawPlan): ExplainPlan {
  return {
    cardinality: plan.cardinality,
    fields: plan.fields,
    leadingOperationType: plan.leadingOperationType,
    relativeCost: plan.relativeCost,
    sobjectCardinality: plan.sobjectCardinality,
    sobjectType: plan.sobjectType,
    notes: (plan.notes ?? []).flatMap((n) => (typeof n.description === 'string' ? [n.description] : [])),
  };
}
