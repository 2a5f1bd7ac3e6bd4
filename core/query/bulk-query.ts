import type { CellValue } from '../../shared/ipc/domains/query';
import { ServiceError } from '../errors';
import { SalesforceRequestError, type Clock, type SalesforceClient } from '../salesforce';
import { startBulkPageParser, type BulkPageParser } from './bulk-page-parser';

/** The slice of a Bulk API 2.0 query job's info the runner reads. */
type QueryJobInfo = {
  id: string;
  state: 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  numberRecordsProcessed?: number;
  errorMessage?: string;
};

/** What a Bulk query run needs and whom it tells about progress. */
export type BulkQueryRun = {
  client: SalesforceClient;
  apiVersion: string;
  soql: string;
  includeDeleted: boolean;
  signal: AbortSignal;
  clock: Clock;
  /** First and longest wait between job polls. */
  poll?: { initialMs: number; maxMs: number };
  /** `maxRecords` per results page; Salesforce picks when absent. */
  maxRecordsPerPage?: number;
  /** How many result pages are downloaded at once from `/resultPages` (v58.0+; default 4, 1 = the sequential loop). */
  parallelPages?: number;
  /** The job's processed count while it runs. */
  onProcessed(processed: number): void;
  /** The CSV header (dotted parent paths), once. */
  onHeader(columns: string[]): void;
  /** Rows as they are parsed, 5,000 at a time: an empty cell is null (Bulk CSV cannot tell null from ''); reading waits for it. */
  onRows(rows: CellValue[][]): Promise<void> | void;
  /** Parse the pages in a worker thread (default true; false, or a worker that cannot start, parses on main). */
  parseInWorker?: boolean;
};

/** The first API version with `/resultPages` (salesforce-api.md §5). */
const RESULT_PAGES_MIN_VERSION = 58;
const DEFAULT_PARALLEL_PAGES = 4;

/**
 * Runs a SOQL query as a Bulk API 2.0 query job: create it, poll until JobComplete, then read its results (salesforce-api.md
 * §5): from v58.0 the pages `/resultPages` lists are downloaded a few at once; before v58.0, or where the org has no such
 * resource (404), every results page is read in turn with `Sforce-Locator` until the literal "null". Either way the CSV
 * goes through the CSV scanner into `onRows` in page order.
 * When the run is cancelled or anything fails after the job was created (a poll, a results page, a write), the job is
 * aborted on the server too, so it does not keep running for nobody. Returns the number of rows read.
 */
export async function runBulkQuery(run: BulkQueryRun): Promise<{ jobId: string; rows: number }> {
  const base = `/services/data/v${run.apiVersion}/jobs/query`;
  const job = await run.client.json<QueryJobInfo>('POST', base, {
    json: { operation: run.includeDeleted ? 'queryAll' : 'query', query: run.soql, contentType: 'CSV', columnDelimiter: 'COMMA', lineEnding: 'LF' },
    signal: run.signal,
  });
  try {
    await waitForCompletion(run, `${base}/${job.id}`);
    const rows = await readResults(run, `${base}/${job.id}`);
    return { jobId: job.id, rows };
  } catch (error) {
    if (!(error instanceof BulkJobEnded)) {
      // The org refuses to abort a job that already completed (INVALIDJOBSTATE): nothing more to do then.
      await run.client.json('PATCH', `${base}/${job.id}`, { json: { state: 'Aborted' }, idempotent: true }).catch(() => undefined);
    }
    throw error;
  }
}

/** A job the org itself ended (Failed or Aborted): there is nothing left to abort. */
class BulkJobEnded extends ServiceError {}

async function waitForCompletion(run: BulkQueryRun, path: string): Promise<void> {
  const initial = run.poll?.initialMs ?? 500;
  const max = run.poll?.maxMs ?? 5000;
  for (let delay = initial; ; delay = Math.min(max, Math.round(delay * 1.5))) {
    const info = await run.client.json<QueryJobInfo>('GET', path, { signal: run.signal });
    run.onProcessed(info.numberRecordsProcessed ?? 0);
    switch (info.state) {
      case 'JobComplete':
        return;
      case 'Failed':
        throw new BulkJobEnded(
          'SF_API',
          `The Bulk API query job ${info.id} failed${info.errorMessage === undefined ? '' : `: ${info.errorMessage}`}.`,
          'Check the SOQL (Bulk queries refuse subqueries, aggregates, GROUP BY, OFFSET and TYPEOF) or run it in REST mode.',
        );
      case 'Aborted':
        throw new BulkJobEnded('SF_API', `The Bulk API query job ${info.id} was aborted in the org.`, 'Someone aborted it in Setup → Bulk Data Load Jobs; run the query again.');
      case 'UploadComplete':
      case 'InProgress':
        await run.clock.sleep(delay, run.signal);
        break;
      default:
        await run.clock.sleep(delay, run.signal);
    }
  }
}

async function readResults(run: BulkQueryRun, jobPath: string): Promise<number> {
  const parallel = run.parallelPages ?? DEFAULT_PARALLEL_PAGES;
  // One parser per run: it ends with the run, whatever way the run ends.
  const parser = await startBulkPageParser({ worker: run.parseInWorker ?? true });
  try {
    if (parallel > 1 && Number(run.apiVersion) >= RESULT_PAGES_MIN_VERSION) {
      const pages = await firstResultPages(run, jobPath);
      if (pages !== null) return await readPagesInParallel(run, parser, pages, parallel);
    }
    return await readPagesInTurn(run, parser, `${jobPath}/results`);
  } finally {
    await parser.close();
  }
}

