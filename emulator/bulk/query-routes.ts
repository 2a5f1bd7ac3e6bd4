/**
 * The Bulk API 2.0 query resources: `/jobs/query` (create, list), `/jobs/query/<id>` (info, abort, delete) and
 * `/results` with `locator`/`maxRecords` paging, and `/resultPages` (v58.0+) with up to five result URIs a set for
 * parallel download. Results are CSV with every cell double-quoted, parent fields as dotted columns,
 * `Sforce-NumberOfRecords` and `Sforce-Locator` (the literal `null` on the last page), gzip when asked, and only for the
 * API version that created the job (409 otherwise).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FieldValue } from '../org/types';
import { SoqlError, executeSoqlRows } from '../soql';
import { type BulkContext, type BulkEnv, listPage, routeJobs, stateVerb } from './bulk-env';
import { delimiterChar, readCsvFormat } from './csv-input';
import { createPacer } from '../http/org-model';
import { quoteCell, resultSink, streamChunks } from './csv-output';
import { readJsonObject, sendError, sendJson, sendNoContent, sendNotFound } from './http-io';
import { type QueryJob, queryCreateJson, queryInfoJson, queryListJson } from './job-info';
import { bulkQueryRefusal } from './query-rules';

function renderCell(value: FieldValue): string {
  if (value === null) return '""';
  return quoteCell(typeof value === 'string' ? value : String(value));
}

/** Encodes a row offset as an opaque locator (base64 without padding, like the real `MTAwMDA`). */
function encodeLocator(offset: number): string {
  return Buffer.from(String(offset)).toString('base64').replace(/=+$/, '');
}

function decodeLocator(locator: string): number | undefined {
  const n = Number(Buffer.from(locator, 'base64').toString('utf8'));
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

async function runQueryJob(job: QueryJob, rows: Iterable<FieldValue[]>, env: BulkEnv, stalled: boolean): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (stalled) await env.waitForRelease();
  if (job.stopped || job.state !== 'UploadComplete') return;
  job.state = 'InProgress';
  job.startedAt = env.now();
  job.systemModstamp = job.startedAt;
  const delimiter = delimiterChar(job.columnDelimiter);
  // The org model's per-job rate: this job's rows come out no faster than a real org's query job produces them.
  const pacer = env.model === null ? null : createPacer(env.model.queryRowsPerSec);
  try {
    let sinceYield = 0;
    for (const row of rows) {
      let line = renderCell(row[0] ?? null);
      for (let c = 1; c < row.length; c += 1) line += delimiter + renderCell(row[c] ?? null);
      job.lines.push(line);
      sinceYield += 1;
      if (sinceYield === 5000) {
        sinceYield = 0;
        job.numberRecordsProcessed = job.lines.length;
        await (pacer === null ? new Promise<void>((resolve) => setImmediate(resolve)) : pacer.take(5000));
        if (job.stopped || job.state !== 'InProgress') return;
      }
    }
    job.numberRecordsProcessed = job.lines.length;
    job.state = 'JobComplete';
  } catch (error) {
    job.state = 'Failed';
    job.errorMessage = error instanceof SoqlError ? `${error.errorCode} : ${error.message}` : `InternalServerError : ${String(error)}`;
  }
  const now = env.now();
  job.systemModstamp = now;
  job.totalProcessingTime = Math.max(1, now - (job.startedAt ?? now));
}

