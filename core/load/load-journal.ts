import type { LoadCounts, LoadError, LoadJobState, LoadObject, LoadOperation, LoadOptions, LoadPlan, LoadResultFiles, LoadState } from '../../shared/ipc/domains/load';
import type { JobRetry } from '../../shared/salesforce/lock-retries';
import type { SqliteDatabase } from '../store';

/** What a load's source file looked like when the load started (the hash refuses a resume on a changed file). */
type JournalSource = {
  path: string;
  fileName: string;
  sha256: string;
  /** The CSV shape the reader needs to read it again (A's CsvShape without the preview), as JSON-safe data. */
  shape: Record<string, unknown>;
  rowCount: number;
};

/** One load as the journal keeps it. */
export type JournalLoad = {
  id: string;
  orgId: string;
  source: JournalSource;
  plan: LoadPlan;
  options: LoadOptions;
  state: LoadState;
  /** The load's private folder: job CSVs, row indexes and result parts. */
  workDir: string;
  files: LoadResultFiles;
  excludedRows: number;
  /** The last input row written into a journaled job (planning resumes after it). */
  plannedThrough: number;
  planningDone: boolean;
  /** The final counts, once the result files are written. */
  counts: LoadCounts | null;
  /** The object as the load was planned with (null for loads journaled before migration 7: a resume describes it again). */
  object: LoadObject | null;
  error: LoadError | null;
  startedAt: string;
  endedAt: string | null;
};

/** One job of a load: a contiguous range of input rows, written once as its own CSV and sent in exactly one upload. */
export type JournalJob = {
  loadId: string;
  seq: number;
  /** The Salesforce job id of the current attempt; null before one is created (or after a failed upload, until the next). */
  jobId: string | null;
  state: LoadJobState;
  /** Whether `UploadComplete` was sent for `jobId`: from then on the job is only ever polled, never uploaded again. */
  closed: boolean;
  firstRow: number;
  lastRow: number;
  /** Rows in the job's CSV (the valid rows of the range). */
  rows: number;
  bytes: number;
  processed: number;
  failed: number;
  errorMessage: string | null;
  /** Jobs created for these rows so far (a failed upload aborts its job and the rows go in a new one). */
  attempts: number;
  /** Whether the job's result parts are written (then its rows are accounted for). */
  resultsDone: boolean;
  resultCounts: { success: number; failed: number; unprocessed: number; locked?: number | undefined } | null;
  /** The lane of a lock-grouped job: jobs of one lane touch the same parents and run one at a time (null: any time). */
  lane?: number | null | undefined;
  /** What a follow-up job retries (lock failures, or a failed job's unprocessed rows); null for a planned job. */
  retry?: JobRetry | null | undefined;
};

/** The crash-safe journal of loads in the local database (tables `loads` and `load_jobs`, migration 3). */
export type LoadJournal = {
  /** Records a new load. */
  create(load: JournalLoad): void;
  /** One load, or null. */
  get(loadId: string): JournalLoad | null;
  /** Loads, newest first. */
  list(limit: number): JournalLoad[];
  /** The source files of the loads not yet done, failed or cancelled (they still read them). */
  sourcesInUse(): string[];
  /** Changes some fields of a load. */
  update(loadId: string, patch: Partial<Pick<JournalLoad, 'state' | 'excludedRows' | 'plannedThrough' | 'planningDone' | 'counts' | 'error' | 'endedAt' | 'files'>>): void;
  /** Records a job whose CSV is complete, and how far planning got, in one transaction. */
  addJob(job: JournalJob, plannedThrough: number, excludedRows: number): void;
  /** Records several jobs (a wave of lanes, or a round of retries) in one transaction, with how far planning got if it moved. */
  addJobs(jobs: JournalJob[], planned?: { plannedThrough: number; excludedRows: number }): void;
  /** Changes some fields of a job. */
  updateJob(loadId: string, seq: number, patch: Partial<Omit<JournalJob, 'loadId' | 'seq' | 'firstRow' | 'lastRow' | 'rows' | 'bytes'>>): void;
  /** A load's jobs in row order. */
  jobs(loadId: string): JournalJob[];
  /** Drops the jobs past a seq (their CSVs were incomplete when planning stopped). */
  dropJobsAfter(loadId: string, seq: number): void;
  /** Marks loads left preparing or running by an owner that is gone as interrupted; answers their ids. */
  markInterrupted(isAlive: (owner: string | null) => boolean): string[];
  /** Records who runs a load. */
  claim(loadId: string, owner: string): void;
  /** Takes an interrupted load for `owner` in one step (false when it is not interrupted any more: someone else took it). */
  claimInterrupted(loadId: string, owner: string): boolean;
};

