import type { QueryProgress, QueryRunState, QuerySource } from '../../shared/ipc/domains/query';
import type { Clock } from '../salesforce';
import type { RunStore } from './memory-policy';

/** The arguments of `query:run`. */
export type RunArgs = { orgId: string; soql: string; includeDeleted: boolean; mode: 'auto' | 'rest' | 'bulk' };

/** One run of a query as main keeps it: what was asked, where it stands, and its rows. */
export type QueryRun = {
  id: string;
  orgId: string;
  soql: string;
  object: string | null;
  source: QuerySource;
  state: QueryRunState;
  store: RunStore;
  fetched: number;
  totalSize: number;
  startedAt: number;
  finishedAt: number | null;
  error: QueryProgress['error'];
  controller: AbortController;
  done: Promise<void>;
  /** Stops listening to the caller's signal (once the run is forgotten or released). */
  detach: () => void;
  /** Who started it (a sender id), as given to `run`. */
  owner: string | undefined;
};

/** The `query:progress` payload of a run as it stands now. */
export function progressOf(run: QueryRun, clock: Clock): QueryProgress {
  const progress: QueryProgress = {
    runId: run.id,
    state: run.state,
    source: run.source,
    fetched: run.fetched,
    totalSize: Math.max(run.totalSize, run.fetched),
    columns: run.store.columns,
    durationMs: (run.finishedAt ?? clock.now()) - run.startedAt,
  };
  if (run.error !== undefined) progress.error = run.error;
  return progress;
}
