import type { OrgData } from '../org/types';
import { columnMetadata } from './column-metadata';
import { CHILD_BATCH, describeQuery, runSoql, type QueryRun } from './soql-engine';
import { SoqlError } from './soql-error';

/** A `/query` or `/queryAll` request as the router hands it over: the locator is the path segment after the resource. */
export type QueryRequest = {
  resource: 'query' | 'queryAll';
  locator: string | null;
  search: URLSearchParams;
  apiVersion: string;
  headers: Record<string, string | undefined>;
};

/** What the router writes back: a status and a JSON body (an array of `{message, errorCode}` for errors). */
type QueryResponse = { status: number; body: unknown; headers?: Record<string, string> };

/** The query resources of the REST API. */
export type QueryRoutes = { handle(request: QueryRequest): QueryResponse };

type Cursor = { run: QueryRun; batchSize: number; expiresAt: number };

const DEFAULT_BATCH = 2000;
const MIN_BATCH = 200;
const MAX_BATCH = 2000;
const DEFAULT_TTL_MS = 15 * 60 * 1000;
/** Open locators kept at once; the least recently used is released first, as real orgs release the oldest cursor. */
const MAX_CURSORS = 50;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHECKSUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

function error(status: number, errorCode: string, message: string): QueryResponse {
  return { status, body: [{ message, errorCode }] };
}

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** Reads `Sforce-Query-Options: batchSize=N`, clamped to 200..2000 like a real org; anything unreadable means 2000. */
function batchSizeOf(headers: Record<string, string | undefined>): number {
  const match = /batchSize\s*=\s*(\d+)/i.exec(header(headers, 'sforce-query-options') ?? '');
  if (match === null) return DEFAULT_BATCH;
  return Math.min(MAX_BATCH, Math.max(MIN_BATCH, Number(match[1])));
}

/** An 18-character id with the case-checksum suffix, used for query locators (`01g…`). */
function queryId(sequence: number): string {
  let digits = '';
  for (let n = sequence; digits.length < 12; n = Math.floor(n / 62)) digits = BASE62.charAt(n % 62) + digits;
  const id15 = `01g${digits}`;
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) if (/[A-Z]/.test(id15.charAt(chunk * 5 + i))) bits |= 1 << i;
    suffix += CHECKSUM.charAt(bits);
  }
  return id15 + suffix;
}

function apiPath(apiVersion: string): string {
  return `/services/data/v${apiVersion.replace(/^v/i, '')}`;
}

const INDEXED_NOTE = 'Not considering filter for optimization because unindexed';

/**
 * Creates the `/query`, `/queryAll`, `/query/<locator>` and `?explain=` handlers. Results are materialised once per
 * query (matching rows, projected per page); locators live `locatorTtlMs` after their last use (15 minutes by default).
 */
