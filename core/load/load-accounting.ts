import type { LoadCounts, LoadError, LoadJobSummary, LoadSummary } from '../../shared/ipc/domains/load';
import { ServiceError, toAppError } from '../errors';
import type { CsvShape } from './csv-source';
import type { JobOutcome } from './job-runner';
import type { JournalJob, JournalLoad, LoadJournal } from './load-journal';
import type { LoadRunOptions } from './load-source';
import { undoRefusal } from './undo-plan';
import { retriesOf } from './retry-accounting';

/** What the journal keeps of a CSV shape: everything but the preview rows. */
export function shapeForJournal(shape: CsvShape): Record<string, unknown> {
  const { preview: _preview, ...rest } = shape;
  return rest;
}

/** An error as a load records it: code, message and hint, never a stack. */
export function toLoadError(error: unknown): LoadError {
  const app = toAppError(error);
  return app.hint === undefined ? { code: app.code, message: app.message } : { code: app.code, message: app.message, hint: app.hint };
}

/** One job as the history and the progress show it. */
export function jobSummary(job: JournalJob): LoadJobSummary {
  const summary: LoadJobSummary = { jobId: job.jobId, state: job.state, firstRow: job.firstRow, lastRow: job.lastRow, rows: job.rows, processed: job.processed, failed: job.failed };
  if (job.errorMessage !== null) summary.errorMessage = job.errorMessage;
  return summary;
}

/** Live counts from the journal while a load runs; the final ones once its files are written. */
export function countsOf(load: JournalLoad, jobs: JournalJob[]): LoadCounts {
  if (load.counts !== null) return load.counts;
  let uploaded = 0;
  let processed = 0;
  let failed = 0;
  for (const job of jobs) {
    const retry = job.retry ?? null;
    if (job.closed && retry === null) uploaded += job.rows;
    // A lock retry's rows were counted failed in their first job: the retry's outcome replaces that one.
    const replaced = retry?.reason === 'lock' ? job.processed : 0;
    processed += job.processed - replaced;
    failed += job.failed - replaced;
  }
  return { input: load.source.rowCount, excluded: load.excludedRows, uploaded, processed, success: processed - failed, failed, unprocessed: 0 };
}

/** The final counts of a load from its jobs' result files, `tailRows` being the rows never planned into a job. */
export function settledCounts(load: JournalLoad, jobs: JournalJob[], tailRows: number): LoadCounts {
  let success = 0;
  let failed = 0;
  let unprocessed = tailRows;
  let uploaded = 0;
  for (const job of jobs) {
    success += job.resultCounts?.success ?? 0;
    failed += job.resultCounts?.failed ?? 0;
    unprocessed += job.resultCounts?.unprocessed ?? 0;
    if (job.closed) uploaded += job.rows;
  }
  return { input: load.source.rowCount, excluded: load.excludedRows, uploaded, processed: success + failed, success, failed, unprocessed };
}

/** The error a settled load ends with: planning's, a job's, result rows that matched no input row, or counts that do not add up. */
export function settledError(counts: LoadCounts, outcomes: JobOutcome[], planFailure: unknown): LoadError | null {
  const unmatched = outcomes.reduce((sum, outcome) => sum + outcome.results.unmatched, 0);
  const jobError = outcomes.find((outcome) => outcome.error !== null)?.error ?? null;
  let error: LoadError | null = planFailure !== null ? toLoadError(planFailure) : jobError === null ? null : toLoadError(jobError);
  if (unmatched > 0) {
    error = { code: 'SF_API', message: `${unmatched} rows of Salesforce's result files matched no uploaded row.`, hint: 'Their input rows are in the unprocessed file: check those records in the org before loading them again.' };
  }
  if (counts.input !== counts.success + counts.failed + counts.unprocessed + counts.excluded) {
    error = {
      code: 'INTERNAL',
      message: `The result files hold ${counts.success + counts.failed + counts.unprocessed + counts.excluded} rows for ${counts.input} input rows.`,
      hint: 'Check the records in the org before loading again, and report this load.',
    };
  }
  return error;
}

/** A journaled load, or NOT_FOUND. */
export function loadOf(journal: LoadJournal, loadId: string): JournalLoad {
  const load = journal.get(loadId);
  if (load === null) throw new ServiceError('NOT_FOUND', `There is no load ${loadId}.`, 'Pick a load from the history.');
  return load;
}

/** A load as the history shows it. */
export function summaryOf(journal: LoadJournal, load: JournalLoad): LoadSummary {
  const jobs = journal.jobs(load.id);
  const summary: LoadSummary = {
    loadId: load.id,
    orgId: load.orgId,
    fileName: load.source.fileName,
    sourcePath: load.source.path,
    objectName: load.plan.objectName,
    operation: load.plan.operation,
    state: load.state,
    counts: countsOf(load, jobs),
    jobs: jobs.map(jobSummary),
    files: load.files,
    startedAt: load.startedAt,
    endedAt: load.endedAt,
  };
  if (load.error !== null) summary.error = load.error;
  const undoOf = (load.options as LoadRunOptions).undoOf;
  if (undoOf !== undefined) summary.undoOf = undoOf;
  const cannotUndo = undoRefusal(load);
  if (cannotUndo !== null) summary.cannotUndo = cannotUndo;
  const retries = retriesOf(jobs);
  if (retries !== undefined) summary.retries = retries;
  return summary;
}