async function createJob(req: IncomingMessage, res: ServerResponse, env: BulkEnv, ctx: BulkContext): Promise<void> {
  const body = await readJsonObject(req);
  if (!body) {
    sendError(res, 400, 'JSON_PARSER_ERROR', 'The request body is not a JSON object: send {"operation":"query","query":"SELECT Id FROM Account"}');
    return;
  }
  const { operation = 'query', query, contentType, lineEnding, columnDelimiter } = body;
  if (operation !== 'query' && operation !== 'queryAll') {
    sendError(res, 400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${String(operation)}; use query or queryAll`);
    return;
  }
  if (typeof query !== 'string' || query.trim() === '') {
    sendError(res, 400, 'INVALIDJOB', 'InvalidJob : The query of the job is required');
    return;
  }
  if (contentType !== undefined && contentType !== 'CSV') {
    sendError(res, 400, 'INVALIDJOB', `InvalidJob : Invalid content type: ${JSON.stringify(contentType)}; Bulk API 2.0 returns CSV`);
    return;
  }
  const format = readCsvFormat(lineEnding, columnDelimiter);
  if ('refusal' in format) {
    sendError(res, 400, 'JSON_PARSER_ERROR', format.refusal);
    return;
  }
  let result: { object: string; columns: string[]; rows: Iterable<FieldValue[]> };
  try {
    const refusal = bulkQueryRefusal(query, env.store);
    if (refusal) {
      sendError(res, 400, refusal.errorCode, refusal.message);
      return;
    }
    // The rows are selected now (the job's snapshot) and rendered in the background.
    result = executeSoqlRows(env.store, query, { includeDeleted: operation === 'queryAll', now: new Date(env.now()), apiVersion: ctx.versionText });
  } catch (error) {
    if (error instanceof SoqlError) {
      sendError(res, 400, error.errorCode, error.message);
      return;
    }
    throw error;
  }
  const now = env.now();
  const job: QueryJob = {
    kind: 'query',
    id: env.newJobId(),
    operation,
    object: result.object,
    query,
    createdById: ctx.userId,
    createdDate: now,
    systemModstamp: now,
    state: 'UploadComplete',
    apiVersion: ctx.apiVersion,
    lineEnding: format.lineEnding,
    columnDelimiter: format.columnDelimiter,
    retries: 0,
    totalProcessingTime: 0,
    numberRecordsProcessed: 0,
    errorMessage: undefined,
    startedAt: undefined,
    header: result.columns.map(quoteCell).join(delimiterChar(format.columnDelimiter)),
    lines: [],
    stopped: false,
  };
  env.queryJobs.set(job.id, job);
  env.usage.queryJobs += 1;
  sendJson(res, 200, queryCreateJson(job));
  env.track(runQueryJob(job, result.rows, env, env.faults.takeQueryStall()));
}

async function sendResults(req: IncomingMessage, res: ServerResponse, env: BulkEnv, ctx: BulkContext, job: QueryJob, url: URL): Promise<void> {
  if (ctx.apiVersion !== job.apiVersion) {
    // [INF] body wording; the 409 for a version other than the job's is documented.
    sendError(res, 409, 'INVALIDJOB', `This job was created with API version ${job.apiVersion.toFixed(1)}: request its results with /services/data/v${job.apiVersion.toFixed(1)}`);
    return;
  }
  if (job.state !== 'JobComplete') {
    sendError(res, 400, 'INVALIDJOBSTATE', `Results are not available while the job is ${job.state}; poll the job until it is JobComplete`);
    return;
  }
  const locatorParam = url.searchParams.get('locator');
  const start = locatorParam === null || locatorParam === '' || locatorParam === 'null' ? 0 : decodeLocator(locatorParam);
  if (start === undefined || start > job.lines.length) {
    sendError(res, 400, 'INVALIDLOCATOR', `Invalid locator: ${locatorParam ?? ''}; pass the Sforce-Locator header of the previous page`);
    return;
  }
  const maxParam = url.searchParams.get('maxRecords');
  const max = maxParam === null ? env.queryPageSize : Number(maxParam);
  if (!Number.isSafeInteger(max) || max < 1) {
    sendError(res, 400, 'INVALIDMAXRECORDS', `Invalid maxRecords: ${maxParam ?? ''}; use a positive whole number`);
    return;
  }
  const end = Math.min(job.lines.length, start + max);
  const eol = job.lineEnding === 'CRLF' ? '\r\n' : '\n';
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  res.writeHead(200, {
    'Content-Type': 'text/csv',
    'Sforce-NumberOfRecords': String(end - start),
    'Sforce-Locator': end >= job.lines.length ? 'null' : encodeLocator(end),
    ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
  });
  let row = -1;
  const lines = job.lines;
  const source = (): string | undefined => {
    if (row >= end) return undefined;
    let out = '';
    if (row === -1) {
      out = (job.header ?? '') + eol;
      row = start;
    }
    const stop = Math.min(end, row + 4000);
    for (; row < stop; row += 1) out += (lines[row] as string) + eol;
    return out;
  };
  await streamChunks(res, source, resultSink(res, { gzip, model: env.model }));
}

/** The first API version with `/resultPages` (salesforce-api.md §5, "Parallel results"). */
const RESULT_PAGES_MIN_VERSION = 58;
/** How many result URIs one `/resultPages` answer lists at most. */
const RESULT_PAGES_PER_SET = 5;

/**
 * `GET …/jobs/query/<id>/resultPages[?locator=<set>]`: up to five `resultUrl`s (each a `/results?locator=` URI that can be
 * fetched concurrently), `nextRecordUrl` for the next set and `done` (salesforce-api.md §5, [DOC] key spellings).
 * [INF] Not verified against a real org: the 404 below v58.0 (the resource does not exist there), the 400 before
 * JobComplete, `nextRecordUrl` as `null` on the last set, the set cursor travelling as `?locator=`, and the first page's
 * URI carrying a locator too. `maxRecords` is not documented for this resource; the local org honours it (and passes it
 * on to each `resultUrl`) so tests can ask for small pages.
 */
function sendResultPages(res: ServerResponse, env: BulkEnv, ctx: BulkContext, job: QueryJob, url: URL): void {
  if (ctx.apiVersion < RESULT_PAGES_MIN_VERSION) {
    sendNotFound(res);
    return;
  }
  if (ctx.apiVersion !== job.apiVersion) {
    sendError(res, 409, 'INVALIDJOB', `This job was created with API version ${job.apiVersion.toFixed(1)}: request its result pages with /services/data/v${job.apiVersion.toFixed(1)}`);
    return;
  }
  if (job.state !== 'JobComplete') {
    sendError(res, 400, 'INVALIDJOBSTATE', `Result pages are not available while the job is ${job.state}; poll the job until it is JobComplete`);
    return;
  }
  const maxParam = url.searchParams.get('maxRecords');
  const pageSize = maxParam === null ? env.queryPageSize : Number(maxParam);
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    sendError(res, 400, 'INVALIDMAXRECORDS', `Invalid maxRecords: ${maxParam ?? ''}; use a positive whole number`);
    return;
  }
  const setParam = url.searchParams.get('locator');
  const first = setParam === null || setParam === '' ? 0 : decodeLocator(setParam);
  const pages = Math.max(1, Math.ceil(job.lines.length / pageSize));
  if (first === undefined || first >= pages) {
    sendError(res, 400, 'INVALIDLOCATOR', `Invalid locator: ${setParam ?? ''}; pass the locator of the previous answer's nextRecordUrl`);
    return;
  }
  const base = `/services/data/v${ctx.versionText}/jobs/query/${job.id}`;
  const sized = maxParam === null ? '' : `&maxRecords=${pageSize}`;
  const end = Math.min(pages, first + RESULT_PAGES_PER_SET);
  const resultPages: { resultUrl: string }[] = [];
  for (let page = first; page < end; page += 1) resultPages.push({ resultUrl: `${base}/results?locator=${encodeLocator(page * pageSize)}${sized}` });
  const done = end >= pages;
  sendJson(res, 200, { resultPages, nextRecordUrl: done ? null : `${base}/resultPages?locator=${encodeLocator(end)}${sized}`, done });
}

/** Handles `/jobs/query[...]`; `rest` is the path after `/jobs/query`. */
export async function handleQuery(req: IncomingMessage, res: ServerResponse, env: BulkEnv, ctx: BulkContext, rest: string[], url: URL): Promise<void> {
  return routeJobs(req, res, rest, env.queryJobs, {
    create: () => createJob(req, res, env, ctx),
    list: () => listPage([...env.queryJobs.values()], url, ctx, 'query', queryListJson),
    job: (job, path, method) => routeJob(req, res, env, ctx, url, job, path, method),
  });
}

/** The routes under one query job; false when none matched. */
async function routeJob(req: IncomingMessage, res: ServerResponse, env: BulkEnv, ctx: BulkContext, url: URL, job: QueryJob, path: string[], method: string): Promise<boolean> {
  if (path.length === 0) {
    if (method === 'GET') {
      sendJson(res, 200, queryInfoJson(job));
      return true;
    }
    if (method === 'PATCH') {
      await abortJob(req, res, env, job);
      return true;
    }
    if (method === 'DELETE') {
      if (job.state === 'InProgress') {
        sendError(res, 400, 'INVALIDJOBSTATE', 'Deleting a Job in state InProgress not allowed; abort it or wait for it to finish');
        return true;
      }
      job.stopped = true;
      job.lines = [];
      env.queryJobs.delete(job.id);
      sendNoContent(res);
      return true;
    }
  }
  if (path.length === 1 && path[0] === 'results' && method === 'GET') {
    await sendResults(req, res, env, ctx, job, url);
    return true;
  }
  if (path.length === 1 && path[0] === 'resultPages' && method === 'GET') {
    sendResultPages(res, env, ctx, job, url);
    return true;
  }
  return false;
}

/** PATCH `{"state":"Aborted"}`, the only state change a query job takes. */
async function abortJob(req: IncomingMessage, res: ServerResponse, env: BulkEnv, job: QueryJob): Promise<void> {
  const body = await readJsonObject(req);
  if (body?.state !== 'Aborted') {
    sendError(res, 400, 'INVALIDJOBSTATE', `Invalid state: ${String(body?.state)}; a query job can only be set to {"state":"Aborted"}`);
    return;
  }
  if (job.state === 'JobComplete' || job.state === 'Failed' || job.state === 'Aborted') {
    sendError(res, 400, 'INVALIDJOBSTATE', `Aborting already ${stateVerb(job.state)} Job not allowed`);
    return;
  }
  job.state = 'Aborted';
  job.stopped = true;
  job.systemModstamp = env.now();
  sendJson(res, 200, queryInfoJson(job));
}
