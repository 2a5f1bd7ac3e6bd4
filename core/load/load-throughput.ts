import type { LoadBusyWait, LoadProgress } from '../../shared/ipc/domains/load';
import type { Clock } from '../salesforce';
import { countsOf, jobSummary, loadOf } from './load-accounting';
import type { LoadJournal } from './load-journal';

/** What a running load remembers to tell its speed: when it started, and the last dozen (time, processed rows) samples. */
export type Throughput = {
  startedAtMs: number;
  samples: { at: number; processed: number }[];
  /** The latest wait for a busy org (told by the client), shown until it ends. */
  busy?: LoadBusyWait | null;
  /** Set as a wait starts, so the next push tells it even when it is already over (a wait of 0 s). */
  busyUntold?: boolean;
};

/** Samples kept for the rows-per-second figure (one per push, so about six seconds at the default interval). */
const SAMPLES = 12;

/**
 * A load's progress, with rows per second over the last samples and the time left at that pace; `run` is given while the
 * load runs and for the last push, once it has left `running`, so its figures stay.
 */
export function progressOf(journal: LoadJournal, clock: Clock, loadId: string, run: Throughput | undefined): LoadProgress {
  const load = loadOf(journal, loadId);
  const jobs = journal.jobs(loadId);
  const counts = countsOf(load, jobs);
  const now = clock.now();
  let rowsPerSecond = 0;
  if (run !== undefined) {
    run.samples.push({ at: now, processed: counts.processed });
    while (run.samples.length > SAMPLES) run.samples.shift();
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
  // Every wait is pushed once as it starts, then shown until it ends.
  if (run?.busy != null && (run.busyUntold === true || Date.parse(run.busy.until) > now) && load.state !== 'interrupted') progress.busy = run.busy;
  if (run !== undefined) run.busyUntold = false;
  return progress;
}
