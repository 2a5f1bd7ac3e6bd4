import { Presets, SingleBar } from 'cli-progress';
import type { LoadBusyWait, LoadProgress } from '../../shared/ipc/domains/load';

/** A running load told to a person on stderr. */
export interface LoadProgressView {
  /** The latest `load:progress` of the load. */
  update(progress: LoadProgress): void;
  /** Ends the bar (or the lines). */
  stop(): void;
}

/** Where the progress goes: a bar on a terminal, plain lines otherwise; nothing with `--quiet`. */
export type LoadProgressOptions = {
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  label: string;
  quiet?: boolean;
  /** Milliseconds between two plain lines when stderr is not a terminal (default 1000); job changes are always told. */
  lineIntervalMs?: number;
  now?: () => number;
};

const seconds = (ms: number | null): string => (ms === null ? '?' : ms < 60_000 ? `${Math.ceil(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

/** The numbers of one progress, as a line or the bar's payload. */
function describe(progress: LoadProgress): { toLoad: number; processed: number; failed: number; uploaded: number; jobs: string; rate: number; eta: string } {
  const { counts } = progress;
  const done = progress.jobs.filter((job) => job.state === 'JobComplete' || job.state === 'Failed' || job.state === 'Aborted').length;
  return {
    toLoad: Math.max(counts.input - counts.excluded, counts.processed),
    processed: counts.processed,
    failed: counts.failed,
    uploaded: counts.uploaded,
    jobs: `${done}/${progress.jobs.length}`,
    rate: progress.rowsPerSecond,
    eta: seconds(progress.etaMs),
  };
}

/** The line that tells a wait for a busy org: `the org is busy (ConcurrentPerOrgLongTxn): trying again in 8 s, 2 of 6`. */
export function busyLine(busy: Pick<LoadBusyWait, 'limit' | 'retry' | 'of' | 'delayMs'>): string {
  return `the org is busy (${busy.limit}): trying again in ${seconds(busy.delayMs)}, ${busy.retry} of ${busy.of}`;
}

/**
 * Tells each new wait for a busy org once, even with --quiet (as the events command always tells its reconnects): on a
 * terminal the line goes above the bar, which the next update draws again.
 */
function busyTeller(stream: LoadProgressOptions['stream']): (progress: LoadProgress) => void {
  let told = '';
  return (progress) => {
    const busy = progress.busy;
    if (busy === undefined || `${busy.retry} ${busy.until}` === told) return;
    told = `${busy.retry} ${busy.until}`;
    stream.write(`${stream.isTTY === true ? '\r\x1b[K' : ''}${busyLine(busy)}\n`);
  };
}

/**
 * A cli-progress bar of processed rows (with failed rows, uploaded rows, jobs, throughput and time left) on a terminal;
 * on a pipe or a CI log, a plain line at most once a second and whenever a job changes state.
 */
export function createLoadProgressView(options: LoadProgressOptions): LoadProgressView {
  const { stream, label } = options;
  const tellBusy = busyTeller(stream);
  if (options.quiet === true) return { update: tellBusy, stop: () => undefined };
  if (stream.isTTY === true) {
    const bar = new SingleBar(
      {
        stream,
        format: `${label} [{bar}] {value}/{total} rows · {failed} failed · {uploaded} uploaded · jobs {jobs} · {rate} rows/s · ETA {eta_text}`,
        hideCursor: true,
        clearOnComplete: false,
        fps: 8,
      },
      Presets.shades_classic,
    );
    let started = false;
    let lastRate = 0;
    return {
      update(progress) {
        tellBusy(progress);
        const now = describe(progress);
        // The last push of an ended load has no throughput left to measure: keep the last one, and nothing is left to wait for.
        if (now.rate > 0) lastRate = now.rate;
        const payload = { failed: now.failed, uploaded: now.uploaded, jobs: now.jobs, rate: lastRate, eta_text: now.processed >= now.toLoad ? '0 s' : now.eta };
        if (!started) {
          bar.start(now.toLoad, now.processed, payload);
          started = true;
        }
        bar.setTotal(now.toLoad);
        bar.update(now.processed, payload);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  const clock = options.now ?? Date.now;
  const interval = options.lineIntervalMs ?? 1000;
  let last = Number.NEGATIVE_INFINITY;
  let lastJobs = '';
  let lastLine = '';
  let pending: string | null = null;
  const write = (line: string): void => {
    stream.write(`${line}\n`);
    lastLine = line;
    pending = null;
  };
  return {
    update(progress) {
      tellBusy(progress);
      const now = describe(progress);
      const jobs = jobStates(progress);
      const line = `${label}: ${now.processed} of ${now.toLoad} rows processed, ${now.failed} failed, ${now.uploaded} uploaded; jobs ${jobs === '' ? 'none yet' : jobs}`;
      if (line === lastLine) return;
      pending = line;
      if (jobs === lastJobs && clock() - last < interval) return;
      lastJobs = jobs;
      last = clock();
      write(line);
    },
    stop() {
      if (pending !== null) write(pending);
    },
  };
}

/** The jobs by state, as `2 JobComplete, 1 InProgress, 3 Pending`. */
function jobStates(progress: LoadProgress): string {
  const counts = new Map<string, number>();
  for (const job of progress.jobs) counts.set(job.state, (counts.get(job.state) ?? 0) + 1);
  return [...counts].map(([state, count]) => `${count} ${state}`).join(', ');
}
