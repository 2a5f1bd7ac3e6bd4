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
  /** Called before a job that is not closed is sent (the before-image, before-image.ts); safe to call again. */
  beforeUpload?: ((job: JournalJob, signal: AbortSignal) => Promise<void>) | undefined;
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

/** A job the org no longer knows (404) after its close may have been sent: its rows may be in the org. */
class LostJobError extends ServiceError {}

/** The error of a job the org no longer knows after its close may have been sent. */
function lostJobError(job: JournalJob, jobId: string): LostJobError {
  return new LostJobError(
    'SF_API',
    `Salesforce no longer knows job ${jobId} (rows ${job.firstRow}–${job.lastRow}): it may have loaded some of them before it was deleted.`,
    'Its rows are in the unprocessed file. Look for those records in the org before loading that file again, or they may be loaded twice.',
  );
}

/** A 404 from the org: the job id names no job (deleted, or older than the org keeps). */
function isUnknownJob(error: unknown): boolean {
  return error instanceof SalesforceRequestError && error.status === 404;
}

/** How often the org is asked where a job stands before the load stops (interrupted, resumable) instead of guessing. */
const STANDING_ATTEMPTS = 5;

/**
 * Finds out from the org where a job stands when OrgDesk did not see its close answered (a lost reply, a restart). Its rows
 * go in a new job only when the org says nothing of them can be processed: the job is Open (then it is aborted, and the
 * abort's answer must say Aborted) or Aborted with nothing processed. Any other state means the org has the rows: the job
 * is polled, never sent again. A job the org does not know is resent only if its close was never sent; otherwise it is
 * reported. When the org cannot be asked, this throws, so the load stops interrupted with the job id kept for the resume.
 */
async function reconcileUnclosed(ctx: JobContext, job: JournalJob, jobId: string): Promise<'resend' | 'closed'> {
  const closeSent = job.state !== 'Open';
  for (let attempt = 1; ; attempt += 1) {
    try {
      let info = await ctx.ingest.info(jobId, ctx.signal);
      if (info.state === 'Open') info = await ctx.ingest.abort(jobId, ctx.signal);
      if (info.state === 'Aborted' && info.numberRecordsProcessed === 0) {
        save(ctx, job, { jobId: null, state: 'Pending' });
        return 'resend';
      }
      save(ctx, job, { closed: true, state: stateOf(info) });
      return 'closed';
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      if (isUnknownJob(error)) {
        if (!closeSent) {
          save(ctx, job, { jobId: null, state: 'Pending' });
          return 'resend';
        }
        if (attempt >= STANDING_ATTEMPTS) throw lostJobError(job, jobId);
      } else if (!isTransientError(error) || attempt >= STANDING_ATTEMPTS) {
        throw error;
      }
      await ctx.clock.sleep(100 * 2 ** attempt, ctx.signal);
    }
  }
}

/** Brings a journaled job back in line with the org after a restart (see `reconcileUnclosed`); a closed job is only polled. */
async function reconcile(ctx: JobContext, job: JournalJob): Promise<void> {
  if (job.jobId === null || job.closed) return;
  await reconcileUnclosed(ctx, job, job.jobId);
}

/** A failure as the load reports it: a ServiceError as it is, anything else as INTERNAL with its message. */
function asServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  return new ServiceError('INTERNAL', `A job stopped: ${error instanceof Error ? error.message : String(error)}`, 'Check the records in the org before loading these rows again, and report this load.', { cause: error });
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
 * Creates the job, uploads its CSV once and closes it. A failed upload aborts the job (an Open job processes nothing, and
 * a second upload would be refused, §4.2) and sends the rows in a new job, up to `maxAttempts`. A failed close is never
 * taken for "not closed": the org is asked (`reconcileUnclosed`), since the close may have gone through before the answer
 * was lost. The job is journaled as UploadComplete before the close is sent, so a restart knows the close may have landed.
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
      if (!(error instanceof ServiceError) || !worthAnotherJob(error)) return asServiceError(error);
      lastError = error;
      continue;
    }
    save(ctx, job, { state: 'UploadComplete' });
    try {
      const closed = await ctx.ingest.close(created.id, ctx.signal);
      save(ctx, job, { closed: true, state: stateOf(closed) });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      if ((await reconcileUnclosed(ctx, job, created.id)) === 'closed') break;
      stopOnLimit(error);
      if (!(error instanceof ServiceError) || !worthAnotherJob(error)) return asServiceError(error);
      lastError = error;
    }
  }
  return null;
}

