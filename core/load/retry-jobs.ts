/**
 * Follow-up jobs, once every planned job ended: rows that failed with `UNABLE_TO_LOCK_ROW` are sent again in a new job
 * (round after round, at most MAX_LOCK_RETRY_ROUNDS, one job at a time so they contend with nothing), and a job Salesforce
 * failed with a retryable error has its unprocessed rows sent once more. Only those rows: a row that succeeded, or failed
 * for another reason, is never sent again. Each round is journaled before it is sent, so a resume runs it like any job.
 */
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { MAX_LOCK_RETRY_ROUNDS, type JobRetry, type RetryReason } from '../../shared/salesforce/lock-retries';
import { scanCsvChunks } from '../csv/csv-stream';
import { ServiceError } from '../errors';
import { csvLine } from './csv-line';
import { createFileSink, fileWriteError, type FileSink } from './file-sink';
import { INDEX_ENTRY_BYTES, jobFiles } from './job-planner';
import type { JobOutcome } from './job-runner';
import type { JournalJob, LoadJournal } from './load-journal';
import { isLockError, resultParts } from './result-files';

/** The longest record read back from a job's files (a runaway quote stops here). */
const MAX_RECORD_CHARS = 64 * 1024 * 1024;

/**
 * Whether a job-level `errorMessage` is worth sending the job's unprocessed rows again: the org's own trouble (an internal
 * error, a batch that kept timing out and was retried to its limit) [INF: the texts beyond `InternalServerError`], not the
 * file's (`ClientInputError`, `InvalidBatch`, `InvalidJob`) nor a limit (`ExceededQuota`), which would fail again.
 */
function isRetryableJobError(message: string | null): boolean {
  if (message === null) return false;
  if (/^\s*(ClientInputError|InvalidBatch|InvalidJob|ExceededQuota|InvalidOperation)\b/i.test(message)) return false;
  return /InternalServerError|internal error|timed? ?out|Max(imum)? retries|retry/i.test(message);
}

/** A job journaled as Pending, from what planning (or a retry round) wrote. */
export function pendingJob(loadId: string, planned: { seq: number; firstRow: number; lastRow: number; rows: number; bytes: number; lane: number | null }, retry: JobRetry | null = null): JournalJob {
  return {
    loadId,
    ...planned,
    jobId: null,
    state: 'Pending',
    closed: false,
    processed: 0,
    failed: 0,
    errorMessage: null,
    attempts: 0,
    resultsDone: false,
    resultCounts: null,
    retry,
  };
}

/** What running the follow-up jobs needs: the load, its job header and size bounds, and how to run one job. */
export type RetryContext = {
  loadId: string;
  journal: LoadJournal;
  workDir: string;
  outputHeaders: string[];
  maxJobBytes: number;
  maxJobRows?: number | undefined;
  signal: AbortSignal;
  run(job: JournalJob): Promise<JobOutcome>;
};

/** The input rows of a job's result part that `keep` picks (`record[0]` is the row number). */
async function rowsOfPart(path: string, keep: (record: string[]) => boolean): Promise<Set<number>> {
  const rows = new Set<number>();
  const onRecord = (record: string[]): undefined => {
    if (keep(record)) rows.add(Number(record[0]));
    return undefined;
  };
  try {
    await pipeline(createReadStream(path), (chunks: AsyncIterable<Buffer>) => scanCsvChunks(chunks, onRecord, { maxRecordChars: MAX_RECORD_CHARS }));
  } catch (error) {
    throw new ServiceError('FILE', `The result part ${path} of a load cannot be read.`, 'The load folder was changed or removed; cancel the load (its committed rows are kept).', { cause: error });
  }
  return rows;
}

/** The rows of `source` a round of `reason` sends again: its lock failures, or a failed job's unprocessed rows. */
async function rowsToRetry(workDir: string, source: JournalJob, reason: RetryReason): Promise<Set<number>> {
  const parts = resultParts(workDir, source.seq);
  if (reason === 'lock') return (source.resultCounts?.locked ?? 0) === 0 ? new Set() : rowsOfPart(parts.failure, (record) => isLockError(record[1] ?? ''));
  return rowsOfPart(parts.unprocessed, () => true);
}

/** Whether a round of `reason` takes rows from `source` (a job of the round before). */
function retries(source: JournalJob, reason: RetryReason, round: number): boolean {
  if (reason === 'lock') return round <= MAX_LOCK_RETRY_ROUNDS && (source.resultCounts?.locked ?? 0) > 0;
  return source.state === 'Failed' && source.retry?.reason !== 'job-failed' && (source.resultCounts?.unprocessed ?? 0) > 0 && isRetryableJobError(source.errorMessage);
}

type OpenRetry = { seq: number; csv: FileSink; original: FileSink; index: FileSink; firstRow: number; lastRow: number; rows: number; sources: Set<number> };

/**
 * Writes the follow-up jobs of one round and reason: each picked row's uploaded cells (from its job's CSV), original line
 * and index entry, in as few jobs as the size bounds allow. Answers them unjournaled; `nextSeq` is the first seq to use.
 */
