/**
 * Bulk API 2.0 for the emulator: ingest jobs (create, upload, close/abort, asynchronous chunked processing, result files)
 * and query jobs (create, run, paged CSV results). The router authenticates and counts the call, then hands the raw
 * request here; uploads are collected without blocking and results are streamed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OrgModel } from '../http/org-model';
import { createIdMinter } from '../org/ids';
import type { OrgStore } from '../org/store';
import type { RecordWriter } from '../org/write';
import { type BulkEnv, type BulkFaultController, createBulkFaults } from './bulk-env';
import { handleIngest } from './ingest-routes';
import type { IngestJob, QueryJob } from './job-info';
import { handleQuery } from './query-routes';
import { type LockContention, type RecordLocks, createRecordLocks } from './record-locks';

/** Ports and settings of the Bulk routes. */
export type BulkRoutesOptions = {
  store: OrgStore;
  writer: RecordWriter;
  /** The clock, in epoch milliseconds. */
  now?: () => number;
  /** The largest accepted upload in bytes; default 150 MB of base64, i.e. 112.5 MiB of raw CSV (docs: "about 100 MB"). */
  maxUploadBytes?: number;
  /** Rows processed between two turns of the event loop. */
  chunkSize?: number;
  /** Rows per results page when the client sends no maxRecords. */
  queryPageSize?: number;
  /** Simulated parent-record lock contention between in-flight ingest jobs (off by default; record-locks.ts). */
  lockContention?: LockContention | undefined;
  /** The network and server model (default null: unpaced). */
  model?: OrgModel | null;
};

/** Who is calling, as the router's session check established it. */
type BulkRequestContext = { userId: string };

/** The Bulk API 2.0 part of the emulator. */
export type BulkRoutes = {
  /**
   * Answers a `/services/data/vXX.X/jobs/ingest…` or `/jobs/query…` request and resolves true; resolves false (and
   * touches nothing) for any other path.
   */
  handle(req: IncomingMessage, res: ServerResponse, ctx: BulkRequestContext): Promise<boolean>;
  /** The Bulk faults the admin API arms. */
  faults: BulkFaultController;
  /** The simulated parent-record lock contention (on, off, its settings). */
  locks: RecordLocks;
  /** A job by id (tests and the admin API). */
  job(id: string): IngestJob | QueryJob | undefined;
  /** Resolves once every job started so far has finished processing (or stopped). */
  idle(): Promise<void>;
  /** Stops background processing (jobs stay as they are). */
  stop(): void;
  /** Bulk allocations used so far, for `/limits`: internal batches of 10,000 records (ingest) and query jobs. */
  usage(): { batches: number; queryJobs: number };
  /** Forgets every job and zeroes the usage (the admin API's org reset). */
  reset(): void;
};

const BULK_PATH = /^\/services\/data\/v(\d+)\.(\d)\/jobs\/(ingest|query)(\/.*)?$/;
const JOB_ID_PREFIX = '750';
const RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Creates the Bulk API 2.0 routes over the org's store and write layer. */
export function createBulkRoutes(options: BulkRoutesOptions): BulkRoutes {
  const faults = createBulkFaults();
  const locks = createRecordLocks(options.lockContention);
  const ids = createIdMinter();
  const running = new Set<Promise<void>>();
  const ingestJobs = new Map<string, IngestJob>();
  const queryJobs = new Map<string, QueryJob>();
  const now = options.now ?? Date.now;
  const chunkSize = options.chunkSize ?? 2000;
  const env: BulkEnv = {
    store: options.store,
    writer: options.writer,
    now,
    ingestJobs,
    queryJobs,
    newJobId: () => ids.next(JOB_ID_PREFIX),
    faults: faults.controller,
    maxUploadBytes: options.maxUploadBytes ?? Math.floor((150 * 1024 * 1024 * 3) / 4),
    queryPageSize: options.queryPageSize ?? 50_000,
    model: options.model ?? null,
    waitForRelease: faults.waitForRelease,
    processorPorts: () => ({ store: options.store, writer: options.writer, now, faults: faults.ingest, chunkSize, waitForRelease: faults.waitForRelease, rowsPerSec: options.model?.ingestRowsPerSec ?? null, locks }),
    usage: { batches: 0, queryJobs: 0 },
    track: (work) => {
      const tracked = work.catch(() => undefined).finally(() => running.delete(tracked));
      running.add(tracked);
    },
  };

  /** Jobs in a terminal state are deleted after 7 days (docs, Bulk API 2.0 limits). */
  const sweepExpiredJobs = (): void => {
    const cutoff = now() - RETENTION_MS;
    for (const jobs of [ingestJobs, queryJobs] as Map<string, IngestJob | QueryJob>[]) {
      for (const [id, job] of jobs) {
        const terminal = job.state === 'JobComplete' || job.state === 'Failed' || job.state === 'Aborted';
        if (terminal && job.systemModstamp < cutoff) {
          job.stopped = true;
          jobs.delete(id);
        }
      }
    }
  };

  return {
    async handle(req, res, ctx) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const match = BULK_PATH.exec(url.pathname);
      if (!match) return false;
      const version = Number(`${match[1]}.${match[2]}`);
      const kind = match[3] as 'ingest' | 'query';
      // Ingest exists from v41.0, query jobs from v47.0; older versions don't have the resource.
      if (version < (kind === 'ingest' ? 41 : 47)) {
        req.resume();
        res.writeHead(404, { 'Content-Type': 'application/json;charset=UTF-8' });
        res.end(JSON.stringify([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]));
        return true;
      }
      sweepExpiredJobs();
      const rest = (match[4] ?? '').split('/').filter((part) => part !== '');
      const bulkCtx = { apiVersion: version, versionText: version.toFixed(1), userId: ctx.userId };
      if (kind === 'ingest') await handleIngest(req, res, env, bulkCtx, rest, url);
      else await handleQuery(req, res, env, bulkCtx, rest, url);
      return true;
    },
    faults: faults.controller,
    locks,
    job: (id) => ingestJobs.get(id) ?? queryJobs.get(id),
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
    stop() {
      for (const job of ingestJobs.values()) job.stopped = true;
      for (const job of queryJobs.values()) job.stopped = true;
      faults.controller.clear();
    },
    usage: () => ({ ...env.usage }),
    reset() {
      for (const job of ingestJobs.values()) job.stopped = true;
      for (const job of queryJobs.values()) job.stopped = true;
      ingestJobs.clear();
      queryJobs.clear();
      env.usage.batches = 0;
      env.usage.queryJobs = 0;
      faults.controller.clear();
      locks.configure(options.lockContention ?? null);
    },
  };
}
