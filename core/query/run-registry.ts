import { ServiceError } from '../errors';
import type { QueryRun } from './query-run';

/** The runs main holds, by id: looked up by the result calls, forgotten by the memory policy or with their window. */
export interface RunRegistry {
  /** Adds a run; when `signal` aborts (its window or tab is gone) the run is cancelled and dropped. */
  add(run: QueryRun, signal: AbortSignal | undefined): void;
  /** The run, or undefined. */
  get(runId: string): QueryRun | undefined;
  /** The run, or a NOT_FOUND ServiceError a person can read. */
  named(runId: string): QueryRun;
  /** Drops the oldest finished runs past the budget (called as each run settles). */
  forgetOld(): void;
  /** Cancels every run, waits for them, and removes their files. */
  dispose(): Promise<void>;
}

/** Creates the run registry with its memory budget. */
export function createRunRegistry(options: { keepRuns: number; keepRows: number }): RunRegistry {
  const runs = new Map<string, QueryRun>();
  const drop = (run: QueryRun): void => {
    runs.delete(run.id);
    run.detach();
    release(run);
  };
  return {
    add(run, signal) {
      runs.set(run.id, run);
      if (signal === undefined) return;
      // The window or tab that asked is gone: stop fetching and drop the rows (nobody is left to read them).
      const onAbort = (): void => {
        run.controller.abort();
        void run.done.then(() => {
          if (runs.get(run.id) === run) drop(run);
        });
      };
      signal.addEventListener('abort', onAbort, { once: true });
      run.detach = () => signal.removeEventListener('abort', onAbort);
    },
    get: (runId) => runs.get(runId),
    named(runId) {
      const run = runs.get(runId);
      if (run === undefined) {
        throw new ServiceError('NOT_FOUND', 'This query result is no longer in memory.', 'Run the query again (OrgDesk keeps the latest few results).');
      }
      return run;
    },
    forgetOld() {
      for (const run of runsToForget([...runs.values()], options.keepRuns, options.keepRows)) drop(run);
    },
    async dispose() {
      for (const run of runs.values()) run.controller.abort();
      await Promise.all([...runs.values()].map((r) => r.done));
      for (const run of [...runs.values()]) drop(run);
    },
  };
}

/** Frees a run's rows (a result on disk deletes its file). */
function release(run: QueryRun): void {
  run.store.close();
}

/**
 * The finished runs to drop, oldest first, so that at most `keepRuns` finished results stay and the results in memory
 * hold at most `keepRows` rows (rows on disk cost main nothing). The newest finished result always stays: it is the one
 * on screen.
 */
function runsToForget(runs: readonly QueryRun[], keepRuns: number, keepRows: number): QueryRun[] {
  const inMemory = (run: QueryRun): number => (run.store.onDisk ? 0 : run.store.size);
  const finished = runs.filter((r) => r.state !== 'running');
  let rows = runs.reduce((n, r) => n + inMemory(r), 0);
  const out: QueryRun[] = [];
  for (const [index, run] of finished.slice(0, -1).entries()) {
    if (finished.length - index <= keepRuns && rows <= keepRows) break;
    rows -= inMemory(run);
    out.push(run);
  }
  return out;
}
