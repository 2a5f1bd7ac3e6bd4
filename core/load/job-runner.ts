import type { LoadJobState } from '../../shared/ipc/domains/load';
import { ServiceError } from '../errors';
import { SalesforceRequestError, isTransientError, type Clock, type IngestClient, type IngestJobInfo, type IngestJobSpec } from '../salesforce';
import { jobFiles } from './job-planner';
import type { JournalJob, LoadJournal } from './load-journal';
import { collectJobResults, writeJobUnprocessed, type JobResults } from './result-files';

/** What running one job needs: the org, the journal, the load's folder and job header, and the load's signal. */
export type JobContext = {
  loadId: string;
  ingest: IngestClient;
  journal: LoadJournal;
  clock: Clock;
  workDir: string;
  spec: IngestJobSpec;
  outputHeaders: string[];
  signal: AbortSignal;
  /** Jobs created for one slice of rows before its upload is given up (default 3). */
  maxAttempts?: number | undefined;
  /** Called after every journaled change of the job (progress). */
  onChange(job: JournalJob): void;
};

/** How a job ended for the load: its rows are in its result parts; `error` says why none were sent or why it failed. */
export type JobOutcome = { job: JournalJob; results: JobResults; error: ServiceError | null };

/** Journals a change of the job and tells the listener. */
function save(ctx: JobContext, job: JournalJob, patch: Partial<JournalJob>): void {
  Object.assign(job, patch);
  ctx.journal.updateJob(job.loadId, job.seq, patch);
  ctx.onChange(job);
}

/** The job's state as the journal names it. */
function stateOf(info: IngestJobInfo): LoadJobState {
  return info.state;
}

/**
 * Brings a journaled job back in line with the org after a restart. A job whose `UploadComplete` was sent is only ever
 * polled. One created but never (knowingly) closed is looked up: if the close went through it is polled; if it is still
 * Open (the upload may or may not have arrived) it is aborted, so it processes nothing, and its rows go in a new job.
 */
async function reconcile(ctx: JobContext, job: JournalJob): Promise<void> {
  if (job.jobId === null || job.closed) return;
  const info = await ctx.ingest.info(job.jobId, ctx.signal).catch((error: unknown) => {
    if (error instanceof SalesforceRequestError && error.status === 404) return null;
    throw error;
  });
  if (info !== null && info.state !== 'Open' && !(info.state === 'Aborted' && info.numberRecordsProcessed === 0)) {
    save(ctx, job, { closed: true, state: stateOf(info) });
    return;
  }
  if (info?.state === 'Open') await ctx.ingest.abort(job.jobId, ctx.signal);
  save(ctx, job, { jobId: null, state: 'Pending' });
}

/** Whether a failed upload is worth a new job: network faults, 5xx and unexpected answers; not a refusal or a file error. */
function worthAnotherJob(error: unknown): boolean {
  if (isTransientError(error)) return true;
  return error instanceof ServiceError && error.code === 'SF_API' && !(error instanceof SalesforceRequestError);
}

/**
 * A limit the client could not wait out (busy-retry.ts) stops the whole load, interrupted and resumable, instead of
 * failing this job's rows: the job is Pending again in the journal, so a resume sends them.
 */
function stopOnLimit(error: unknown): void {
  if (error instanceof ServiceError && error.code === 'LIMIT') throw error;
}

/**
 * Creates the job, uploads its CSV once and closes it. Any failure of the upload or the close aborts the job (an Open job
 * processes nothing, and a second upload would be refused, §4.2) and sends the rows in a new job, up to `maxAttempts`.
 */
