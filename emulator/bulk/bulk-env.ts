/** What every Bulk route shares: the org, the job tables, the clock, the faults, the job-list paging and the job routing. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OrgModel } from '../http/org-model';
import type { OrgStore } from '../org/store';
import type { RecordWriter } from '../org/write';
import type { IngestFaults, ProcessorPorts } from './ingest-processor';
import type { IngestJob, QueryJob } from './job-info';
import { sendError, sendJson, sendNotFound } from './http-io';

/** Per-request facts the router established: the API version in the path and the session's user. */
export type BulkContext = {
  /** The version as a number (`62`). */
  apiVersion: number;
  /** The version as written in the path (`62.0`). */
  versionText: string;
  userId: string;
};

/** The admin-controlled faults of the Bulk API (see `BulkFaultController`). */
export type BulkFaultController = {
  /** The next ingest job fails after `afterRows` rows with `errorMessage` (a real-looking default if omitted). */
  failNextIngestJob(options: { afterRows?: number; errorMessage?: string }): void;
  /** The next ingest job stops after `afterRows` rows (staying InProgress) until `releaseStall()`. */
  stallNextIngestJob(options: { afterRows?: number }): void;
  /** The next query job stays UploadComplete (not yet run) until `releaseStall()`. */
  stallNextQueryJob(): void;
  /** Takes (and disarms) the query stall, for the query runner. */
  takeQueryStall(): boolean;
  /** Lets a stalled job continue. */
  releaseStall(): void;
  /** The next upload's connection is destroyed once `afterBytes` bytes of its body arrived. */
  dropNextUpload(options: { afterBytes?: number }): void;
  /** Clears every armed Bulk fault (and releases a stall). */
  clear(): void;
  /** Takes (and disarms) the dropped-upload fault, for the upload route. */
  takeDropUpload(): { afterBytes: number } | undefined;
};

/** Shared state and ports of the Bulk routes. */
export type BulkEnv = {
  store: OrgStore;
  writer: RecordWriter;
  now: () => number;
  ingestJobs: Map<string, IngestJob>;
  queryJobs: Map<string, QueryJob>;
  newJobId: () => string;
  faults: BulkFaultController;
  maxUploadBytes: number;
  queryPageSize: number;
  /** The network and server model (null: unpaced). */
  model: OrgModel | null;
  processorPorts: () => ProcessorPorts;
  /** Resolves when a stalled job may continue. */
  waitForRelease: () => Promise<void>;
  /** Allocations used: ingest batches (one per 10,000 records started) and query jobs created. */
  usage: { batches: number; queryJobs: number };
  /** Keeps track of background work so `idle()` can wait for it. */
  track: (work: Promise<void>) => void;
};

/** Creates the fault controller and the processor-side view of it. */
export function createBulkFaults(): { controller: BulkFaultController; ingest: IngestFaults; waitForRelease: () => Promise<void> } {
  const ingest: IngestFaults = {};
  let drop: { afterBytes: number } | undefined;
  let queryStall = false;
  let waiters: (() => void)[] = [];
  let released = false;
  const release = (): void => {
    const current = waiters;
    waiters = [];
    if (current.length === 0) released = true;
    for (const resume of current) resume();
  };
  const controller: BulkFaultController = {
    failNextIngestJob({ afterRows = 0, errorMessage = 'InternalServerError : The job failed because of an internal error; retry it' }) {
      ingest.failNextJob = { afterRows, errorMessage };
    },
    stallNextIngestJob({ afterRows = 0 }) {
      released = false;
      ingest.stallNextJob = { afterRows };
    },
    stallNextQueryJob() {
      released = false;
      queryStall = true;
    },
    takeQueryStall() {
      const current = queryStall;
      queryStall = false;
      return current;
    },
    releaseStall: release,
    dropNextUpload({ afterBytes = 0 }) {
      drop = { afterBytes };
    },
    clear() {
      ingest.failNextJob = undefined;
      ingest.stallNextJob = undefined;
      drop = undefined;
      queryStall = false;
      release();
    },
    takeDropUpload() {
      const current = drop;
      drop = undefined;
      return current;
    },
  };
  const waitForRelease = (): Promise<void> => {
    if (released) {
      released = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => waiters.push(resolve));
  };
  return { controller, ingest, waitForRelease };
}

/** How a state reads in the INVALIDJOBSTATE messages ("Aborting already Completed Job not allowed" [REAL]). */
export function stateVerb(state: string): string {
  return state === 'JobComplete' ? 'Completed' : state;
}

const LIST_PAGE = 1000;

/** One page of a job list: `{done, nextRecordsUrl, records}`, 1000 jobs per page, paged with `queryLocator`. */
export function listPage<J extends IngestJob | QueryJob>(
  jobs: J[],
  url: URL,
  ctx: BulkContext,
  kind: 'ingest' | 'query',
  toJson: (job: J) => Record<string, unknown>,
): Record<string, unknown> {
  const locator = url.searchParams.get('queryLocator');
  const start = locator === null ? 0 : Math.max(0, Number.parseInt(Buffer.from(locator, 'base64').toString('utf8'), 10) || 0);
  const jobType = url.searchParams.get('jobType');
  const wanted = jobType === null ? jobs : jobs.filter(() => jobType === (kind === 'ingest' ? 'V2Ingest' : 'V2Query'));
  const page = wanted.slice(start, start + LIST_PAGE);
  const done = start + LIST_PAGE >= wanted.length;
  const next = Buffer.from(String(start + LIST_PAGE)).toString('base64').replace(/=+$/, '');
  return {
    done,
    nextRecordsUrl: done ? null : `/services/data/v${ctx.versionText}/jobs/${kind}?queryLocator=${next}`,
    records: page.map(toJson),
  };
}

/** The routes of one kind of job; `job` resolves false when nothing under the job matched `path` and `method`. */
export type JobRoutes<J> = {
  create(): Promise<void>;
  list(): Record<string, unknown>;
  job(job: J, path: string[], method: string): Promise<boolean>;
};

/**
 * Routes `/jobs/<kind>[/<id>[/...]]` as both kinds of job do: POST creates, GET lists, another verb answers 405, and an
 * unknown job (or a path under a job that nothing answers) gets the org's 404. `rest` is the path after `/jobs/<kind>`.
 */
export async function routeJobs<J>(req: IncomingMessage, res: ServerResponse, rest: string[], jobs: ReadonlyMap<string, J>, routes: JobRoutes<J>): Promise<void> {
  const method = req.method ?? 'GET';
  if (rest.length === 0) {
    if (method === 'POST') return routes.create();
    if (method === 'GET') return sendJson(res, 200, routes.list());
    sendError(res, 405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,POST`);
    return;
  }
  const job = jobs.get(rest[0] ?? '');
  if (job !== undefined && (await routes.job(job, rest.slice(1), method))) return;
  req.resume();
  sendNotFound(res);
}