async function writeRetryJobs(ctx: RetryContext, round: number, reason: RetryReason, picks: { job: JournalJob; rows: Set<number> }[], nextSeq: number): Promise<JournalJob[]> {
  const header = csvLine(ctx.outputHeaders);
  const made: JournalJob[] = [];
  let seq = nextSeq;
  let current: OpenRetry | null = null;
  const close = async (): Promise<void> => {
    if (current === null) return;
    const job: OpenRetry = current;
    current = null;
    await Promise.all([job.csv.close({ sync: true }), job.original.close({ sync: true }), job.index.close({ sync: true })]);
    const planned = { seq: job.seq, firstRow: job.firstRow, lastRow: job.lastRow, rows: job.rows, bytes: job.csv.bytes, lane: null };
    made.push(pendingJob(ctx.loadId, planned, { round, reason, sources: [...job.sources] }));
  };
  for (const { job: source, rows } of picks) {
    const files = jobFiles(ctx.workDir, source.seq);
    const index = await readFile(files.index);
    const originals = await open(files.original, 'r').catch((error: unknown) => {
      throw fileWriteError(files.original, error);
    });
    let line = -1;
    let at = 0;
    const take = async (cells: string[]): Promise<void> => {
      line += 1;
      if (line === 0 || (line - 1) * INDEX_ENTRY_BYTES >= index.length) return;
      const entry = index.subarray((line - 1) * INDEX_ENTRY_BYTES, line * INDEX_ENTRY_BYTES);
      const row = entry.readUInt32LE(8);
      const length = entry.readUInt32LE(12);
      const position = at;
      at += length;
      if (!rows.has(row)) return;
      const text = csvLine(cells);
      const bytes = Buffer.byteLength(text);
      if (current !== null && (current.csv.bytes + bytes > ctx.maxJobBytes || (ctx.maxJobRows !== undefined && current.rows >= ctx.maxJobRows))) await close();
      if (current === null) {
        const target = jobFiles(ctx.workDir, seq);
        current = { seq, csv: createFileSink(target.csv), original: createFileSink(target.original), index: createFileSink(target.index), firstRow: row, lastRow: row, rows: 0, sources: new Set() };
        seq += 1;
        await current.csv.write(header);
      }
      const original = Buffer.alloc(length);
      await originals.read(original, 0, length, position);
      current.rows += 1;
      current.firstRow = Math.min(current.firstRow, row);
      current.lastRow = Math.max(current.lastRow, row);
      current.sources.add(source.seq);
      await Promise.all([current.csv.write(text), current.original.write(original.toString()), current.index.write(Buffer.from(entry))]);
    };
    // The scanner may hand over several records before it waits: each one waits for the one before.
    let chain: Promise<void> = Promise.resolve();
    const onRecord = (cells: string[]): Promise<void> => {
      chain = chain.then(() => take(cells));
      return chain;
    };
    try {
      await pipeline(createReadStream(files.csv), (chunks: AsyncIterable<Buffer>) => scanCsvChunks(chunks, onRecord, { maxRecordChars: MAX_RECORD_CHARS }));
      await chain;
    } finally {
      await originals.close();
    }
  }
  await close();
  return made;
}

/** Plans one round: the follow-up jobs of each reason from the jobs of the round before (none when nothing needs it). */
async function planRound(ctx: RetryContext, round: number): Promise<JournalJob[]> {
  const jobs = ctx.journal.jobs(ctx.loadId);
  const before = jobs.filter((job) => (job.retry?.round ?? 0) === round - 1 && job.resultsDone);
  let nextSeq = (jobs.at(-1)?.seq ?? 0) + 1;
  const made: JournalJob[] = [];
  for (const reason of ['job-failed', 'lock'] as const) {
    const picks: { job: JournalJob; rows: Set<number> }[] = [];
    for (const source of before.filter((job) => retries(job, reason, round))) {
      const rows = await rowsToRetry(ctx.workDir, source, reason);
      if (rows.size > 0) picks.push({ job: source, rows });
    }
    const written = await writeRetryJobs(ctx, round, reason, picks, nextSeq);
    nextSeq += written.length;
    made.push(...written);
  }
  if (made.length > 0) ctx.journal.addJobs(made);
  return made;
}

/**
 * Runs the follow-up rounds after the planned jobs ended, one job at a time: a round already journaled (a resume) is run
 * as it is, otherwise it is planned from the round before. Answers the follow-up jobs' outcomes.
 */
export async function runRetries(ctx: RetryContext): Promise<JobOutcome[]> {
  const outcomes: JobOutcome[] = [];
  for (let round = 1; round <= MAX_LOCK_RETRY_ROUNDS + 1; round += 1) {
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new ServiceError('CANCELLED', 'The load was stopped.');
    const journaled = ctx.journal.jobs(ctx.loadId).filter((job) => job.retry?.round === round);
    const jobs = journaled.length > 0 ? journaled : await planRound(ctx, round);
    if (jobs.length === 0) break;
    for (const job of jobs) outcomes.push(await ctx.run(job));
  }
  return outcomes;
}