type ResultPages = { resultPages?: { resultUrl?: string }[]; nextRecordUrl?: string | null; done?: boolean };

/** The first set of result URIs, or null when the org has no `/resultPages` (404). */
async function firstResultPages(run: BulkQueryRun, jobPath: string): Promise<ResultPages | null> {
  try {
    return await run.client.json<ResultPages>('GET', `${jobPath}/resultPages`, { query: { maxRecords: run.maxRecordsPerPage }, signal: run.signal });
  } catch (error) {
    if (error instanceof SalesforceRequestError && error.status === 404) return null;
    throw error;
  }
}

/** Every result URI of the job, following `nextRecordUrl` set after set until `done`. */
async function* resultUrls(run: BulkQueryRun, first: ResultPages): AsyncGenerator<string> {
  for (let set: ResultPages = first; ; ) {
    for (const page of set.resultPages ?? []) if (typeof page.resultUrl === 'string') yield page.resultUrl;
    if (set.done === true || typeof set.nextRecordUrl !== 'string' || set.nextRecordUrl === '') return;
    set = await run.client.json<ResultPages>('GET', set.nextRecordUrl, { signal: run.signal });
  }
}

/**
 * Reads a body into memory as it arrives (so its connection is free for the next page) while handing the chunks read so
 * far to one reader: the page whose turn it is parses as it streams, the pages after it wait in memory. A cancel ends
 * both sides at once, whatever the connection does.
 */
function eagerBody(body: ReadableStream<Uint8Array> | null, signal: AbortSignal): AsyncIterable<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let done = body === null;
  let failure: { error: unknown } | null = null;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  if (body !== null) {
    const reader = body.getReader();
    const onAbort = (): void => {
      failure ??= { error: signal.reason };
      reader.cancel(signal.reason).catch(() => undefined);
      notify();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    void (async () => {
      try {
        for (let read = await reader.read(); !read.done; read = await reader.read()) {
          chunks.push(read.value);
          notify();
        }
      } catch (error) {
        failure ??= { error };
      } finally {
        signal.removeEventListener('abort', onAbort);
        done = true;
        notify();
      }
    })();
  }
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (signal.aborted) throw signal.reason;
        const chunk = chunks.shift();
        if (chunk !== undefined) yield chunk;
        else if (failure !== null) throw failure.error;
        else if (done) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

/**
 * Downloads up to `parallel` result pages at once (the org serves them concurrently) and parses them one after another in
 * page order, each as it streams, so rows arrive in the same order as the sequential loop and at most `parallel` page
 * bodies are held.
 */
async function readPagesInParallel(run: BulkQueryRun, parser: BulkPageParser, first: ResultPages, parallel: number): Promise<number> {
  const urls = resultUrls(run, first);
  const downloads: Promise<AsyncIterable<Uint8Array>>[] = [];
  // A failed page stops the downloads still running, not only a cancel.
  const stop = new AbortController();
  const signal = AbortSignal.any([run.signal, stop.signal]);
  const download = async (url: string): Promise<AsyncIterable<Uint8Array>> => {
    const response = await run.client.request('GET', url, { headers: { Accept: 'text/csv' }, signal });
    return eagerBody(response.body, signal);
  };
  const fill = async (): Promise<void> => {
    while (downloads.length < parallel) {
      const next = await urls.next();
      if (next.done === true) return;
      const pending = download(next.value);
      pending.catch(() => undefined);
      downloads.push(pending);
    }
  };
  let total = 0;
  try {
    await fill();
    for (let page = 0; downloads.length > 0; page += 1) {
      const body = await (downloads.shift() as Promise<AsyncIterable<Uint8Array>>);
      await fill();
      total += await readPage(run, parser, body, page === 0);
    }
  } finally {
    stop.abort();
    await urls.return(undefined);
  }
  return total;
}

/** Reads every results page in turn with `Sforce-Locator`, the way before v58.0. */
async function readPagesInTurn(run: BulkQueryRun, parser: BulkPageParser, path: string): Promise<number> {
  let total = 0;
  let locator: string | null = null;
  for (let page = 0; ; page += 1) {
    const query: Record<string, string | number | undefined> = { locator: locator ?? undefined, maxRecords: run.maxRecordsPerPage };
    const response = await run.client.request('GET', path, { query, headers: { Accept: 'text/csv' }, signal: run.signal });
    total += await readPage(run, parser, eagerBody(response.body, run.signal), page === 0);
    // The last page carries the literal string "null"; a missing header also ends the loop rather than spinning.
    locator = response.headers.get('sforce-locator');
    if (locator === null || locator === '' || locator === 'null') break;
  }
  return total;
}

/** Parses one results page into `onRows` batches, in order (the first page's header is the result's). */
function readPage(run: BulkQueryRun, parser: BulkPageParser, body: AsyncIterable<Uint8Array>, first: boolean): Promise<number> {
  return parser.parse(body, {
    onHeader: (columns) => {
      if (first) run.onHeader(columns);
    },
    onRows: (rows) => run.onRows(rows),
  });
}
