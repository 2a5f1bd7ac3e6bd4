import { useCallback, useEffect, useRef, useState } from 'react';
import type { QueryProgress } from '../../../../shared/ipc/contract';
import type { AppError } from '../../../../shared/ipc/result';
import { invoke, on } from '../../lib/api';

/** How to run a statement: queryAll includes deleted and archived rows; bulk forces a Bulk API 2.0 query job. */
export type RunOptions = { includeDeleted: boolean; bulk: boolean };

/** The current run as the workbench shows it. */
export type QueryRunState = {
  runId: string | null;
  /** The statement that ran, and where it starts in the editor (to place a server error). */
  soql: string | null;
  progress: QueryProgress | null;
  /** A failure to start the run (validation, auth), as opposed to a failed run reported in progress. */
  startError: AppError | null;
  starting: boolean;
};

const idle: QueryRunState = { runId: null, soql: null, progress: null, startError: null, starting: false };

/** Runs SOQL through `query:run`, follows its `query:progress` events and cancels it; one run at a time per workbench. */
export function useQueryRun(orgId: string | null): QueryRunState & {
  run: (soql: string, options: RunOptions) => Promise<void>;
  cancel: () => Promise<void>;
} {
  const [state, setState] = useState<QueryRunState>(idle);
  const runIdRef = useRef<string | null>(null);
  // Progress can overtake the answer to query:run: keep early events until the run id is known.
  const early = useRef(new Map<string, QueryProgress>());

  useEffect(
    () =>
      on('query:progress', (progress) => {
        if (progress.runId === runIdRef.current) setState((s) => (s.runId === progress.runId ? { ...s, progress } : s));
        else if (runIdRef.current === null) early.current.set(progress.runId, progress);
      }),
    [],
  );

  const run = useCallback(
    async (soql: string, options: RunOptions) => {
      if (orgId === null) {
        setState({ ...idle, soql, startError: { code: 'VALIDATION', message: 'No org is selected.', hint: 'Pick or add an org in the header first.' } });
        return;
      }
      const previous = runIdRef.current;
      if (previous !== null) void invoke('query:cancel', { runId: previous });
      runIdRef.current = null;
      early.current.clear();
      setState({ ...idle, soql, starting: true });
      const result = await invoke('query:run', { orgId, soql, includeDeleted: options.includeDeleted, mode: options.bulk ? 'bulk' : 'auto' });
      if (!result.ok) {
        setState({ ...idle, soql, startError: result.error });
        return;
      }
      const { runId } = result.value;
      runIdRef.current = runId;
      const buffered = early.current.get(runId) ?? null;
      early.current.clear();
      setState({ runId, soql, progress: buffered, startError: null, starting: false });
    },
    [orgId],
  );

  const cancel = useCallback(async () => {
    const runId = runIdRef.current;
    if (runId !== null) await invoke('query:cancel', { runId });
  }, []);

  return { ...state, run, cancel };
}
