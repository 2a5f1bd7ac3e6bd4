/**
 * The Bulk API 2.0 ingest resources: `/jobs/ingest` (create, list), `/jobs/ingest/<id>` (info, close/abort, delete),
 * `/batches` (upload, only while Open) and the three result files.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readCsvFormat } from './csv-input';
import { connectionPacer } from '../http/org-model';
import { resultSink, streamChunks } from './csv-output';
import { type BulkContext, type BulkEnv, listPage, routeJobs, stateVerb } from './bulk-env';
import { readBody, readJsonObject, sendError, sendJson, sendNoContent } from './http-io';
import { INGEST_OPERATIONS, type IngestJob, type IngestOperation, ingestCreateJson, ingestInfoJson, ingestListJson } from './job-info';
import { processIngestJob } from './ingest-processor';
import { multipartBoundary, parseMultipart } from './multipart';
import { callOptionsClient } from '../rest/rest-api';
import { resultSource, type ResultKind } from './result-files';

const RESULT_PATHS: Record<string, ResultKind> = {
  successfulResults: 'successfulResults',
  failedResults: 'failedResults',
  unprocessedrecords: 'unprocessedrecords',
  // simple-salesforce asks for the camel-cased spelling; real orgs answer both.
  unprocessedRecords: 'unprocessedrecords',
};

/** Multipart creation is for small jobs: at most 100,000 characters of CSV (docs). */
const MULTIPART_MAX_CHARS = 100_000;

async function readJobRequest(req: IncomingMessage, res: ServerResponse): Promise<{ body: Record<string, unknown> | undefined; content: string | undefined } | undefined> {
  const boundary = multipartBoundary(req.headers['content-type']);
  if (boundary === undefined) return { body: await readJsonObject(req), content: undefined };
  const read = await readBody(req, 4 * MULTIPART_MAX_CHARS + 64 * 1024);
  if (!read.ok) {
    if (read.reason === 'too-large') sendError(res, 400, 'INVALIDJOB', `InvalidJob : A multipart job request holds at most ${MULTIPART_MAX_CHARS} characters of CSV: upload larger files with PUT .../batches`);
    return undefined;
  }
  const parts = parseMultipart(read.body.toString('utf8'), boundary);
  const content = parts?.get('content');
  let body: Record<string, unknown> | undefined;
  try {
    const value: unknown = JSON.parse(parts?.get('job') ?? '');
    body = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    body = undefined;
  }
  if (body && content === undefined) {
    sendError(res, 400, 'INVALIDJOB', 'InvalidJob : The multipart request has no part named "content" with the CSV data');
    return undefined;
  }
  if (content !== undefined && content.length > MULTIPART_MAX_CHARS) {
    sendError(res, 400, 'INVALIDJOB', `InvalidJob : A multipart job request holds at most ${MULTIPART_MAX_CHARS} characters of CSV: upload larger files with PUT .../batches`);
    return undefined;
  }
  return { body, content };
}

/** Starts processing and counts the job's internal batches against DailyBulkApiBatches once its size is known. */
function startProcessing(env: BulkEnv, job: IngestJob): void {
  env.track(
    processIngestJob(job, env.processorPorts()).then(() => {
      const rows = job.outcomes?.length ?? 0;
      env.usage.batches += Math.max(1, Math.ceil(rows / 10_000));
    }),
  );
}

