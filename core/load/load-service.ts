import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, constants, mkdir, readdir, rm, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type {
  CsvEncoding,
  FieldMapping,
  LoadCapacity,
  LoadCounts,
  LoadError,
  LoadFileInfo,
  LoadFileRef,
  LoadBusyWait,
  LoadJobSummary,
  LoadObject,
  LoadOperation,
  LoadOptions,
  LoadPlan,
  LoadProgress,
  LoadSummary,
  PreflightProgress,
  PreflightReport,
} from '../../shared/ipc/domains/load';
import { ServiceError, toAppError } from '../errors';
import { createIngestClient, createRestApi, type Clock, type IngestClient } from '../salesforce';
import type { QueryConnections } from '../query/ports';
import type { SqliteDatabase } from '../store';
import { inspectCsvFile, readCsvRecords, type CsvShape } from './csv-source';
import { createMappingStore, suggestMapping } from './field-mapping';
import { planJobs } from './job-planner';
import { createJobQueue, runJob, runWorkers, settleCancelledJob, type JobContext, type JobOutcome } from './job-runner';
import { assertCapacity, loadCapacity } from './load-capacity';
import { createLoadJournal, type JournalJob, type JournalLoad } from './load-journal';
import { createLoadOwner, type LoadOwner } from './load-owner';
import { toLoadObject } from './load-object';
import { runPreflight } from './preflight';
import { assembleResultFiles, trimExcluded, writeTailUnprocessed } from './result-files';
import { createRowValidator } from './row-validator';

/** Where the load service pushes its events (the composition root forwards them to the event hub). */
export type LoadEmitter = {
  progress(progress: LoadProgress): void;
  preflight(progress: PreflightProgress): void;
};

/** The ports and settings of the load service. */
export type LoadServiceOptions = {
  db: SqliteDatabase;
  /** The connected client of an org profile, with its API version. */
  connections: QueryConnections;
  emit: LoadEmitter;
  clock: Clock;
  /** Browser mode's upload folder (`<userData>/uploads`): an upload's file is `<uploadsDir>/<uploadId>`. */
  uploadsDir: string;
  /** Who this service is, to tell its loads from those another live process runs on the same database (tests replace it). */
  owner?: LoadOwner | undefined;
  /** The loads' private work folders (`<userData>/loads`), and where an upload's result files go by default. */
  loadsDir: string;
  /**
   * Whether the service removes the uploads nothing references when it starts and when it is disposed (default true;
   * `orgdesk load` says false, since the app may be holding an upload open in the same folder).
   */
  sweepUploads?: boolean | undefined;
  /** Electron's open dialog for a CSV file; browser mode has none (`load:choose-file` answers VALIDATION). */
  pickCsvFile?: (() => Promise<string | null>) | undefined;
  /** Job polling: first and longest wait (default 500 ms, 5 s). */
  poll?: { initialMs: number; maxMs: number } | undefined;
  /** At most this many rows per job, besides the byte bound (tests make many jobs from a small file). */
  maxJobRows?: number | undefined;
  /** How often `load:progress` is pushed while a load runs (default 500 ms). */
  progressIntervalMs?: number | undefined;
};

/** What a long read of the file (opening it, pre-flight) can be given: a signal that stops it where it is. */
export type LoadReadOptions = { signal?: AbortSignal | undefined };