type LoadRow = {
  id: string;
  org_id: string;
  file_name: string;
  source_path: string;
  source_sha256: string;
  shape_json: string;
  plan_json: string;
  options_json: string;
  state: LoadState;
  work_dir: string;
  files_json: string;
  input_rows: number;
  excluded_rows: number;
  planned_through: number;
  planning_done: number;
  counts_json: string | null;
  error_json: string | null;
  started_at: string;
  ended_at: string | null;
  object_json: string | null;
};

type JobRow = {
  load_id: string;
  seq: number;
  job_id: string | null;
  state: LoadJobState;
  closed: number;
  first_row: number;
  last_row: number;
  rows: number;
  bytes: number;
  processed: number;
  failed: number;
  error_message: string | null;
  attempts: number;
  results_done: number;
  result_counts_json: string | null;
  lane: number | null;
  retry_json: string | null;
};

const LOAD_COLUMNS: Record<string, string> = {
  state: 'state',
  excludedRows: 'excluded_rows',
  plannedThrough: 'planned_through',
  planningDone: 'planning_done',
  counts: 'counts_json',
  error: 'error_json',
  endedAt: 'ended_at',
  files: 'files_json',
};

const JOB_COLUMNS: Record<string, string> = {
  jobId: 'job_id',
  state: 'state',
  closed: 'closed',
  processed: 'processed',
  failed: 'failed',
  errorMessage: 'error_message',
  attempts: 'attempts',
  resultsDone: 'results_done',
  resultCounts: 'result_counts_json',
};