/** Polls a closed job until it ends; a job the org stops knowing is asked again a few times, then reported lost. */
async function waitForJob(ctx: JobContext, job: JournalJob, jobId: string): Promise<IngestJobInfo> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await ctx.ingest.waitForEnd(jobId, {
        signal: ctx.signal,
        rows: job.rows,
        onInfo: (info) => {
          if (info.state !== job.state || info.numberRecordsProcessed !== job.processed) {
            save(ctx, job, { state: stateOf(info), processed: info.numberRecordsProcessed, failed: info.numberRecordsFailed });
          }
        },
      });
    } catch (error) {
      if (ctx.signal.aborted || !isUnknownJob(error)) throw error;
      if (attempt >= STANDING_ATTEMPTS) throw lostJobError(job, jobId);
      await ctx.clock.sleep(100 * 2 ** attempt, ctx.signal);
    }
  }
}

/** Gathers an ended job's results, again from the start after a transient fault (the parts are rewritten). */
async function gather(ctx: JobContext, job: JournalJob, jobId: string): Promise<JobResults> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await collectJobResults({ ingest: ctx.ingest, jobId, workDir: ctx.workDir, seq: job.seq, rows: job.rows, outputHeaders: ctx.outputHeaders, signal: ctx.signal });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      if (isUnknownJob(error) && attempt >= STANDING_ATTEMPTS) throw lostJobError(job, jobId);
      if (attempt >= 5 || !(isTransientError(error) || isUnknownJob(error))) throw error;
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
  const counts = { success: results.success, failed: results.failed, unprocessed: results.unprocessed };
  save(ctx, job, { resultsDone: true, resultCounts: results.locked === undefined || results.locked === 0 ? counts : { ...counts, locked: results.locked } });
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
  try {
    await reconcile(ctx, job);
    if (!job.closed) await ctx.beforeUpload?.(job, ctx.signal);
    const notSent = await send(ctx, job);
    if (notSent !== null || job.jobId === null) {
      save(ctx, job, { state: 'Aborted', errorMessage: notSent?.message ?? null });
      return done(ctx, job, { ...(await writeJobUnprocessed(ctx.workDir, job.seq, job.rows)), unmatched: 0 }, notSent);
    }
    const jobId = job.jobId;
    const end = await waitForJob(ctx, job, jobId);
    save(ctx, job, { state: stateOf(end), processed: end.numberRecordsProcessed, failed: end.numberRecordsFailed, errorMessage: end.errorMessage ?? null });
    const results = await gather(ctx, job, jobId);
    return done(ctx, job, results, end.state === 'Failed' ? failedJobError(job) : null);
  } catch (error) {
    if (!(error instanceof LostJobError) || ctx.signal.aborted) throw error;
    // The org lost the job after it may have loaded rows: they are reported, with the job, never sent again.
    save(ctx, job, { state: 'Failed', errorMessage: error.message });
    return done(ctx, job, { ...(await writeJobUnprocessed(ctx.workDir, job.seq, job.rows)), unmatched: 0 }, error);
  }
}

/**
 * Settles a job of a cancelled load: aborts it in the org when it may still run, then writes what it committed (its
 * successful and failed rows) and the rest as unprocessed. A job never closed processed nothing: all its rows are unprocessed.
 */
export async function settleCancelledJob(ctx: Omit<JobContext, 'signal'> & { signal?: undefined }, job: JournalJob): Promise<JobOutcome> {
  const settleCtx: JobContext = { ...ctx, signal: new AbortController().signal };
  if (job.resultsDone) return runJob(settleCtx, job);
  if (job.jobId !== null && !job.closed) {
    // Its close may have landed before a lost answer or a crash: the abort's answer says whether the org processed rows.
    // When the org cannot be asked this throws, and the load stays interrupted rather than miscounted.
    try {
      const info = await ctx.ingest.abort(job.jobId);
      if (info.state !== 'Open' && !(info.state === 'Aborted' && info.numberRecordsProcessed === 0)) save(settleCtx, job, { closed: true, state: stateOf(info) });
    } catch (error) {
      if (!isUnknownJob(error)) throw error;
      if (job.state !== 'Open') {
        const lost = lostJobError(job, job.jobId);
        save(settleCtx, job, { state: 'Failed', errorMessage: lost.message });
        return done(settleCtx, job, { ...(await writeJobUnprocessed(ctx.workDir, job.seq, job.rows)), unmatched: 0 }, lost);
      }
    }
  }
  if (job.jobId === null || !job.closed) {
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