/** The engine behind the `load:*` channels: open, map, pre-flight, capacity, start, cancel, resume, history. */
export interface LoadService {
  /** Reads a file once, streaming, and keeps a handle on it. */
  open(file: LoadFileRef, name?: string, encoding?: CsvEncoding, readOptions?: LoadReadOptions): Promise<LoadFileInfo>;
  /** Forgets an opened file (removing it when it was an upload no load still reads). */
  close(fileId: string): Promise<{ closed: boolean }>;
  /** Electron's open dialog. */
  chooseFile(): Promise<{ file: LoadFileRef | null }>;
  /** The object's fields for mapping and pre-flight. */
  object(orgId: string, objectName: string, refresh?: boolean): Promise<LoadObject>;
  /** The saved mapping for these headers, or the automatic one. */
  suggestMapping(orgId: string, fileId: string, objectName: string, operation: LoadOperation): Promise<{ mappings: FieldMapping[]; unmappedColumns: string[]; fromSaved: boolean }>;
  /** Pre-flight of the whole file, before any API call. */
  validate(orgId: string, fileId: string, plan: LoadPlan, readOptions?: LoadReadOptions): Promise<PreflightReport>;
  /** What the load needs against `/limits`. */
  capacity(orgId: string, fileId: string, plan: LoadPlan, options: LoadOptions): Promise<LoadCapacity>;
  /** Starts a journaled load; progress on `load:progress`. */
  start(orgId: string, fileId: string, plan: LoadPlan, options: LoadOptions): Promise<{ loadId: string }>;
  /** Aborts a load's jobs and answers what was committed. */
  cancel(loadId: string): Promise<LoadSummary>;
  /** Resumes an interrupted load (refused when the source changed). */
  resume(loadId: string): Promise<{ loadId: string }>;
  /** Opens a load's failure file as a new file, with the load's plan. */
  retryFailed(loadId: string): Promise<{ file: LoadFileInfo; plan: LoadPlan }>;
  /** Past and unfinished loads, newest first. */
  history(limit: number): LoadSummary[];
  /** One load. */
  get(loadId: string): LoadSummary;
  /** Resolves with a load's summary once it stops running (tests, the CLI). */
  settled(loadId: string): Promise<LoadSummary>;
  /** Stops every running load where it is (the journal keeps it; the next start shows it interrupted). */
  dispose(): Promise<void>;
}

type OpenFile = { info: LoadFileInfo; shape: CsvShape; upload: boolean };

type RunningLoad = {
  controller: AbortController;
  cancelRequested: boolean;
  disposing: boolean;
  done: Promise<void>;
  startedAtMs: number;
  rowsRead: number;
  samples: { at: number; processed: number }[];
  lastStates: string;
  /** The latest wait for a busy org (told by the client), shown until it ends; and the function that stops listening. */
  busy: LoadBusyWait | null;
  stopBusy: () => void;
};

const UPLOAD_ID = /^[0-9a-f]{32}$/;
const DEFAULT_JOB_BYTES = 100_000_000;

/** What the journal keeps of a CSV shape: everything but the preview rows. */
function shapeForJournal(shape: CsvShape): Record<string, unknown> {
  const { preview: _preview, ...rest } = shape;
  return rest;
}

function toLoadError(error: unknown): LoadError {
  const app = toAppError(error);
  return app.hint === undefined ? { code: app.code, message: app.message } : { code: app.code, message: app.message, hint: app.hint };
}

function jobSummary(job: JournalJob): LoadJobSummary {
  const summary: LoadJobSummary = { jobId: job.jobId, state: job.state, firstRow: job.firstRow, lastRow: job.lastRow, rows: job.rows, processed: job.processed, failed: job.failed };
  if (job.errorMessage !== null) summary.errorMessage = job.errorMessage;
  return summary;
}

/** Live counts from the journal while a load runs; the final ones once its files are written. */
function countsOf(load: JournalLoad, jobs: JournalJob[]): LoadCounts {
  if (load.counts !== null) return load.counts;
  let uploaded = 0;
  let processed = 0;
  let failed = 0;
  for (const job of jobs) {
    if (job.closed) uploaded += job.rows;
    processed += job.processed;
    failed += job.failed;
  }
  return { input: load.source.rowCount, excluded: load.excludedRows, uploaded, processed, success: processed - failed, failed, unprocessed: 0 };
}

/** The key of a pre-flight answer: the file, the org (its describe) and a hash of the plan. */
function preflightKey(fileId: string, orgId: string, plan: LoadPlan): string {
  return `${fileId}\n${orgId}\n${createHash('sha256').update(JSON.stringify(plan)).digest('hex')}`;
}

/** Hashes a file's bytes (SHA-256, hex), streaming. */
async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(path), hash);
  } catch (error) {
    throw new ServiceError('FILE', `The source file ${path} cannot be read.`, 'Put the file back where it was, then resume the load.', { cause: error });
  }
  return hash.digest('hex');
}

