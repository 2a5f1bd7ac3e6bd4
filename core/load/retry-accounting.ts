/**
 * Accounting for follow-up jobs (retry-jobs.ts): a retried row's final outcome is its last job's, so it is dropped from
 * the part of the job it was retried from (the failure part for a lock failure, the unprocessed part for a failed job)
 * and counted once; a failed job whose rows were all sent again no longer fails the load; the summary says what was retried.
 */
import { createReadStream } from 'node:fs';
import { readFile, rename } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { LoadCounts } from '../../shared/ipc/domains/load';
import type { LoadRetries } from '../../shared/salesforce/lock-retries';
import { scanCsvChunks } from '../csv/csv-stream';
import { csvLine } from './csv-line';
import { createFileSink, fileWriteError } from './file-sink';
import { INDEX_ENTRY_BYTES, jobFiles } from './job-planner';
import type { JobOutcome } from './job-runner';
import type { JournalJob } from './load-journal';
import { resultParts } from './result-files';

/** Counts that hold each retried row once: its source job's failure (or unprocessed) count and upload no longer count it. */
export function withoutRetried(counts: LoadCounts, jobs: JournalJob[]): LoadCounts {
  let lock = 0;
  let jobFailed = 0;
  let uploaded = 0;
  for (const job of jobs) {
    if (job.retry === null || job.retry === undefined) continue;
    if (job.retry.reason === 'lock') lock += job.rows;
    else jobFailed += job.rows;
    if (job.closed) uploaded += job.rows;
  }
  const failed = counts.failed - lock;
  return { ...counts, failed, unprocessed: counts.unprocessed - jobFailed, uploaded: counts.uploaded - uploaded, processed: counts.success + failed };
}

/** The input rows of a job, from its row index. */
async function rowsOfJob(workDir: string, seq: number): Promise<Set<number>> {
  const index = await readFile(jobFiles(workDir, seq).index).catch(() => Buffer.alloc(0));
  const rows = new Set<number>();
  for (let at = 0; at + INDEX_ENTRY_BYTES <= index.length; at += INDEX_ENTRY_BYTES) rows.add(index.readUInt32LE(at + 8));
  return rows;
}

/** Rewrites a result part without the lines of `rows` (safe to run again: a dropped row stays dropped). */
async function dropRows(path: string, rows: ReadonlySet<number>): Promise<void> {
  const kept = `${path}.kept`;
  const sink = createFileSink(kept);
  const onRecord = (record: string[]): Promise<void> | undefined => (rows.has(Number(record[0])) ? undefined : sink.write(csvLine(record)));
  try {
    await pipeline(createReadStream(path), (chunks: AsyncIterable<Buffer>) => scanCsvChunks(chunks, onRecord, { maxRecordChars: 64 * 1024 * 1024 }));
    await sink.close({ sync: true });
  } catch (error) {
    sink.destroy();
    throw fileWriteError(kept, error);
  }
  await rename(kept, path).catch((error: unknown) => {
    throw fileWriteError(path, error);
  });
}

/** Drops every retried row from the part of the job it was retried from, before the result files are joined. */
export async function dropRetriedRows(workDir: string, jobs: JournalJob[]): Promise<void> {
  for (const job of jobs) {
    if (job.retry === null || job.retry === undefined) continue;
    const rows = await rowsOfJob(workDir, job.seq);
    for (const source of job.retry.sources) {
      const parts = resultParts(workDir, source);
      await dropRows(job.retry.reason === 'lock' ? parts.failure : parts.unprocessed, rows);
    }
  }
}

/** The outcomes that speak for the load: a failed job whose unprocessed rows were sent again no longer fails it. */
export function keptOutcomes(outcomes: JobOutcome[], jobs: JournalJob[]): JobOutcome[] {
  const retried = new Set(jobs.flatMap((job) => (job.retry?.reason === 'job-failed' ? job.retry.sources : [])));
  return outcomes.map((outcome) => (retried.has(outcome.job.seq) && outcome.error !== null ? { ...outcome, error: null } : outcome));
}

/** What a load retried on its own, or undefined when it retried nothing and nothing failed to lock. */
export function retriesOf(jobs: JournalJob[]): LoadRetries | undefined {
  const retries: LoadRetries = { lockFailures: 0, lockRetried: 0, lockRounds: 0, lockFailuresLeft: 0, failedJobs: 0, failedJobRows: 0 };
  const failedSources = new Set<number>();
  let lockedTotal = 0;
  let lockSent = 0;
  for (const job of jobs) {
    const locked = job.resultCounts?.locked ?? 0;
    lockedTotal += locked;
    if (job.retry === null || job.retry === undefined) {
      retries.lockFailures += locked;
      continue;
    }
    if (job.retry.reason === 'job-failed') {
      retries.failedJobRows += job.rows;
      for (const source of job.retry.sources) failedSources.add(source);
      continue;
    }
    lockSent += job.rows;
    retries.lockRounds = Math.max(retries.lockRounds, job.retry.round);
    if (job.retry.round === 1) retries.lockRetried += job.rows;
  }
  retries.failedJobs = failedSources.size;
  retries.lockFailuresLeft = lockedTotal - lockSent;
  return Object.values(retries).some((value) => value > 0) ? retries : undefined;
}
