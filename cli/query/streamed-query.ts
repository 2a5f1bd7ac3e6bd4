import { Readable } from 'node:stream';
import type { CellValue, QuerySource, ResultColumn } from '../../shared/ipc/domains/query';
import type { QueryPage } from '../../shared/salesforce/rest';
import { ServiceError } from '../../core/errors';
import { runBulkQuery } from '../../core/query/bulk-query';
import { toQueryServiceError } from '../../core/query/query-errors';
import { createResultStore } from '../../core/query/result-store';
import { columnsFromRecords, isChildResult, readQueryShape, type ColumnSpec } from '../../core/query/soql-columns';
import type { Clock, RestApi, SalesforceClient } from '../../core/salesforce';

/** A child subquery's records in a row (their `attributes` dropped), for the writers to nest or count. */
type ChildRecords = { records: Record<string, unknown>[] };

/** One cell of a streamed row: a scalar as the app's grid holds it, or a child subquery's records. */
export type RowValue = string | number | boolean | null | ChildRecords;

/** A batch of rows (one REST page, or a slice of the Bulk results), with the result's columns in SELECT order. */
export type QueryChunk = { columns: ResultColumn[]; rows: RowValue[][] };

/** How far a streamed query got: where its rows come from, how many arrived, and how many the org says there are. */
export type StreamProgress = { source: QuerySource; fetched: number; totalSize: number };

/** What a streamed query needs: the org's client and API version, the SOQL, and whom to tell about progress. */
export type StreamedQueryOptions = {
  client: SalesforceClient;
  rest: RestApi;
  soql: string;
  /** queryAll: deleted and archived rows too (`--all`). */
  includeDeleted: boolean;
  /** `auto` is the app's rule: REST, or a Bulk API 2.0 job when the first page says more than `bulkThreshold` rows. */
  mode: 'auto' | 'bulk';
  signal: AbortSignal;
  clock: Clock;
  onProgress: (progress: StreamProgress) => void;
  /** Default 50,000, as in the app. */
  bulkThreshold?: number;
  /** Bulk job polling: first and longest wait. */
  bulkPoll?: { initialMs: number; maxMs: number };
};

const DEFAULT_BULK_THRESHOLD = 50_000;

/**
 * Runs a query and yields its rows chunk by chunk, fetching the next REST page only while the caller writes this one, so
 * memory holds about two pages whatever the result's size. A Bulk API 2.0 job's rows are handed on batch by batch as the
 * engine's runBulkQuery parses its result pages, the download waiting for the writer. The first chunk always
 * comes, empty for an empty result, so a writer can put its header out. Errors are the query service's (same messages).
 */
export async function* streamQuery(options: StreamedQueryOptions): AsyncGenerator<QueryChunk> {
  const shape = readQueryShape(options.soql);
  const progress: StreamProgress = { source: options.mode === 'bulk' ? 'bulk' : 'rest', fetched: 0, totalSize: 0 };
  try {
    if (options.mode === 'bulk') {
      yield* bulkChunks(options, shape, progress);
      return;
    }
    const first = await options.rest.query(options.soql, { all: options.includeDeleted, signal: options.signal });
    progress.totalSize = first.totalSize;
    const threshold = options.bulkThreshold ?? DEFAULT_BULK_THRESHOLD;
    if (!first.done && first.totalSize > threshold && shape.bulkBlocker === null) {
      try {
        yield* bulkChunks(options, shape, progress);
        return;
      } catch (error) {
        // Bulk refuses a few things REST accepts (compound address fields): carry on with REST pages if nothing went out yet.
        if (options.signal.aborted || progress.fetched > 0) throw error;
        progress.source = 'rest';
      }
    }
    if (shape.countOnly) {
      // `SELECT COUNT()` answers with totalSize and no records: one cell, as the app's grid shows it.
      progress.fetched = 1;
      progress.totalSize = 1;
      options.onProgress({ ...progress });
      yield { columns: [{ path: 'COUNT()', kind: 'aggregate' }], rows: [[first.totalSize]] };
      return;
    }
    yield* restChunks(options, shape.columnsFromRecords ? null : shape.columns, first, progress);
  } catch (error) {
    if (options.signal.aborted) throw new ServiceError('CANCELLED', 'The query was cancelled.', undefined, { cause: error });
    throw toQueryServiceError(error);
  }
}

