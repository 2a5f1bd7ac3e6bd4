import type { CellValue } from '../../shared/ipc/domains/query';
import type { LoadObject } from '../../shared/ipc/domains/load';
import { runBulkQuery } from '../query/bulk-query';
import { createRestApi, type Clock, type SalesforceClient } from '../salesforce';

/** A record's values as text, as a load file would carry them: null for an empty field. */
export type RecordValues = Record<string, string | null>;

/** Keys per REST query (an IN-list of about 300 ids fits the 16 KB request line). */
export const REST_KEYS_PER_QUERY = 300;
/** Keys per Bulk query job, once a job has more keys than `BULK_PAST_KEYS`. */
export const BULK_KEYS_PER_QUERY = 3_000;
/** Past this many keys in one job, reading goes through Bulk queries (fewer calls per record). */
export const BULK_PAST_KEYS = 20_000;
/** The longest IN-list a REST query gets, in characters (long external ids make fewer keys a query). */
const REST_LIST_CHARS = 6_000;
const BULK_LIST_CHARS = 90_000;
/** Queries in flight at once for one read. */
export const QUERIES_AT_ONCE = 4;
/** Bulk query jobs for a few thousand keys end in well under a second: poll them sooner than an ingest job. */
const QUERY_POLL = { initialMs: 100, maxMs: 1_000 };

/** Where records are read from and how. */
export type RecordReader = {
  client: SalesforceClient;
  apiVersion: string;
  clock: Clock;
  object: LoadObject;
  poll?: { initialMs: number; maxMs: number } | undefined;
};

/** One read: the fields wanted, the key field and whether it goes through Bulk. */
export type KeyedRead = { fields: string[]; keyField: string; bulk: boolean; includeDeleted?: boolean; signal: AbortSignal };

function soqlLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A describe value as text: datetimes in the `…Z` form Bulk uses, booleans and numbers as written. */
function asText(value: unknown, type: string | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') return type === 'datetime' ? value.replace(/\+0000$/, 'Z') : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Builds the reader of records by key (Id or an external id), REST IN-lists or Bulk queries, in chunks. */
export function createRecordReader(reader: RecordReader) {
  const types = new Map(reader.object.fields.map((field) => [field.name.toLowerCase(), field.type]));
  const rest = createRestApi(reader.client, reader.apiVersion);

  const soql = (read: KeyedRead, keys: readonly string[]): string => {
    const fields = ['Id', ...read.fields.filter((field) => field.toLowerCase() !== 'id')];
    return `SELECT ${fields.join(', ')} FROM ${reader.object.name} WHERE ${read.keyField} IN (${keys.map(soqlLiteral).join(',')})`;
  };

  const viaRest = async (read: KeyedRead, keys: readonly string[], onRecords: (records: RecordValues[]) => void): Promise<number> => {
    let page = await rest.query(soql(read, keys), { all: read.includeDeleted === true, signal: read.signal });
    let calls = 1;
    const fields = ['Id', ...read.fields];
    for (;;) {
      onRecords(page.records.map((record) => Object.fromEntries(fields.map((field) => [field, asText(record[field], types.get(field.toLowerCase()))]))));
      if (page.done || page.nextRecordsUrl === undefined) return calls;
      page = await rest.queryMore(page.nextRecordsUrl, { signal: read.signal });
      calls += 1;
    }
  };

  const viaBulk = async (read: KeyedRead, keys: readonly string[], onRecords: (records: RecordValues[]) => void): Promise<number> => {
    let header: string[] = [];
    await runBulkQuery({
      client: reader.client,
      apiVersion: reader.apiVersion,
      soql: soql(read, keys),
      includeDeleted: read.includeDeleted === true,
      signal: read.signal,
      clock: reader.clock,
      poll: reader.poll === undefined ? QUERY_POLL : { initialMs: Math.min(reader.poll.initialMs, QUERY_POLL.initialMs), maxMs: Math.min(reader.poll.maxMs, QUERY_POLL.maxMs) },
      parallelPages: 1,
      onProcessed: () => undefined,
      onHeader: (columns) => {
        header = columns;
      },
      onRows: (rows: CellValue[][]) => {
        onRecords(rows.map((row) => Object.fromEntries(header.map((field, at) => [field, asText(row[at], types.get(field.toLowerCase()))]))));
      },
    });
    // create, at least one poll, one results page.
    return 3;
  };

  return {
    /**
     * Reads the records whose key is in `keys`, in chunks that fit one query each; `onRecords` gets each chunk's records
     * (Id first, then the fields asked for). Answers the API calls made.
     */
    async read(read: KeyedRead, keys: readonly string[], onRecords: (records: RecordValues[]) => void): Promise<number> {
      const perQuery = read.bulk ? BULK_KEYS_PER_QUERY : REST_KEYS_PER_QUERY;
      const budget = read.bulk ? BULK_LIST_CHARS : REST_LIST_CHARS;
      const chunks: string[][] = [];
      let chunk: string[] = [];
      let chars = 0;
      for (const key of keys) {
        if (chunk.length >= perQuery || chars + key.length + 3 > budget) {
          chunks.push(chunk);
          chunk = [];
          chars = 0;
        }
        chunk.push(key);
        chars += key.length + 3;
      }
      if (chunk.length > 0) chunks.push(chunk);
      // A few queries at once: each mostly waits for the org (a Bulk query job's polls), not for this process.
      let calls = 0;
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < chunks.length) {
          const mine = chunks[next] ?? [];
          next += 1;
          calls += await (read.bulk ? viaBulk(read, mine, onRecords) : viaRest(read, mine, onRecords));
        }
      };
      await Promise.all(Array.from({ length: Math.min(QUERIES_AT_ONCE, chunks.length) }, worker));
      return calls;
    },
  };
}

/** The reader `createRecordReader` builds. */
export type RecordsByKey = ReturnType<typeof createRecordReader>;