async function send(ctx: JobContext, job: JournalJob): Promise<ServiceError | null> {
  const maxAttempts = ctx.maxAttempts ?? 3;
  const csv = jobFiles(ctx.workDir, job.seq).csv;
  let lastError: ServiceError | null = null;
  while (!job.closed) {
    if (job.attempts >= maxAttempts) {
      return new ServiceError(
        lastError?.code ?? 'SF_API',
        `Rows ${job.firstRow}–${job.lastRow} could not be uploaded after ${job.attempts} jobs${lastError === null ? '' : `: ${lastError.message}`}`,
        'They are in the unprocessed file: load it again once the org answers.',
      );
    }
    const created = await ctx.ingest.create(ctx.spec, ctx.signal);
    save(ctx, job, { jobId: created.id, state: 'Open', attempts: job.attempts + 1 });
    try {
      await ctx.ingest.upload(created.id, csv, ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      await ctx.ingest.abort(created.id).catch(() => undefined);
      save(ctx, job, { jobId: null, state: 'Pending' });
      stopOnLimit(error);
      if (!(error instanceof ServiceError) || !worthAnotherJob(error)) return error instanceof ServiceError ? error : null;
      lastError = error;
      continue;
    }
    try {
      const closed = await ctx.ingest.close(created.id, ctx.signal);
      save(ctx, job, { closed: true, state: stateOf(closed) });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      // The close may have gone through before the answer was lost: ask before sending the rows again.
      const info = await ctx.ingest.info(created.id).catch(() => null);
      if (info !== null && info.state !== 'Open') {
        save(ctx, job, { closed: true, state: stateOf(info) });
        break;
      }
      await ctx.ingest.abort(created.id).catch(() => undefined);
      save(ctx, job, { jobId: null, state: 'Pending' });
      stopOnLimit(error);
      if (!(error instanceof ServiceError) || !worthAnotherJob(error)) return error instanceof ServiceError ? error : null;
      lastError = error;
    }
  }
  return null;
}

/** Gathers an ended job's results, again from the start after a transient fault (the parts are rewritten). */
async function gather(ctx: JobContext, job: JournalJob, jobId: string): Promise<JobResults> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await collectJobResults({ ingest: ctx.ingest, jobId, workDir: ctx.workDir, seq: job.seq, rows: job.rows, outputHeaders: ctx.outputHeaders, signal: ctx.signal });
    } catch (error) {
      if (ctx.signal.aborted || attempt >= 5 || !isTransientError(error)) throw error;
      await ctx.clock.sleep(250 * 2 ** attempt, ctx.signal);
    }
  }
}

/** The error a job-level failure (`Failed` with its errorMessage, §4.4) gives the load. */
function failedJobError(job: JournalJob): ServiceError {
  return new ServiceError(
    'SF_API',
    `Salesforce failed job ${job.jobId ?? ''} (rows ${job.firstRow}–${job.lastRow})${job.errorMessage === null ? '' : `: ${job.errorMessage}`}`,
    'Its rows are in the unprocessed file. Fix what the message names (a column, the line endings) and load that file again.',
  );
}

/** Marks a job's results gathered. */
function done(ctx: JobContext, job: JournalJob, results: JobResults, error: ServiceError | null): JobOutcome {
  save(ctx, job, { resultsDone: true, resultCounts: { success: results.success, failed: results.failed, unprocessed: results.unprocessed } });
  return { job, results, error };
}

/**
 * Runs one job to the end: reconcile with the org (after a restart), send it (create, one upload, close), poll until it
 * ends, and write its result parts. Every step is journaled before the next, so a restart resumes where it stopped.
 */
export async function runJob(ctx: JobContext, job: JournalJob): Promise<JobOutcome> {
  if (job.resultsDone) {
    const counts = job.resultCounts ?? { success: 0, failed: 0, unprocessed: 0 };
    return { job, results: { ...counts, unmatched: 0 }, error: job.state === 'Failed' ? failedJobError(job) : null };
  }
  await reconcile(ctx, job);
  const notSent = await send(ctx, job);
  if (notSent !== null || job.jobId === null) {
    save(ctx, job, { state: 'Aborted', errorMessage: notSent?.message ?? null });
    return done(ctx, job, { ...(await writeJobUnprocessed(ctx.workDir, job.seq, job.rows)), unmatched: 0 }, notSent);
  }
  const jobId = job.jobId;
  const end = await ctx.ingest.waitForEnd(jobId, {
    signal: ctx.signal,
    onInfo: (info) => {
      if (info.state !== job.state || info.numberRecordsProcessed !== job.processed) {
        save(ctx, job, { state: stateOf(info), processed: info.numberRecordsProcessed, failed: info.numberRecordsFailed });
      }
    },
  });
  save(ctx, job, { state: stateOf(end), processed: end.numberRecordsProcessed, failed: end.numberRecordsFailed, errorMessage: end.errorMessage ?? null });
  const results = await gather(ctx, job, jobId);
  return done(ctx, job, results, end.state === 'Failed' ? failedJobError(job) : null);
}

