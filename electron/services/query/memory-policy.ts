import type { QueryRun } from './query-run';

/** How many finished results main keeps by default (the oldest are dropped first). */
export const DEFAULT_KEEP_RUNS = 8;
/** Finished results are also dropped, oldest first, while all results together hold more rows than this. */
export const DEFAULT_KEEP_ROWS = 1_000_000;

/**
 * The finished runs to drop, oldest first, so that at most `keepRuns` finished results and `keepRows` rows stay. The
 * newest finished result always stays: it is the one on screen.
 */
export function runsToForget(runs: readonly QueryRun[], keepRuns: number, keepRows: number): QueryRun[] {
  const finished = runs.filter((r) => r.state !== 'running');
  let rows = runs.reduce((n, r) => n + r.store.size, 0);
  const out: QueryRun[] = [];
  for (const [index, run] of finished.slice(0, -1).entries()) {
    if (finished.length - index <= keepRuns && rows <= keepRows) break;
    rows -= run.store.size;
    out.push(run);
  }
  return out;
}