/** A value as SQLite stores it: booleans as 0/1, objects as JSON. */
function sqlValue(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || typeof value === 'string') return value;
  return JSON.stringify(value);
}

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function toLoad(row: LoadRow): JournalLoad {
  return {
    id: row.id,
    orgId: row.org_id,
    source: { path: row.source_path, fileName: row.file_name, sha256: row.source_sha256, shape: JSON.parse(row.shape_json) as Record<string, unknown>, rowCount: row.input_rows },
    plan: JSON.parse(row.plan_json) as LoadPlan,
    options: JSON.parse(row.options_json) as LoadOptions,
    state: row.state,
    workDir: row.work_dir,
    files: JSON.parse(row.files_json) as LoadResultFiles,
    excludedRows: row.excluded_rows,
    plannedThrough: row.planned_through,
    planningDone: row.planning_done === 1,
    counts: parseJson<LoadCounts>(row.counts_json),
    object: parseJson<LoadObject>(row.object_json),
    error: parseJson<LoadError>(row.error_json),
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}

function toJob(row: JobRow): JournalJob {
  return {
    loadId: row.load_id,
    seq: row.seq,
    jobId: row.job_id,
    state: row.state,
    closed: row.closed === 1,
    firstRow: row.first_row,
    lastRow: row.last_row,
    rows: row.rows,
    bytes: row.bytes,
    processed: row.processed,
    failed: row.failed,
    errorMessage: row.error_message,
    attempts: row.attempts,
    resultsDone: row.results_done === 1,
    resultCounts: parseJson(row.result_counts_json),
    lane: row.lane,
    retry: parseJson<JobRetry>(row.retry_json),
  };
}

/** Builds the journal over the open database; every write is its own committed statement (or transaction). */
export function createLoadJournal(db: SqliteDatabase): LoadJournal {
  const insertLoad = db.prepare(
    `INSERT INTO loads (id, org_id, file_name, source_path, source_sha256, shape_json, plan_json, options_json, object_name, operation, state, work_dir,
       files_json, input_rows, excluded_rows, planned_through, planning_done, counts_json, error_json, started_at, ended_at, object_json)
     VALUES (@id, @org_id, @file_name, @source_path, @source_sha256, @shape_json, @plan_json, @options_json, @object_name, @operation, @state, @work_dir,
       @files_json, @input_rows, @excluded_rows, @planned_through, @planning_done, @counts_json, @error_json, @started_at, @ended_at, @object_json)`,
  );
  const selectLoad = db.prepare<[string], LoadRow>('SELECT * FROM loads WHERE id = ?');
  const listLoads = db.prepare<[number], LoadRow>('SELECT * FROM loads ORDER BY started_at DESC, rowid DESC LIMIT ?');
  const insertJob = db.prepare(
    `INSERT INTO load_jobs (load_id, seq, job_id, state, closed, first_row, last_row, rows, bytes, processed, failed, error_message, attempts, results_done, result_counts_json, lane, retry_json)
     VALUES (@load_id, @seq, @job_id, @state, @closed, @first_row, @last_row, @rows, @bytes, @processed, @failed, @error_message, @attempts, @results_done, @result_counts_json, @lane, @retry_json)`,
  );
  const selectJobs = db.prepare<[string], JobRow>('SELECT * FROM load_jobs WHERE load_id = ? ORDER BY seq');
  const deleteJobsAfter = db.prepare('DELETE FROM load_jobs WHERE load_id = ? AND seq > ?');
  const planned = db.prepare('UPDATE loads SET planned_through = ?, excluded_rows = ? WHERE id = ?');
  const unfinished = db.prepare<[], { id: string; owner: string | null }>("SELECT id, owner FROM loads WHERE state IN ('preparing', 'running')");
  const sourcesInUse = db.prepare<[], { source_path: string }>("SELECT DISTINCT source_path FROM loads WHERE state NOT IN ('done', 'failed', 'cancelled')");
  const interrupt = db.prepare<[string]>("UPDATE loads SET state = 'interrupted' WHERE id = ? AND state IN ('preparing', 'running')");
  const setOwner = db.prepare<[string, string]>('UPDATE loads SET owner = ? WHERE id = ?');
  const takeInterrupted = db.prepare<[string, string]>("UPDATE loads SET owner = ?, state = 'preparing' WHERE id = ? AND state = 'interrupted'");

  const patchRow = (table: 'loads' | 'load_jobs', columns: Record<string, string>, patch: Record<string, unknown>, where: string, keys: unknown[]): void => {
    const entries = Object.entries(patch).filter(([key, value]) => value !== undefined && columns[key] !== undefined);
    if (entries.length === 0) return;
    const set = entries.map(([key]) => `${columns[key] ?? key} = ?`).join(', ');
    db.prepare(`UPDATE ${table} SET ${set} WHERE ${where}`).run(...entries.map(([, value]) => sqlValue(value)), ...keys);
  };

  const insertJobRow = (job: JournalJob): void => {
    insertJob.run({
      load_id: job.loadId,
      seq: job.seq,
      job_id: job.jobId,
      state: job.state,
      closed: job.closed ? 1 : 0,
      first_row: job.firstRow,
      last_row: job.lastRow,
      rows: job.rows,
      bytes: job.bytes,
      processed: job.processed,
      failed: job.failed,
      error_message: job.errorMessage,
      attempts: job.attempts,
      results_done: job.resultsDone ? 1 : 0,
      result_counts_json: sqlValue(job.resultCounts),
      lane: job.lane ?? null,
      retry_json: sqlValue(job.retry),
    });
  };
  const addJob = db.transaction((job: JournalJob, plannedThrough: number, excludedRows: number) => {
    insertJobRow(job);
    planned.run(plannedThrough, excludedRows, job.loadId);
  });
  const addJobs = db.transaction((jobs: JournalJob[], progress: { plannedThrough: number; excludedRows: number } | undefined) => {
    for (const job of jobs) insertJobRow(job);
    const first = jobs[0];
    if (progress !== undefined && first !== undefined) planned.run(progress.plannedThrough, progress.excludedRows, first.loadId);
  });

  return {
    create(load) {
      insertLoad.run({
        id: load.id,
        org_id: load.orgId,
        file_name: load.source.fileName,
        source_path: load.source.path,
        source_sha256: load.source.sha256,
        shape_json: JSON.stringify(load.source.shape),
        plan_json: JSON.stringify(load.plan),
        options_json: JSON.stringify(load.options),
        object_name: load.plan.objectName,
        operation: load.plan.operation satisfies LoadOperation,
        state: load.state,
        work_dir: load.workDir,
        files_json: JSON.stringify(load.files),
        input_rows: load.source.rowCount,
        excluded_rows: load.excludedRows,
        planned_through: load.plannedThrough,
        planning_done: load.planningDone ? 1 : 0,
        counts_json: sqlValue(load.counts),
        error_json: sqlValue(load.error),
        started_at: load.startedAt,
        ended_at: load.endedAt,
        object_json: sqlValue(load.object),
      });
    },
    get(loadId) {
      const row = selectLoad.get(loadId);
      return row === undefined ? null : toLoad(row);
    },
    list: (limit) => listLoads.all(limit).map(toLoad),
    sourcesInUse: () => sourcesInUse.all().map((row) => row.source_path),
    update(loadId, patch) {
      patchRow('loads', LOAD_COLUMNS, patch, 'id = ?', [loadId]);
    },
    addJob: (job, plannedThrough, excludedRows) => {
      addJob(job, plannedThrough, excludedRows);
    },
    addJobs: (jobs, progress) => {
      addJobs(jobs, progress);
    },
    updateJob(loadId, seq, patch) {
      patchRow('load_jobs', JOB_COLUMNS, patch, 'load_id = ? AND seq = ?', [loadId, seq]);
    },
    jobs: (loadId) => selectJobs.all(loadId).map(toJob),
    dropJobsAfter(loadId, seq) {
      deleteJobsAfter.run(loadId, seq);
    },
    markInterrupted(isAlive) {
      const ids = unfinished
        .all()
        .filter((row) => !isAlive(row.owner))
        .map((row) => row.id);
      for (const id of ids) interrupt.run(id);
      return ids;
    },
    claim(loadId, owner) {
      setOwner.run(owner, loadId);
    },
    claimInterrupted(loadId, owner) {
      return takeInterrupted.run(owner, loadId).changes === 1;
    },
  };
}