async function createJob(req: IncomingMessage, res: ServerResponse, env: BulkEnv, ctx: BulkContext): Promise<void> {
  const request = await readJobRequest(req, res);
  if (!request) return;
  const { body, content } = request;
  if (!body) {
    sendError(res, 400, 'JSON_PARSER_ERROR', 'The request body is not a JSON object: send {"object":"Account","operation":"insert"}');
    return;
  }
  const { object, operation, externalIdFieldName, contentType, lineEnding, columnDelimiter, assignmentRuleId } = body;
  if (typeof operation !== 'string' || !(INGEST_OPERATIONS as readonly string[]).includes(operation)) {
    sendError(res, 400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${String(operation)}`);
    return;
  }
  if (typeof object !== 'string' || object === '') {
    sendError(res, 400, 'INVALIDJOB', 'InvalidJob : The object of the job is required');
    return;
  }
  const schema = env.store.objectSchema(object);
  if (!schema) {
    sendError(res, 400, 'INVALIDJOB', `InvalidJob : Unable to find object: ${object}`);
    return;
  }
  if (contentType !== undefined && contentType !== 'CSV') {
    sendError(res, 400, 'INVALIDJOB', `InvalidJob : Invalid content type: ${JSON.stringify(contentType)}; Bulk API 2.0 accepts CSV`);
    return;
  }
  const format = readCsvFormat(lineEnding, columnDelimiter);
  if ('refusal' in format) {
    sendError(res, 400, 'JSON_PARSER_ERROR', format.refusal);
    return;
  }
  let externalId: string | undefined;
  if (operation === 'upsert') {
    if (typeof externalIdFieldName !== 'string' || externalIdFieldName === '') {
      sendError(res, 400, 'INVALIDJOB', `InvalidJob : External ID was blank for ${schema.name}. An External ID must be specified for upsert.`);
      return;
    }
    const field = schema.fields.find((f) => f.name.toLowerCase() === externalIdFieldName.toLowerCase());
    if (!field || !(field.externalId || field.idLookup)) {
      sendError(res, 400, 'INVALIDJOB', `InvalidJob : Field ${externalIdFieldName} on ${schema.name} is not an External ID or indexed field`);
      return;
    }
    externalId = field.name;
  }
  const now = env.now();
  const job: IngestJob = {
    kind: 'ingest',
    id: env.newJobId(),
    operation: operation as IngestOperation,
    object: schema.name,
    createdById: ctx.userId,
    createdDate: now,
    systemModstamp: now,
    state: 'Open',
    apiVersion: ctx.apiVersion,
    externalIdFieldName: externalId,
    assignmentRuleId: typeof assignmentRuleId === 'string' ? assignmentRuleId : undefined,
    client: callOptionsClient(req),
    lineEnding: format.lineEnding,
    columnDelimiter: format.columnDelimiter,
    retries: 0,
    totalProcessingTime: 0,
    apiActiveProcessingTime: 0,
    apexProcessingTime: 0,
    numberRecordsProcessed: 0,
    numberRecordsFailed: 0,
    errorMessage: undefined,
    startedAt: undefined,
    content: undefined,
    layout: undefined,
    plan: undefined,
    outcomes: undefined,
    ids: [],
    errors: new Map(),
    cursor: 0,
    stopped: false,
  };
  env.ingestJobs.set(job.id, job);
  if (content === undefined) {
    sendJson(res, 200, ingestCreateJson(job));
    return;
  }
  // With the data in the same request the job is closed at once and starts processing.
  job.content = content;
  job.state = 'UploadComplete';
  sendJson(res, 200, ingestCreateJson(job));
  startProcessing(env, job);
}

async function upload(req: IncomingMessage, res: ServerResponse, env: BulkEnv, job: IngestJob): Promise<void> {
  if (job.state === 'Open' && job.content !== undefined) {
    req.resume();
    // [REPORTED] text (salesforce-api.md 4.2); the status and error code are [INF].
    sendError(res, 400, 'INVALIDJOBSTATE', `Found multiple contents for job: ${job.id}, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.`);
    return;
  }
  if (job.state !== 'Open') {
    req.resume();
    // [INF] wording: the docs only say data can be uploaded while the job is Open.
    sendError(res, 400, 'INVALIDJOBSTATE', `Job is in state ${job.state}; data can only be uploaded while it is Open`);
    return;
  }
  const drop = env.faults.takeDropUpload();
  const pacer = env.model === null ? undefined : connectionPacer(env.model, req.socket);
  const result = await readBody(req, env.maxUploadBytes, drop === undefined ? undefined : (bytes) => bytes < drop.afterBytes, pacer);
  if (!result.ok) {
    if (result.reason === 'too-large') {
      // [INF] the code and wording: a job accepts at most 150 MB of base64-encoded data, about 100 MB of raw CSV (docs).
      sendError(res, 400, 'EXCEEDED_QUOTA', `The upload exceeds the maximum of ${env.maxUploadBytes} bytes of CSV data per job (150 MB after base64): split the file across several jobs`);
    }
    return;
  }
  job.content = result.body.toString('utf8');
  job.systemModstamp = env.now();
  res.writeHead(201);
  res.end();
}

function patchState(res: ServerResponse, env: BulkEnv, job: IngestJob, body: Record<string, unknown> | undefined): void {
  const target = body?.state;
  if (target === 'UploadComplete') {
    if (job.state !== 'Open') {
      sendError(res, 400, 'INVALIDJOBSTATE', `Closing already ${stateVerb(job.state)} Job not allowed`);
      return;
    }
    job.state = 'UploadComplete';
    job.systemModstamp = env.now();
    sendJson(res, 200, ingestInfoJson(job));
    if (job.content === undefined || job.content.length === 0) {
      // [INF] wording: a job closed without data fails at once.
      job.content = '';
      job.state = 'Failed';
      job.errorMessage = 'InvalidBatch : Records not processed: no data was uploaded for this job';
      return;
    }
    startProcessing(env, job);
    return;
  }
  if (target === 'Aborted') {
    if (job.state === 'JobComplete' || job.state === 'Failed' || job.state === 'Aborted') {
      sendError(res, 400, 'INVALIDJOBSTATE', `Aborting already ${stateVerb(job.state)} Job not allowed`);
      return;
    }
    job.state = 'Aborted';
    job.stopped = true;
    job.systemModstamp = env.now();
    sendJson(res, 200, ingestInfoJson(job));
    return;
  }
  sendError(res, 400, 'INVALIDJOBSTATE', `Invalid state: ${String(target)}; send {"state":"UploadComplete"} or {"state":"Aborted"}`);
}

/** Handles `/jobs/ingest[...]`; `rest` is the path after `/jobs/ingest`. */
export async function handleIngest(req: IncomingMessage, res: ServerResponse, env: BulkEnv, ctx: BulkContext, rest: string[], url: URL): Promise<void> {
  return routeJobs(req, res, rest, env.ingestJobs, {
    create: () => createJob(req, res, env, ctx),
    list: () => listPage([...env.ingestJobs.values()], url, ctx, 'ingest', ingestListJson),
    job: (job, path, method) => routeJob(req, res, env, job, path, method),
  });
}

/** The routes under one ingest job; false when none matched. */
async function routeJob(req: IncomingMessage, res: ServerResponse, env: BulkEnv, job: IngestJob, path: string[], method: string): Promise<boolean> {
  if (path.length === 0) {
    if (method === 'GET') {
      sendJson(res, 200, ingestInfoJson(job));
      return true;
    }
    if (method === 'PATCH') {
      patchState(res, env, job, await readJsonObject(req));
      return true;
    }
    if (method === 'DELETE') {
      if (job.state === 'Open' || job.state === 'InProgress') {
        // [INF] wording; the rule (an Open job cannot be deleted; abort it first) is documented.
        sendError(res, 400, 'INVALIDJOBSTATE', `Deleting a Job in state ${job.state} not allowed; abort it or wait for it to finish`);
        return true;
      }
      job.stopped = true;
      env.ingestJobs.delete(job.id);
      sendNoContent(res);
      return true;
    }
  }
  if (path.length === 1 && path[0] === 'batches' && method === 'PUT') {
    await upload(req, res, env, job);
    return true;
  }
  const kind = path.length === 1 ? RESULT_PATHS[path[0] ?? ''] : undefined;
  if (kind !== undefined && method === 'GET') {
    if (job.state !== 'JobComplete' && job.state !== 'Failed' && job.state !== 'Aborted') {
      // [INF] wording: results exist only once the job is JobComplete or Failed (docs).
      sendError(res, 400, 'INVALIDJOBSTATE', `Results are not available while the job is ${job.state}; poll the job until it is JobComplete or Failed`);
      return true;
    }
    res.writeHead(200, { 'Content-Type': 'text/csv' });
    await streamChunks(res, resultSource(job, kind), resultSink(res, { gzip: false, model: env.model }));
    return true;
  }
  return false;
}