export function createQueryRoutes(deps: { org: OrgData; now: () => Date; locatorTtlMs?: number }): QueryRoutes {
  const ttl = deps.locatorTtlMs ?? DEFAULT_TTL_MS;
  const cursors = new Map<string, Cursor>();
  let sequence = Math.floor(deps.now().getTime() / 1000) % 1_000_000;
  const open = (id: string, cursor: Cursor): void => {
    cursors.delete(id);
    cursors.set(id, cursor);
    for (const oldest of cursors.keys()) {
      if (cursors.size <= MAX_CURSORS) break;
      cursors.delete(oldest);
    }
  };

  const page = (run: QueryRun, start: number, batchSize: number, apiVersion: string, id: string | null, nowMs: number) => {
    const records: unknown[] = [];
    let end = start;
    let used = 0;
    // Inline child rows count toward the batch (salesforce-api.md 2.3), so a page of parents with subqueries is shorter.
    while (end < run.size && used < batchSize) {
      const record = run.recordAt(end++);
      records.push(record);
      used += 1;
      for (const key of run.childKeys ?? []) {
        const children = record[key] as { records?: unknown[] } | null | undefined;
        used += children?.records?.length ?? 0;
      }
    }
    if (end >= run.size) return { status: 200, body: { totalSize: run.totalSize, done: true, records } };
    let cursorId = id;
    if (cursorId === null) {
      cursorId = queryId(++sequence);
      open(cursorId, { run, batchSize, expiresAt: nowMs + ttl });
    }
    return {
      status: 200,
      body: { totalSize: run.totalSize, done: false, nextRecordsUrl: `${apiPath(apiVersion)}/query/${cursorId}-${end}`, records },
    };
  };

  const explain = (soql: string, request: QueryRequest, now: Date): QueryResponse => {
    const shape = describeQuery(deps.org, soql, { includeDeleted: request.resource === 'queryAll', now, apiVersion: request.apiVersion });
    const indexed = shape.filterFields.filter(
      (field) => field.type === 'id' || field.type === 'reference' || field.externalId || field.nameField || field.unique,
    );
    const unindexed = shape.filterFields.filter((field) => !indexed.includes(field));
    const notes =
      unindexed.length === 0
        ? []
        : [{ description: INDEXED_NOTE, fields: [...new Set(unindexed.map((field) => field.name))], tableEnumOrId: shape.object.name }];
    const selectivity = shape.total === 0 ? 0 : shape.matched / shape.total;
    const plans = [];
    if (indexed.length > 0) {
      plans.push({
        cardinality: shape.matched,
        fields: [...new Set(indexed.map((field) => field.name))],
        leadingOperationType: 'Index',
        notes,
        relativeCost: Math.round(selectivity * 0.3 * 1000) / 1000,
        sobjectCardinality: shape.total,
        sobjectType: shape.object.name,
      });
    }
    plans.push({
      cardinality: shape.matched,
      fields: [],
      leadingOperationType: 'TableScan',
      notes,
      relativeCost: Math.round((0.65 + shape.total / 1_000_000) * 1000) / 1000,
      sobjectCardinality: shape.total,
      sobjectType: shape.object.name,
    });
    return { status: 200, body: { plans, sourceQuery: soql } };
  };

  return {
    handle(request) {
      const now = deps.now();
      const nowMs = now.getTime();
      for (const [id, cursor] of cursors) if (cursor.expiresAt <= nowMs) cursors.delete(id);
      if (request.locator !== null && request.locator !== '') {
        const match = /^(.+)-(\d+)$/.exec(request.locator);
        const id = match?.[1] ?? '';
        const cursor = cursors.get(id);
        const start = Number(match?.[2]);
        if (cursor === undefined || !Number.isSafeInteger(start) || start > cursor.run.size) {
          return error(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
        }
        cursor.expiresAt = nowMs + ttl;
        open(id, cursor);
        return page(cursor.run, start, cursor.batchSize, request.apiVersion, id, nowMs);
      }
      try {
        const explainText = request.search.get('explain');
        if (explainText !== null) {
          if (explainText.trim() === '') return error(400, 'MALFORMED_QUERY', 'A query string has to be specified');
          return explain(explainText, request, now);
        }
        const soql = request.search.get('q');
        if (soql === null || soql.trim() === '') return error(400, 'MALFORMED_QUERY', 'A query string has to be specified');
        const includeDeleted = request.resource === 'queryAll';
        // The sf CLI asks for the columns of every query it printed rows for: answer them, open no cursor.
        if (request.search.get('columns') === 'true') return { status: 200, body: columnMetadata(deps.org, soql, { includeDeleted, now, apiVersion: request.apiVersion }) };
        const batchSize = batchSizeOf(request.headers);
        const childCursor = (childRun: QueryRun): string => {
          const id = queryId(++sequence);
          open(id, { run: childRun, batchSize, expiresAt: deps.now().getTime() + ttl });
          return `${apiPath(request.apiVersion)}/query/${id}-${CHILD_BATCH}`;
        };
        const run = runSoql(deps.org, soql, { includeDeleted, now, apiVersion: request.apiVersion, childCursor });
        return page(run, 0, batchSize, request.apiVersion, null, nowMs);
      } catch (caught) {
        if (caught instanceof SoqlError) return error(400, caught.errorCode, caught.message);
        throw caught;
      }
    },
  };
}