/** Builds the load service over the local database, the org connections and the file system. */
export function createLoadService(options: LoadServiceOptions): LoadService {
  const { db, connections, emit, clock } = options;
  const journal = createLoadJournal(db);
  const mappings = createMappingStore(db);
  const files = new Map<string, OpenFile>();
  const objects = new Map<string, Promise<LoadObject>>();
  const running = new Map<string, RunningLoad>();
  // Pre-flight answers by file, org and plan, so a start right after a check does not read the whole file again.
  const preflights = new Map<string, { fileId: string; invalidRows: number }>();
  const owner = options.owner ?? createLoadOwner();
  // Only loads whose process is gone are interrupted: another live process (the app, `orgdesk load`) keeps its own.
  const reclaimOrphans = (): void => {
    journal.markInterrupted((token) => owner.isAlive(token));
  };
  reclaimOrphans();

  // An upload `load:open` refused stays while the app runs (the renderer offers to read it again as Windows-1252), but
  // not past it: uploads no open file and no unfinished load references go when the service starts and when it stops.
  const sweepUploads = async (): Promise<void> => {
    if (options.sweepUploads === false) return;
    const dir = resolve(options.uploadsDir);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    const referenced = new Set([...[...files.values()].map((file) => file.info.path), ...journal.sourcesInUse()].map((path) => resolve(path)));
    for (const name of names) {
      const path = join(dir, name);
      if (UPLOAD_ID.test(name) && !referenced.has(path)) await unlink(path).catch(() => undefined);
    }
  };
  const startSweep = sweepUploads();

  const fileOf = (fileId: string): OpenFile => {
    const file = files.get(fileId);
    if (file === undefined) throw new ServiceError('NOT_FOUND', 'That file is no longer open.', 'Drop or choose the file again.');
    return file;
  };

  const loadOf = (loadId: string): JournalLoad => {
    const load = journal.get(loadId);
    if (load === null) throw new ServiceError('NOT_FOUND', `There is no load ${loadId}.`, 'Pick a load from the history.');
    return load;
  };

  const objectFor = (orgId: string, objectName: string, refresh = false): Promise<LoadObject> => {
    const key = `${orgId}\n${objectName.toLowerCase()}`;
    const cached = objects.get(key);
    if (cached !== undefined && !refresh) return cached;
    const fetched = (async () => {
      const connection = await connections.connectionFor(orgId);
      return toLoadObject(await createRestApi(connection.client, connection.apiVersion).describe(objectName));
    })();
    objects.set(key, fetched);
    fetched.catch(() => objects.delete(key));
    return fetched;
  };

  const summaryOf = (load: JournalLoad): LoadSummary => {
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
    return summary;
  };

  /** A load's progress; `run` is given for the last push, once the load has left `running`, so its figures stay. */
  const progressOf = (loadId: string, run = running.get(loadId)): LoadProgress => {
    const load = loadOf(loadId);
    const jobs = journal.jobs(loadId);
    const counts = countsOf(load, jobs);
    const now = clock.now();
    let rowsPerSecond = 0;
    if (run !== undefined) {
      run.samples.push({ at: now, processed: counts.processed });
      while (run.samples.length > 12) run.samples.shift();
      const first = run.samples[0];
      if (first !== undefined && now > first.at) rowsPerSecond = Math.max(0, ((counts.processed - first.processed) * 1000) / (now - first.at));
    }
    const left = counts.input - counts.excluded - counts.processed;
    const progress: LoadProgress = {
      loadId,
      state: load.state,
      counts,
      jobs: jobs.map(jobSummary),
      rowsPerSecond: Math.round(rowsPerSecond),
      etaMs: rowsPerSecond > 0 && load.counts === null ? Math.round((left / rowsPerSecond) * 1000) : null,
      elapsedMs: run === undefined ? 0 : now - run.startedAtMs,
    };
    if (load.error !== null) progress.error = load.error;
    if (run !== undefined && run.busy !== null && Date.parse(run.busy.until) >= now && load.state !== 'interrupted') progress.busy = run.busy;
    return progress;
  };

  const push = (loadId: string, run?: RunningLoad): void => {
    try {
      emit.progress(progressOf(loadId, run));
    } catch {
      // A listener's failure must not stop the load.
    }
  };

  const resultPaths = (load: { fileName: string; sourcePath: string; upload: boolean; outputDir: string | undefined }, loadId: string): JournalLoad['files'] => {
    const folder = load.outputDir ?? (load.upload ? join(options.loadsDir, 'results') : dirname(load.sourcePath));
    const base = basename(load.fileName, extname(load.fileName)) || 'load';
    const stamp = loadId.slice(0, 8);
    const file = (kind: string): string => join(folder, `${base}.${stamp}.${kind}.csv`);
    return { success: file('success'), failure: file('failure'), unprocessed: file('unprocessed'), excluded: file('excluded') };
  };

  /** Runs (or settles, for a cancel) a journaled load until it ends or stops; every outcome is in the journal. */
  const execute = async (loadId: string, run: RunningLoad, mode: 'run' | 'settle'): Promise<void> => {
    const load = loadOf(loadId);
    const shape = load.source.shape as unknown as CsvShape;
    const connection = await connections.connectionFor(load.orgId);
    run.stopBusy = connection.client.onBusyWait((wait) => {
      run.busy = { limit: wait.limit, retry: wait.retry, of: wait.of, delayMs: wait.delayMs, until: new Date(clock.now() + wait.delayMs).toISOString() };
      push(loadId);
    });
    const ingest: IngestClient = createIngestClient({ client: connection.client, apiVersion: connection.apiVersion, clock, poll: options.poll });
    const object = await objectFor(load.orgId, load.plan.objectName);
    const validator = createRowValidator({ plan: load.plan, object, headers: shape.headers });
    const jobCtx: JobContext = {
      loadId,
      ingest,
      journal,
      clock,
      workDir: load.workDir,
      spec: { object: load.plan.objectName, operation: load.plan.operation, externalIdFieldName: load.plan.externalIdField },
      outputHeaders: validator.outputHeaders,
      signal: run.controller.signal,
      onChange: () => {
        const states = journal.jobs(loadId).map((job) => job.state).join();
        if (states !== run.lastStates) {
          run.lastStates = states;
          push(loadId);
        }
      },
    };
    let failure: unknown = null;
    let planFailure: unknown = null;
    let outcomes: JobOutcome[] = [];
    if (mode === 'run') {
      journal.update(loadId, { state: load.planningDone ? 'running' : 'preparing', error: null });
      push(loadId);
      const queue = createJobQueue();
      const existing = journal.jobs(loadId);
      for (const job of existing) queue.push(job);
      const workers = runWorkers(queue, load.options.concurrency ?? 2, (job) => runJob(jobCtx, job), run.controller);
      // Awaited below, once planning ends; until then a rejection is expected and must not count as unhandled.
      workers.catch(() => undefined);
      if (!load.planningDone) {
        try {
          const outcome = await planJobs({
            records: readCsvRecords(load.source.path, shape, { signal: run.controller.signal }),
            validator,
            headers: shape.headers,
            workDir: load.workDir,
            maxJobBytes: load.options.maxJobBytes ?? DEFAULT_JOB_BYTES,
            maxJobRows: options.maxJobRows,
            nextSeq: (existing.at(-1)?.seq ?? 0) + 1,
            plannedThrough: load.plannedThrough,
            excludedPath: load.files.excluded ?? join(load.workDir, 'excluded.csv'),
            signal: run.controller.signal,
            onRows: (rows) => {
              run.rowsRead = rows;
            },
            onJob: (planned, plannedThrough, excludedRows) => {
              const job: JournalJob = {
                loadId,
                seq: planned.seq,
                jobId: null,
                state: 'Pending',
                closed: false,
                firstRow: planned.firstRow,
                lastRow: planned.lastRow,
                rows: planned.rows,
                bytes: planned.bytes,
                processed: 0,
                failed: 0,
                errorMessage: null,
                attempts: 0,
                resultsDone: false,
                resultCounts: null,
              };
              journal.addJob(job, plannedThrough, excludedRows);
              if (planned.seq === 1) journal.update(loadId, { state: 'running' });
              if (!run.controller.signal.aborted) queue.push(job);
              push(loadId);
            },
          });
          journal.update(loadId, { planningDone: true, plannedThrough: outcome.lastRowRead, excludedRows: outcome.excludedRows, state: 'running' });
        } catch (error) {
          // When the signal was already aborted (a cancel, a dispose, a job's failure) planning only stopped: not its fault.
          if (!run.controller.signal.aborted) {
            planFailure = error;
            run.controller.abort(error);
          }
        }
      }
      queue.end();
      try {
        outcomes = await workers;
      } catch (error) {
        failure = error;
      }
    }
    if (run.disposing) return;
    const cancelled = run.cancelRequested || mode === 'settle';
    if (cancelled) planFailure = null;
    if (!cancelled && planFailure === null && failure !== null) {
      // The org or the network stopped answering: the journal holds everything, so the load can be resumed later.
      journal.update(loadId, { state: 'interrupted', error: toLoadError(failure) });
      push(loadId);
      return;
    }
    const settleCtx = { ...jobCtx, signal: undefined };
    const settled: JobOutcome[] = [];
    for (const job of journal.jobs(loadId)) {
      if (job.resultsDone && mode === 'run' && !cancelled) continue;
      settled.push(await settleCancelledJob(settleCtx, job));
    }
    if (cancelled || planFailure !== null) outcomes = settled;
    else outcomes.push(...settled);
    await finish(loadId, cancelled ? 'cancelled' : 'run', outcomes, planFailure);
  };

  /** Writes the load's result files from its jobs' parts and records counts that add up to the input. */
  const finish = async (loadId: string, how: 'run' | 'cancelled', outcomes: JobOutcome[], planFailure: unknown): Promise<void> => {
    const load = loadOf(loadId);
    const shape = load.source.shape as unknown as CsvShape;
    const jobs = journal.jobs(loadId);
    const tail = !load.planningDone;
    let tailRows = 0;
    if (tail) {
      if (load.files.excluded !== null) await trimExcluded(load.files.excluded, load.plannedThrough);
      tailRows = await writeTailUnprocessed(load.workDir, readCsvRecords(load.source.path, shape, { fromRow: load.plannedThrough + 1 }), load.plannedThrough);
    }
    await assembleResultFiles({ workDir: load.workDir, seqs: jobs.map((job) => job.seq), tail, headers: shape.headers, files: load.files });
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
    const counts: LoadCounts = { input: load.source.rowCount, excluded: load.excludedRows, uploaded, processed: success + failed, success, failed, unprocessed };
    let resultFiles = load.files;
    if (load.excludedRows === 0 && resultFiles.excluded !== null) {
      await unlink(resultFiles.excluded).catch(() => undefined);
      resultFiles = { ...resultFiles, excluded: null };
    }
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
    const state = how === 'cancelled' ? 'cancelled' : error !== null ? 'failed' : 'done';
    journal.update(loadId, { state, counts, files: resultFiles, error, endedAt: new Date(clock.now()).toISOString() });
    push(loadId);
    await rm(load.workDir, { recursive: true, force: true }).catch(() => undefined);
    if (load.source.path.startsWith(resolve(options.uploadsDir)) && ![...files.values()].some((file) => file.info.path === load.source.path)) {
      await unlink(load.source.path).catch(() => undefined);
    }
  };

  /** Starts executing a journaled load in the background. */
  const launch = (loadId: string, mode: 'run' | 'settle'): RunningLoad => {
    const run: RunningLoad = {
      controller: new AbortController(),
      cancelRequested: false,
      disposing: false,
      done: Promise.resolve(),
      startedAtMs: clock.now(),
      rowsRead: 0,
      samples: [],
      lastStates: '',
      busy: null,
      stopBusy: () => undefined,
    };
    running.set(loadId, run);
    const timer = setInterval(() => push(loadId), options.progressIntervalMs ?? 500);
    timer.unref();
    run.done = execute(loadId, run, mode)
      .catch((error: unknown) => {
        if (run.disposing) return;
        journal.update(loadId, { state: 'interrupted', error: toLoadError(error) });
      })
      .finally(() => {
        run.stopBusy();
        clearInterval(timer);
        running.delete(loadId);
        if (!run.disposing) push(loadId, run);
      });
    return run;
  };

  const openPath = async (path: string, name: string, upload: boolean, encoding?: CsvEncoding, signal?: AbortSignal): Promise<LoadFileInfo> => {
    // The scanner opens about 5x faster than csv-parse and agrees with it on every bad-file case and a fuzz test
    // (csv-scanner.test.ts), so a 1M-row file is ready in seconds; csv-parse stays the reference the scanner is held to.
    const shape = await inspectCsvFile(path, encoding === undefined ? { reader: 'scanner', signal } : { reader: 'scanner', encoding, signal });
    const fileId = randomUUID();
    const info: LoadFileInfo = { fileId, name, path, ...shape };
    files.set(fileId, { info, shape, upload });
    return info;
  };

  return {
    async open(file, name, encoding, readOptions) {
      const signal = readOptions?.signal;
      if (file.kind === 'upload') {
        if (!UPLOAD_ID.test(file.uploadId)) throw new ServiceError('VALIDATION', 'That upload id is not one OrgDesk made.', 'Drop the file again.');
        const path = join(options.uploadsDir, file.uploadId);
        return openPath(path, name ?? 'upload.csv', true, encoding, signal);
      }
      const path = resolve(file.path);
      return openPath(path, name ?? basename(path), false, encoding, signal);
    },
    async close(fileId) {
      const file = files.get(fileId);
      if (file === undefined) return { closed: false };
      files.delete(fileId);
      for (const [key, answer] of preflights) if (answer.fileId === fileId) preflights.delete(key);
      const inUse = [...running.keys()].some((loadId) => journal.get(loadId)?.source.path === file.info.path);
      if (file.upload && !inUse) await unlink(file.info.path).catch(() => undefined);
      return { closed: true };
    },
    async chooseFile() {
      if (options.pickCsvFile === undefined) {
        throw new ServiceError('VALIDATION', 'This window cannot open a file dialog.', 'Drop the CSV file on the Load area instead.');
      }
      const path = await options.pickCsvFile();
      return { file: path === null ? null : { kind: 'path', path } };
    },
    object: (orgId, objectName, refresh) => objectFor(orgId, objectName, refresh === true),
    async suggestMapping(orgId, fileId, objectName, operation) {
      const file = fileOf(fileId);
      const object = await objectFor(orgId, objectName);
      const saved = mappings.find(object.name, file.info.headers);
      if (saved !== null) {
        const used = new Set(saved.mappings.flatMap((m) => (m.source === 'column' ? [m.column] : [])));
        return { mappings: saved.mappings, unmappedColumns: file.info.headers.filter((h) => !used.has(h)), fromSaved: true };
      }
      return { ...suggestMapping(file.info.headers, object, operation), fromSaved: false };
    },
    async validate(orgId, fileId, plan, readOptions) {
      const file = fileOf(fileId);
      const object = await objectFor(orgId, plan.objectName);
      const report = await runPreflight({
        path: file.info.path,
        shape: file.shape,
        plan,
        object,
        signal: readOptions?.signal,
        onProgress: (rowsChecked: number) => emit.preflight({ fileId, rowsChecked, rowCount: file.info.rowCount }),
      });
      preflights.set(preflightKey(fileId, orgId, plan), { fileId, invalidRows: report.invalidRows });
      const { invalidRowNumbers: _invalid, ...rest } = report;
      return rest;
    },
    async capacity(orgId, fileId, _plan, loadOptions) {
      const file = fileOf(fileId);
      const connection = await connections.connectionFor(orgId);
      const limits = await createRestApi(connection.client, connection.apiVersion).limits();
      return loadCapacity({ sizeBytes: file.info.sizeBytes, rowCount: file.info.rowCount, maxJobBytes: loadOptions.maxJobBytes ?? DEFAULT_JOB_BYTES }, limits);
    },
    async start(orgId, fileId, plan, loadOptions) {
      const file = fileOf(fileId);
      if (plan.operation === 'upsert' && plan.externalIdField === undefined) {
        throw new ServiceError('VALIDATION', 'An upsert needs an external id field.', 'Pick the external id field that matches rows to records.');
      }
      const connection = await connections.connectionFor(orgId);
      const object = await objectFor(orgId, plan.objectName);
      const limits = await createRestApi(connection.client, connection.apiVersion).limits();
      assertCapacity(loadCapacity({ sizeBytes: file.info.sizeBytes, rowCount: file.info.rowCount, maxJobBytes: loadOptions.maxJobBytes ?? DEFAULT_JOB_BYTES }, limits));
      if (!loadOptions.excludeInvalid) {
        // The planner checks every row again while it splits the file, so a reused answer never lets an invalid row through.
        const invalidRows = preflights.get(preflightKey(fileId, orgId, plan))?.invalidRows ?? (await runPreflight({ path: file.info.path, shape: file.shape, plan, object })).invalidRows;
        if (invalidRows > 0) {
          throw new ServiceError('VALIDATION', `Pre-flight found ${invalidRows} invalid rows, so nothing was sent.`, 'Fix them and check again, or choose "Load anyway" to exclude them into their own file.');
        }
      }
      const loadId = randomUUID();
      const workDir = join(options.loadsDir, loadId);
      const resultFiles = resultPaths({ fileName: file.info.name, sourcePath: file.info.path, upload: file.upload, outputDir: loadOptions.outputDir }, loadId);
      const folder = dirname(resultFiles.success);
      try {
        await mkdir(workDir, { recursive: true });
        await mkdir(folder, { recursive: true });
        await access(folder, constants.W_OK);
      } catch (error) {
        throw new ServiceError('FILE', `OrgDesk cannot write the result files into ${folder}.`, 'Pick a writable folder for the results, then start the load again.', { cause: error });
      }
      mappings.save(object.name, file.info.headers, plan.mappings);
      journal.create({
        id: loadId,
        orgId,
        source: { path: file.info.path, fileName: file.info.name, sha256: file.info.sha256, shape: shapeForJournal(file.shape), rowCount: file.info.rowCount },
        plan,
        options: loadOptions,
        state: 'preparing',
        workDir,
        files: resultFiles,
        excludedRows: 0,
        plannedThrough: 0,
        planningDone: false,
        counts: null,
        error: null,
        startedAt: new Date(clock.now()).toISOString(),
        endedAt: null,
      });
      journal.claim(loadId, owner.token);
      launch(loadId, 'run');
      return { loadId };
    },
    async cancel(loadId) {
      const load = loadOf(loadId);
      const run = running.get(loadId);
      if (run !== undefined) {
        run.cancelRequested = true;
        run.controller.abort(new ServiceError('CANCELLED', 'The load was cancelled.'));
        await run.done;
      } else if (load.state === 'interrupted') {
        await launch(loadId, 'settle').done;
      } else {
        throw new ServiceError('VALIDATION', `The load is ${load.state}: there is nothing to cancel.`, 'Its result files are listed in the history.');
      }
      return summaryOf(loadOf(loadId));
    },
    async resume(loadId) {
      reclaimOrphans();
      const load = loadOf(loadId);
      if (running.has(loadId) || load.state !== 'interrupted') {
        throw new ServiceError('VALIDATION', `The load is ${running.has(loadId) ? 'running' : load.state}: only an interrupted load can be resumed.`, 'Pick an interrupted load from the history.');
      }
      const sha256 = await sha256Of(load.source.path);
      if (sha256 !== load.source.sha256) {
        throw new ServiceError(
          'VALIDATION',
          `The source file ${load.source.path} changed since the load started, so it cannot be resumed.`,
          'Put the original file back, or cancel this load (its committed rows are kept) and start a new one with the changed file.',
        );
      }
      await mkdir(load.workDir, { recursive: true });
      if (!journal.claimInterrupted(loadId, owner.token)) {
        throw new ServiceError('VALIDATION', 'Another OrgDesk window or command has just resumed this load.', 'Follow it there; it is not sent twice.');
      }
      launch(loadId, 'run');
      return { loadId };
    },
    async retryFailed(loadId) {
      const load = loadOf(loadId);
      if (load.counts === null || load.counts.failed === 0) {
        throw new ServiceError('VALIDATION', 'This load has no failed rows to retry.', 'Retry is offered once a load has ended with failures.');
      }
      const name = basename(load.files.failure);
      const file = await openPath(load.files.failure, name, false);
      return { file, plan: load.plan };
    },
    history: (limit) => {
      reclaimOrphans();
      return journal.list(limit).map(summaryOf);
    },
    get: (loadId) => summaryOf(loadOf(loadId)),
    async settled(loadId) {
      await running.get(loadId)?.done;
      return summaryOf(loadOf(loadId));
    },
    async dispose() {
      const runs = [...running.values()];
      for (const run of runs) {
        run.disposing = true;
        run.controller.abort(new ServiceError('CANCELLED', 'OrgDesk is closing.'));
      }
      await Promise.all(runs.map((run) => run.done.catch(() => undefined)));
      await startSweep;
      await sweepUploads();
    },
  };
}

