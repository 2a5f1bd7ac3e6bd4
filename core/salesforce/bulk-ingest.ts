import { open, stat, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { LoadOperation } from '../../shared/ipc/domains/load';
import { ServiceError } from '../errors';
import { SalesforceRequestError } from './api-errors';
import type { Clock } from './clock';
import type { FetchBody, SalesforceClient } from './salesforce-client';

/** The states of a Bulk API 2.0 ingest job, as Salesforce names them. */
type IngestJobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

/** The slice of an ingest job's info (salesforce-api.md §4.4) the load engine reads. */
export type IngestJobInfo = {
  id: string;
  state: IngestJobState;
  object: string;
  operation: LoadOperation;
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  errorMessage?: string | undefined;
};

/** What a new job is: the object, the operation, the upsert key; the CSV is always comma-delimited with LF endings. */
export type IngestJobSpec = { object: string; operation: LoadOperation; externalIdFieldName?: string | undefined };

/** One of the three result files of a finished job (§4.5). */
export type IngestResultKind = 'successfulResults' | 'failedResults' | 'unprocessedrecords';

/** A Bulk API 2.0 ingest client: one upload per job, every response checked, results streamed. */
export type IngestClient = {
  /** Creates an Open job (`POST /jobs/ingest`, 200 with the job info). */
  create(spec: IngestJobSpec, signal?: AbortSignal): Promise<IngestJobInfo>;
  /**
   * Uploads the job's only CSV (`PUT …/batches`), streamed from `path`, and checks the answer is 201. A job gets exactly one
   * upload: whatever goes wrong, the caller aborts the job and sends its rows in a new one (a second PUT is refused, §4.2).
   */
  upload(jobId: string, path: string, signal?: AbortSignal): Promise<void>;
  /** Marks the upload complete (`PATCH {"state":"UploadComplete"}`), so Salesforce starts processing. */
  close(jobId: string, signal?: AbortSignal): Promise<IngestJobInfo>;
  /** Aborts the job; answers its info, or the current info when it had already ended (INVALIDJOBSTATE). */
  abort(jobId: string, signal?: AbortSignal): Promise<IngestJobInfo>;
  /** The job's current info (`GET …/<id>`). */
  info(jobId: string, signal?: AbortSignal): Promise<IngestJobInfo>;
  /**
   * Polls the job until JobComplete, Failed or Aborted; `onInfo` sees every answer. With `rows` (the rows uploaded) the
   * next poll is timed for when the org's own pace says the job will end (see `nextPollDelay`); without, it backs off.
   */
  waitForEnd(jobId: string, options: { signal?: AbortSignal | undefined; onInfo?: (info: IngestJobInfo) => void; rows?: number | undefined }): Promise<IngestJobInfo>;
  /** One result file of an ended job, as a byte stream (never buffered). */
  results(jobId: string, kind: IngestResultKind, signal?: AbortSignal): Promise<Readable>;
};

/** Ports and policy of the ingest client. */
export type IngestClientOptions = {
  client: SalesforceClient;
  /** The API version of the org profile (`62.0`). */
  apiVersion: string;
  clock: Clock;
  /** First and longest wait between polls (default 500 ms, 5 s). */
  poll?: { initialMs: number; maxMs: number } | undefined;
  /** Consecutive failed polls (network or 5xx, after the client's own retries) tolerated before giving up (default 8). */
  pollFailures?: number | undefined;
};

const TERMINAL: ReadonlySet<IngestJobState> = new Set(['JobComplete', 'Failed', 'Aborted']);

/** Whether a job state is final. */
function isTerminalJobState(state: IngestJobState): boolean {
  return TERMINAL.has(state);
}

/** Whether an error is a transient fault (network, 5xx) that a later identical GET may get past. */
export function isTransientError(error: unknown): boolean {
  if (error instanceof SalesforceRequestError) return error.status >= 500;
  return error instanceof ServiceError && error.code === 'NETWORK';
}

/** Builds the Bulk API 2.0 ingest client over the shared Salesforce client (salesforce-api.md §4). */
export function createIngestClient(options: IngestClientOptions): IngestClient {
  const { client, clock } = options;
  const base = `/services/data/v${options.apiVersion}/jobs/ingest`;
  const poll = options.poll ?? { initialMs: 500, maxMs: 5000 };
  const pollFailures = options.pollFailures ?? 8;

  const info = async (jobId: string, signal?: AbortSignal): Promise<IngestJobInfo> => checkedInfo(await client.json<unknown>('GET', `${base}/${jobId}`, { signal }), jobId);

  return {
    async create(spec, signal) {
      const json: Record<string, string> = { object: spec.object, operation: spec.operation, contentType: 'CSV', columnDelimiter: 'COMMA', lineEnding: 'LF' };
      if (spec.operation === 'upsert') {
        if (spec.externalIdFieldName === undefined) throw new ServiceError('VALIDATION', 'An upsert needs an external id field.', 'Pick the external id field that matches rows to records.');
        json['externalIdFieldName'] = spec.externalIdFieldName;
      }
      // Re-sending a create is safe: a job that gets no upload stays Open and processes nothing.
      const created = checkedInfo(await client.json<unknown>('POST', base, { json, signal, idempotent: true }), undefined);
      if (created.state !== 'Open') {
        throw new ServiceError('SF_API', `Salesforce created ingest job ${created.id} in state ${created.state} instead of Open.`, 'Try the load again; if it repeats, check the job in Setup → Bulk Data Load Jobs.');
      }
      return created;
    },
    async upload(jobId, path, signal) {
      try {
        await stat(path);
      } catch (error) {
        throw new ServiceError('FILE', `The job file ${path} cannot be read.`, 'Check that the folder still exists and is readable, then resume the load.', { cause: error });
      }
      const body = (): FetchBody => fileBody(path);
      const response = await client.request('PUT', `${base}/${jobId}/batches`, { body, headers: { 'Content-Type': 'text/csv' }, signal, idempotent: false });
      await response.body?.cancel().catch(() => undefined);
      if (response.status !== 201) {
        throw new ServiceError('SF_API', `Salesforce answered HTTP ${response.status} instead of 201 to the upload of job ${jobId}.`, 'OrgDesk sends the rows in a new job; if this repeats, check the org.');
      }
    },
    async close(jobId, signal) {
      return checkedInfo(await client.json<unknown>('PATCH', `${base}/${jobId}`, { json: { state: 'UploadComplete' }, signal }), jobId);
    },
    async abort(jobId, signal) {
      try {
        return checkedInfo(await client.json<unknown>('PATCH', `${base}/${jobId}`, { json: { state: 'Aborted' }, signal, idempotent: true }), jobId);
      } catch (error) {
        // "Aborting already Completed Job not allowed" (INVALIDJOBSTATE, §4.3): the job ended on its own.
        if (error instanceof SalesforceRequestError && error.errorCode === 'INVALIDJOBSTATE') return info(jobId, signal);
        throw error;
      }
    },
    info,
    async waitForEnd(jobId, { signal, onInfo, rows }) {
      let failures = 0;
      let backoff = poll.initialMs;
      let started: { at: number; processed: number } | null = null;
      for (;;) {
        let delay = backoff;
        try {
          const current = await info(jobId, signal);
          failures = 0;
          onInfo?.(current);
          if (isTerminalJobState(current.state)) return current;
          const now = clock.now();
          const predicted = nextPollDelay(started, { at: now, processed: current.numberRecordsProcessed }, rows, poll);
          if (predicted === null) backoff = Math.min(poll.maxMs, Math.round(backoff * 1.5));
          else delay = predicted;
          if (started === null && current.numberRecordsProcessed > 0) started = { at: now, processed: current.numberRecordsProcessed };
        } catch (error) {
          failures += 1;
          if (signal?.aborted === true || !isTransientError(error) || failures >= pollFailures) throw error;
          backoff = Math.min(poll.maxMs, Math.round(backoff * 1.5));
        }
        await clock.sleep(delay, signal);
      }
    },
    async results(jobId, kind, signal) {
      const response = await client.request('GET', `${base}/${jobId}/${kind}`, { headers: { Accept: 'text/csv' }, signal });
      if (response.body === null) return Readable.from([]);
      return Readable.fromWeb(response.body);
    },
  };
}

/** The shortest wait between two polls of a job that is moving (a poll is one API call). */
const MIN_POLL_MS = 200;

/**
 * When to poll a running job next, from the org's own pace: the rows it processed since the first answer that showed it
 * processing (`started`), and the rows left, give when it should end; the poll is timed for then (between 200 ms and the
 * longest wait). Answers null when there is no pace to go by yet (no row count, or no progress since): the caller backs off.
 */
export function nextPollDelay(
  started: { at: number; processed: number } | null,
  current: { at: number; processed: number },
  rows: number | undefined,
  poll: { initialMs: number; maxMs: number },
): number | null {
  if (rows === undefined || started === null || current.processed <= started.processed || current.at <= started.at) return null;
  const perMs = (current.processed - started.processed) / (current.at - started.at);
  const left = Math.max(0, rows - current.processed);
  return Math.min(poll.maxMs, Math.max(MIN_POLL_MS, Math.ceil(left / perMs)));
}

const PIECE_BYTES = 256 * 1024;

/**
 * A file as a request body that reads a piece only when the connection asks for one. (`Readable.toWeb` counts its
 * high-water mark in chunks, not bytes, so it would read a 100 MB job into memory ahead of a slow upload.)
 */
function fileBody(path: string): ReadableStream<Uint8Array> {
  let handle: FileHandle | undefined;
  const finish = async (): Promise<void> => {
    const current = handle;
    handle = undefined;
    await current?.close();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        handle ??= await open(path, 'r');
        const piece = Buffer.allocUnsafe(PIECE_BYTES);
        const { bytesRead } = await handle.read(piece, 0, PIECE_BYTES, null);
        if (bytesRead === 0) {
          await finish();
          controller.close();
          return;
        }
        controller.enqueue(piece.subarray(0, bytesRead));
      },
      cancel: finish,
    },
    { highWaterMark: 1 },
  );
}

const STATES: ReadonlySet<string> = new Set(['Open', 'UploadComplete', 'InProgress', 'JobComplete', 'Failed', 'Aborted']);

/** Checks an answer is job info (an id and a known state) and, when given, the expected job's. */
function checkedInfo(body: unknown, expectedId: string | undefined): IngestJobInfo {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const { id, state } = record;
  if (typeof id !== 'string' || typeof state !== 'string' || !STATES.has(state) || (expectedId !== undefined && id !== expectedId)) {
    throw new ServiceError('SF_API', 'Salesforce answered a Bulk API job request with something that is not the job’s info.', 'Try again; if it repeats, check the org URL and API version.');
  }
  const number = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  return {
    id,
    state: state as IngestJobState,
    object: typeof record['object'] === 'string' ? record['object'] : '',
    operation: record['operation'] as LoadOperation,
    numberRecordsProcessed: number(record['numberRecordsProcessed']),
    numberRecordsFailed: number(record['numberRecordsFailed']),
    errorMessage: typeof record['errorMessage'] === 'string' ? record['errorMessage'] : undefined,
  };
}