/**
 * Settles a job of a cancelled load: aborts it in the org when it may still run, then writes what it committed (its
 * successful and failed rows) and the rest as unprocessed. A job never closed processed nothing: all its rows are unprocessed.
 */
export async function settleCancelledJob(ctx: Omit<JobContext, 'signal'> & { signal?: undefined }, job: JournalJob): Promise<JobOutcome> {
  const settleCtx: JobContext = { ...ctx, signal: new AbortController().signal };
  if (job.resultsDone) return runJob(settleCtx, job);
  if (job.jobId !== null && !job.closed) {
    await reconcile(settleCtx, job).catch(() => undefined);
  }
  if (job.jobId === null || !job.closed) {
    if (job.jobId !== null) await ctx.ingest.abort(job.jobId).catch(() => undefined);
    save(settleCtx, job, { state: 'Aborted', jobId: job.jobId });
    return done(settleCtx, job, { ...(await writeJobUnprocessed(ctx.workDir, job.seq, job.rows)), unmatched: 0 }, null);
  }
  const jobId = job.jobId;
  const info = await ctx.ingest.abort(jobId);
  const end = info.state === 'Aborted' || info.state === 'JobComplete' || info.state === 'Failed' ? info : await ctx.ingest.waitForEnd(jobId, {});
  save(settleCtx, job, { state: stateOf(end), processed: end.numberRecordsProcessed, failed: end.numberRecordsFailed, errorMessage: end.errorMessage ?? null });
  return done(settleCtx, job, await gather(settleCtx, job, jobId), null);
}

/** A queue of jobs the planner fills while workers take from it. */
export type JobQueue = {
  push(job: JournalJob): void;
  /** No more jobs will come. */
  end(): void;
  /** The next job, or null once the queue ended and is empty. */
  take(): Promise<JournalJob | null>;
};

/** Creates an empty job queue. */
export function createJobQueue(): JobQueue {
  const items: JournalJob[] = [];
  const waiting: ((job: JournalJob | null) => void)[] = [];
  let ended = false;
  return {
    push(job) {
      const taker = waiting.shift();
      if (taker) taker(job);
      else items.push(job);
    },
    end() {
      ended = true;
      for (const taker of waiting.splice(0)) taker(null);
    },
    take() {
      const next = items.shift();
      if (next !== undefined) return Promise.resolve(next);
      if (ended) return Promise.resolve(null);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}

/** Runs `concurrency` workers over the queue; resolves with every outcome, or rejects with the first error (the rest stop). */
export async function runWorkers(queue: JobQueue, concurrency: number, run: (job: JournalJob) => Promise<JobOutcome>, stop: AbortController): Promise<JobOutcome[]> {
  const outcomes: JobOutcome[] = [];
  const stopped: { error: Error | null } = { error: null };
  const worker = async (): Promise<void> => {
    for (let job = await queue.take(); job !== null && stopped.error === null; job = await queue.take()) {
      try {
        outcomes.push(await run(job));
      } catch (error) {
        stopped.error ??= error instanceof Error ? error : new ServiceError('INTERNAL', 'A job stopped for an unknown reason.');
        stop.abort(stopped.error);
        queue.end();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  if (stopped.error !== null) throw stopped.error;
  return outcomes;
}
