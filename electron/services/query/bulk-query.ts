import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import type { CellValue } from '../../../shared/ipc/domains/query';
import { ServiceError } from '../errors';
import { toFileError } from '../files/file-errors';
import type { Clock, SalesforceClient } from '../salesforce';

/** The slice of a Bulk API 2.0 query job's info the runner reads. */
export type QueryJobInfo = {
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
  /** Where the result CSV is written (one header, then every page's rows). */
  file: string;
  signal: AbortSignal;
  clock: Clock;
  /** First and longest wait between job polls. */
  poll?: { initialMs: number; maxMs: number };
  /** `maxRecords` per results page; Salesforce picks when absent. */
  maxRecordsPerPage?: number;
  /** The job's processed count while it runs. */
  onProcessed(processed: number): void;
  /** The CSV header (dotted parent paths), once. */
  onHeader(columns: string[]): void;
  /** Rows as they are parsed: an empty cell is null (Bulk CSV cannot tell null from ''). */
  onRows(rows: CellValue[][]): void;
};

const ROWS_PER_BATCH = 2000;

/**
 * Runs a SOQL query as a Bulk API 2.0 query job: create it, poll until JobComplete, then read every results page with
 * `Sforce-Locator` until the literal "null" (salesforce-api.md §5), streaming the CSV to a file and through csv-parse.
 * A cancel aborts the job on the server too. Returns the number of rows read.
 */
export async function runBulkQuery(run: BulkQueryRun): Promise<{ jobId: string; rows: number }> {
  const base = `/services/data/v${run.apiVersion}/jobs/query`;
  const job = await run.client.json<QueryJobInfo>('POST', base, {
    json: { operation: run.includeDeleted ? 'queryAll' : 'query', query: run.soql, contentType: 'CSV', columnDelimiter: 'COMMA', lineEnding: 'LF' },
    signal: run.signal,
  });
  try {
    await waitForCompletion(run, `${base}/${job.id}`);
    const rows = await readResults(run, `${base}/${job.id}/results`);
    return { jobId: job.id, rows };
  } catch (error) {
    if (run.signal.aborted) {
      await run.client.json('PATCH', `${base}/${job.id}`, { json: { state: 'Aborted' }, idempotent: true }).catch(() => undefined);
    }
    throw error;
  }
}

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
        throw new ServiceError(
          'SF_API',
          `The Bulk API query job ${info.id} failed${info.errorMessage === undefined ? '' : `: ${info.errorMessage}`}.`,
          'Check the SOQL (Bulk queries refuse subqueries, aggregates, GROUP BY, OFFSET and TYPEOF) or run it in REST mode.',
        );
      case 'Aborted':
        throw new ServiceError('SF_API', `The Bulk API query job ${info.id} was aborted in the org.`, 'Someone aborted it in Setup → Bulk Data Load Jobs; run the query again.');
      case 'UploadComplete':
      case 'InProgress':
        await run.clock.sleep(delay, run.signal);
        break;
      default:
        await run.clock.sleep(delay, run.signal);
    }
  }
}

/** A file written through `pipeline`, so an unwritable folder or a full disk rejects a write instead of killing main. */
type FileSink = { write(chunk: Uint8Array): Promise<void>; close(): Promise<void> };

function openFileSink(path: string): FileSink {
  const sink = new PassThrough();
  let failure: unknown = null;
  const written = pipeline(sink, createWriteStream(path)).catch((error: unknown) => {
    failure = error;
  });
  return {
    async write(chunk) {
      if (failure !== null) throw toFileError(failure, path);
      if (!sink.write(chunk)) await Promise.race([once(sink, 'drain'), written]);
      if (failure !== null) throw toFileError(failure, path);
    },
    async close() {
      if (failure === null) sink.end();
      await written;
      if (failure !== null) throw toFileError(failure, path);
    },
  };
}

async function readResults(run: BulkQueryRun, path: string): Promise<number> {
  const out = openFileSink(run.file);
  let total = 0;
  let failed = false;
  try {
    let locator: string | null = null;
    for (let page = 0; ; page += 1) {
      const query: Record<string, string | number | undefined> = { locator: locator ?? undefined, maxRecords: run.maxRecordsPerPage };
      const response = await run.client.request('GET', path, { query, headers: { Accept: 'text/csv' }, signal: run.signal });
      total += await readPage(run, response, out, page === 0);
      // The last page carries the literal string "null"; a missing header also ends the loop rather than spinning.
      locator = response.headers.get('sforce-locator');
      if (locator === null || locator === '' || locator === 'null') break;
    }
  } catch (error) {
    failed = true;
    await out.close().catch(() => undefined);
    throw error;
  } finally {
    if (!failed) await out.close();
  }
  return total;
}

async function readPage(run: BulkQueryRun, response: Response, out: FileSink, first: boolean): Promise<number> {
  const parser = parse({ bom: true });
  let rows = 0;
  const consume = (async () => {
    let header = true;
    let batch: CellValue[][] = [];
    for await (const record of parser as AsyncIterable<string[]>) {
      if (header) {
        header = false;
        if (first) run.onHeader(record);
        continue;
      }
      batch.push(record.map((cell) => (cell === '' ? null : cell)));
      if (batch.length >= ROWS_PER_BATCH) {
        rows += batch.length;
        run.onRows(batch);
        batch = [];
      }
    }
    if (batch.length > 0) {
      rows += batch.length;
      run.onRows(batch);
    }
  })();
  consume.catch(() => undefined);
  let skippingHeader = !first;
  const body = response.body;
  try {
    if (body !== null) {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        let toFile = chunk;
        if (skippingHeader) {
          const newline = chunk.indexOf(0x0a);
          if (newline === -1) toFile = new Uint8Array(0);
          else {
            toFile = chunk.subarray(newline + 1);
            skippingHeader = false;
          }
        }
        if (toFile.length > 0) await out.write(toFile);
        if (!parser.write(chunk)) await Promise.race([once(parser, 'drain'), consume]);
      }
    }
  } catch (error) {
    parser.destroy();
    throw error;
  }
  parser.end();
  await consume;
  return rows;
}
