import { rm, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LoadBusyWait, LoadProgress, PreflightProgress } from '../../shared/ipc/domains/load';
import { createIngestClient, type Clock, type IngestClient } from '../salesforce';
import type { QueryConnections } from '../query/ports';
import { readCsvRecords, type CsvShape } from './csv-source';
import { planJobs } from './job-planner';
import { runJob, runWorkers, settleCancelledJob, type JobContext, type JobOutcome } from './job-runner';
import { DEFAULT_JOB_BYTES } from './load-capacity';
import { loadOf, settledCounts, settledError, toLoadError } from './load-accounting';
import type { ObjectCache } from './load-caches';
import type { LoadJournal } from './load-journal';
import { createLaneQueue, laneSplit } from './lock-groups';
import { dropRetriedRows, keptOutcomes, withoutRetried } from './retry-accounting';
import { pendingJob, runRetries } from './retry-jobs';
import { progressOf, type Throughput } from './load-throughput';
import { assembleResultFiles, trimExcluded, writeTailUnprocessed } from './result-files';
import { createRowValidator } from './row-validator';
import { beforeImageHook } from './before-image';

/** Where the load service pushes its events (the composition root forwards them to the event hub). */
export type LoadEmitter = {
  progress(progress: LoadProgress): void;
  preflight(progress: PreflightProgress): void;
};

/** A load this process is executing: how to stop it, why it stops, and its speed samples. */
type RunningLoad = Throughput & {
  controller: AbortController;
  cancelRequested: boolean;
  disposing: boolean;
  done: Promise<void>;
  rowsRead: number;
  lastStates: string;
  /** The latest wait for a busy org (told by the client), shown until it ends; and the function that stops listening. */
  busy: LoadBusyWait | null;
  busyUntold: boolean;
  stopBusy: () => void;
};

/** What executing loads needs: the journal, the orgs, the describe cache, where progress goes, and the service's settings. */
export type LoadRunsOptions = {
  journal: LoadJournal;
  connections: QueryConnections;
  objectFor: ObjectCache;
  emit: LoadEmitter;
  clock: Clock;
  uploadsDir: string;
  /** Whether an open file is this path (an upload still open is not removed when its load ends). */
  isOpen: (path: string) => boolean;
  poll?: { initialMs: number; maxMs: number } | undefined;
  maxJobRows?: number | undefined;
  progressIntervalMs?: number | undefined;
};

/** The loads this process executes, by load id. */
export type LoadRuns = {
  /** The loads running now. */
  running: Map<string, RunningLoad>;
  /** Starts executing a journaled load in the background: `run` sends it, `settle` ends a cancelled one. */
  launch: (loadId: string, mode: 'run' | 'settle') => RunningLoad;
};

