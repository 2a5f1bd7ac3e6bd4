/** Follow-up jobs of a load: rows that failed to lock their parent (`UNABLE_TO_LOCK_ROW`), and failed jobs' unprocessed rows. */

/** Rounds of follow-up jobs for rows that failed with UNABLE_TO_LOCK_ROW, each after the previous one ended. */
export const MAX_LOCK_RETRY_ROUNDS = 3;

/** Why a follow-up job was made: rows that failed to lock their parent, or the unprocessed rows of a job Salesforce failed. */
export type RetryReason = 'lock' | 'job-failed';

/** What a follow-up job retries: its round (1 = after the planned jobs), why, and the jobs (seqs) its rows come from. */
export type JobRetry = { round: number; reason: RetryReason; sources: number[] };

/** What a load retried on its own, as the summary states it. */
export type LoadRetries = {
  /** Rows of the planned jobs that failed with UNABLE_TO_LOCK_ROW. */
  lockFailures: number;
  /** Rows sent again because they failed with UNABLE_TO_LOCK_ROW (a row retried in two rounds counts once). */
  lockRetried: number;
  /** Rounds of lock retries run (at most MAX_LOCK_RETRY_ROUNDS). */
  lockRounds: number;
  /** Rows still failing with UNABLE_TO_LOCK_ROW at the end (they are in the failure file). */
  lockFailuresLeft: number;
  /** Jobs Salesforce failed with a retryable error whose unprocessed rows were sent once more. */
  failedJobs: number;
  /** Those jobs' unprocessed rows, sent once more in new jobs. */
  failedJobRows: number;
};

const count = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** What a load retried on its own, in sentences (the CLI's summary and the Load area's result say the same). */
export function retrySentences(retries: LoadRetries): string[] {
  const lines: string[] = [];
  if (retries.lockFailures > 0 || retries.lockRetried > 0) {
    const left = retries.lockFailuresLeft === 0 ? 'none still fails' : `${count(retries.lockFailuresLeft, 'row')} still failing are in the failure file`;
    lines.push(
      `${count(retries.lockFailures, 'row')} could not lock their parent record (UNABLE_TO_LOCK_ROW) and ${retries.lockRetried === 1 ? 'was' : 'were'} sent again after the other jobs, ` +
        `in ${count(retries.lockRounds, 'round')} (at most ${MAX_LOCK_RETRY_ROUNDS}); ${left}.`,
    );
  }
  if (retries.failedJobs > 0) {
    const whose = retries.failedJobs === 1 ? 'its' : 'their';
    lines.push(`Salesforce failed ${count(retries.failedJobs, 'job')} with a retryable error: ${whose} ${count(retries.failedJobRows, 'unprocessed row')} ${retries.failedJobRows === 1 ? 'was' : 'were'} sent once more in a new job.`);
  }
  return lines;
}