async function* restChunks(
  options: StreamedQueryOptions,
  declared: ColumnSpec[] | null,
  first: QueryPage,
  progress: StreamProgress,
): AsyncGenerator<QueryChunk> {
  let specs = declared;
  for (let current = first; ; ) {
    // Ask for the next page before writing this one, so the org prepares it while this one goes out.
    const next = current.done || current.nextRecordsUrl === undefined ? null : options.rest.queryMore(current.nextRecordsUrl, { signal: options.signal });
    next?.catch(() => undefined);
    await completeChildResults(options.rest, current.records, options.signal);
    specs ??= current.records.length > 0 || next === null ? columnsFromRecords(current.records) : null;
    // The app's result store flattens records (dotted parents, case-insensitive keys, compound fields as JSON); one per page.
    const store = createResultStore();
    if (specs !== null) {
      store.setColumns(specs);
      store.appendRecords(current.records);
    }
    const columns = store.columns;
    const rows: RowValue[][] = [];
    for (let r = 0; r < store.size; r += 1) {
      const cells = store.row(r);
      rows.push(columns.map((column, c) => (column.kind === 'children' ? childCell(store.childRecords(r, column.path)) : scalar(cells[c] ?? null))));
    }
    progress.fetched += rows.length;
    options.onProgress({ ...progress });
    if (specs !== null) yield { columns, rows };
    if (next === null) return;
    current = await next;
  }
}

async function* bulkChunks(options: StreamedQueryOptions, shape: ReturnType<typeof readQueryShape>, progress: StreamProgress): AsyncGenerator<QueryChunk> {
  if (shape.bulkBlocker !== null) {
    throw new ServiceError(
      'VALIDATION',
      `Bulk API 2.0 cannot run this query: it uses ${shape.bulkBlocker}.`,
      'Run it without --bulk (REST pages), or remove the parts Bulk queries do not support.',
    );
  }
  progress.source = 'bulk';
  options.onProgress({ ...progress });
  // The job's rows go straight to the writer as the pages are parsed, one batch at a time: the download waits while the
  // writer holds a batch, so memory holds the pages runBulkQuery reads ahead (a few) and one batch, whatever the result's
  // size. (An earlier version wrote them to a scratch file and read them back: twice the disk and a JSON round trip a row.)
  const stop = new AbortController();
  const batches = new Readable({ objectMode: true, highWaterMark: 1, read: () => resumeDownload() });
  let waiting: (() => void) | null = null;
  const resumeDownload = (): void => {
    const resume = waiting;
    waiting = null;
    resume?.();
  };
  let columns: ResultColumn[] = [];
  const running = runBulkQuery({
    client: options.client,
    apiVersion: options.rest.version,
    soql: options.soql,
    includeDeleted: options.includeDeleted,
    signal: AbortSignal.any([options.signal, stop.signal]),
    clock: options.clock,
    ...(options.bulkPoll === undefined ? {} : { poll: options.bulkPoll }),
    onProcessed: (processed) => {
      progress.totalSize = Math.max(progress.totalSize, processed);
      options.onProgress({ ...progress });
    },
    onHeader: (header) => {
      columns = bulkColumns(header, shape.columns);
    },
    onRows: async (rows) => {
      if (stop.signal.aborted) throw stop.signal.reason;
      progress.fetched += rows.length;
      progress.totalSize = Math.max(progress.totalSize, progress.fetched);
      options.onProgress({ ...progress });
      if (!batches.push(rows)) await new Promise<void>((resolve) => (waiting = resolve));
    },
  }).then(
    () => batches.push(null),
    (error: unknown) => batches.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  let yielded = false;
  try {
    for await (const rows of batches as AsyncIterable<RowValue[][]>) {
      yield { columns, rows };
      yielded = true;
    }
    if (!yielded) yield { columns, rows: [] };
  } finally {
    // The writer stopped early (a write failed, a cancel): stop the download too, and the job in the org with it.
    if (!batches.readableEnded) {
      stop.abort(new ServiceError('CANCELLED', 'The query output stopped.'));
      batches.destroy();
      resumeDownload();
    }
    await running;
  }
}

/** Follows `nextRecordsUrl` of child subquery results that came back partial (over ~200 children), as the app does. */
async function completeChildResults(rest: RestApi, records: Record<string, unknown>[], signal: AbortSignal): Promise<void> {
  for (const record of records) {
    for (const value of Object.values(record)) {
      if (!isChildResult(value) || value.done || value.nextRecordsUrl === undefined) continue;
      for (let next: string | undefined = value.nextRecordsUrl; next !== undefined; ) {
        const page: QueryPage = await rest.queryMore(next, { signal });
        for (const child of page.records) value.records.push(child);
        next = page.done ? undefined : page.nextRecordsUrl;
      }
      value.done = true;
      delete value.nextRecordsUrl;
    }
  }
}

function bulkColumns(header: string[], declared: ColumnSpec[]): ResultColumn[] {
  const byLower = new Map(declared.map((c) => [c.path.toLowerCase(), c.path]));
  return header.map((name) => ({ path: byLower.get(name.toLowerCase()) ?? name, kind: 'field' }));
}

function scalar(value: CellValue): RowValue {
  return value !== null && typeof value === 'object' ? null : value;
}

function childCell(records: readonly Record<string, unknown>[] | null): RowValue {
  return records === null ? null : { records: records.map((record) => withoutAttributes(record) as Record<string, unknown>) };
}

function withoutAttributes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutAttributes);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'attributes') continue;
    out[key] = isChildResult(inner) ? inner.records.map(withoutAttributes) : withoutAttributes(inner);
  }
  return out;
}