/** Builds the executor of journaled loads: plans jobs from the file, runs them, settles, writes the result files. */
export function createLoadRuns(options: LoadRunsOptions): LoadRuns {
  const { journal, connections, objectFor, emit, clock } = options;
  const running = new Map<string, RunningLoad>();

  /** Pushes a load's progress; `run` is given for the last push, once the load has left `running`, so its figures stay. */
  const push = (loadId: string, run = running.get(loadId)): void => {
    try {
      emit.progress(progressOf(journal, clock, loadId, run));
    } catch {
      // A listener's failure must not stop the load.
    }
  };

  /** Runs (or settles, for a cancel) a journaled load until it ends or stops; every outcome is in the journal. */
  const execute = async (loadId: string, run: RunningLoad, mode: 'run' | 'settle'): Promise<void> => {
    const load = loadOf(journal, loadId);
    const shape = load.source.shape as unknown as CsvShape;
    const connection = await connections.connectionFor(load.orgId);
    run.stopBusy = connection.client.onBusyWait((wait) => {
      run.busy = { limit: wait.limit, retry: wait.retry, of: wait.of, delayMs: wait.delayMs, until: new Date(clock.now() + wait.delayMs).toISOString() };
      run.busyUntold = true;
      push(loadId);
    });
    const ingest: IngestClient = createIngestClient({ client: connection.client, apiVersion: connection.apiVersion, clock, poll: options.poll });
    // A resume checks and splits the rest of the file by the describe the load started with, never a fresh one.
    const object = load.object ?? (await objectFor(load.orgId, load.plan.objectName));
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
      beforeUpload: beforeImageHook(load, object, { client: connection.client, apiVersion: connection.apiVersion, clock, poll: options.poll }),
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
      const concurrency = load.options.concurrency ?? 2;
      const queue = createLaneQueue();
      const existing = journal.jobs(loadId);
      // Follow-up jobs run after the planned ones, one at a time (runRetries), never beside them.
      for (const job of existing) if (job.retry === null || job.retry === undefined) queue.push(job);
      const workers = runWorkers(queue, concurrency, (job) => runJob(jobCtx, job).finally(() => queue.release(job)), run.controller);
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
            lanes: laneSplit(object, validator.outputHeaders, concurrency, load.options.groupByParent !== false),
            onRows: (rows) => {
              run.rowsRead = rows;
            },
            onJobs: (planned, plannedThrough, excludedRows) => {
              const jobs = planned.map((one) => pendingJob(loadId, one));
              journal.addJobs(jobs, { plannedThrough, excludedRows });
              if (planned.some((one) => one.seq === 1)) journal.update(loadId, { state: 'running' });
              if (!run.controller.signal.aborted) for (const job of jobs) queue.push(job);
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
        if (planFailure === null && !run.controller.signal.aborted) {
          const retryCtx = { loadId, journal, workDir: load.workDir, outputHeaders: validator.outputHeaders, maxJobBytes: load.options.maxJobBytes ?? DEFAULT_JOB_BYTES, maxJobRows: options.maxJobRows };
          outcomes.push(...(await runRetries({ ...retryCtx, signal: run.controller.signal, run: (job) => runJob(jobCtx, job) })));
        }
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
    const load = loadOf(journal, loadId);
    const shape = load.source.shape as unknown as CsvShape;
    const jobs = journal.jobs(loadId);
    const tail = !load.planningDone;
    let tailRows = 0;
    if (tail) {
      if (load.files.excluded !== null) await trimExcluded(load.files.excluded, load.plannedThrough);
      tailRows = await writeTailUnprocessed(load.workDir, readCsvRecords(load.source.path, shape, { fromRow: load.plannedThrough + 1 }), load.plannedThrough);
    }
    await dropRetriedRows(load.workDir, jobs);
    await assembleResultFiles({ workDir: load.workDir, seqs: jobs.map((job) => job.seq), tail, headers: shape.headers, files: load.files });
    const counts = withoutRetried(settledCounts(load, jobs, tailRows), jobs);
    let resultFiles = load.files;
    if (load.excludedRows === 0 && resultFiles.excluded !== null) {
      await unlink(resultFiles.excluded).catch(() => undefined);
      resultFiles = { ...resultFiles, excluded: null };
    }
    const error = settledError(counts, keptOutcomes(outcomes, jobs), planFailure);
    // A cancel that came after every row was already committed or refused left nothing undone: the load is done.
    const state = how === 'cancelled' && counts.unprocessed > 0 ? 'cancelled' : error !== null ? 'failed' : 'done';
    journal.update(loadId, { state, counts, files: resultFiles, error, endedAt: new Date(clock.now()).toISOString() });
    push(loadId);
    await rm(load.workDir, { recursive: true, force: true }).catch(() => undefined);
    if (load.source.path.startsWith(resolve(options.uploadsDir)) && !options.isOpen(load.source.path)) {
      await unlink(load.source.path).catch(() => undefined);
    }
  };

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
      busyUntold: false,
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

  return { running, launch };
}
