import { useCallback, useEffect, useRef, useState } from 'react';
import type { LoadOptions, LoadPlan, LoadProgress, LoadSummary } from '../../../../shared/ipc/contract';
import type { AppError } from '../../../../shared/ipc/result';
import { invoke, on } from '../../lib/api';
import { isEnded } from './load-text';

/** One point of the live chart: seconds since the load started, rows processed and rows failed. */
export type ProgressSample = { seconds: number; processed: number; failed: number };

/** The load being run (or the past one being looked at): its progress, its summary once it ended, the chart's samples. */
export type LoadRunState = {
  loadId: string | null;
  progress: LoadProgress | null;
  summary: LoadSummary | null;
  samples: ProgressSample[];
  starting: boolean;
  cancelling: boolean;
  error: AppError | null;
};

const idle: LoadRunState = { loadId: null, progress: null, summary: null, samples: [], starting: false, cancelling: false, error: null };

/** What can be done with the load. */
export type LoadRunActions = {
  start: (input: { orgId: string; fileId: string; plan: LoadPlan; options: LoadOptions }) => Promise<void>;
  /** Resumes an interrupted load from its journal and follows it. */
  resume: (loadId: string) => Promise<void>;
  /** Follows a load main started itself (a step of an undo) from its next progress. */
  watch: (loadId: string) => void;
  /** Shows a past load's summary and files. */
  show: (summary: LoadSummary) => void;
  cancel: () => Promise<void>;
  /** Leaves the results, back to preparing a load. */
  clear: () => void;
};

/**
 * Starts a load (`load:start`), follows its `load:progress` events (the samples feed the live chart), fetches its summary
 * with the result files once it ended (`load:get`), and cancels it (`load:cancel`). `onEnded` runs once per ended load.
 */
export function useLoadRun(onEnded: () => void): LoadRunState & LoadRunActions {
  const [state, setState] = useState<LoadRunState>(idle);
  const loadIdRef = useRef<string | null>(null);
  // Progress can overtake the answer to load:start: keep the last event of each unknown load until the id is known.
  const early = useRef(new Map<string, LoadProgress>());
  const ended = useRef(onEnded);
  ended.current = onEnded;

  const finished = useRef<string | null>(null);

  const finish = useCallback(async (loadId: string) => {
    if (finished.current === loadId) return;
    finished.current = loadId;
    const summary = await invoke('load:get', { loadId });
    if (loadIdRef.current !== loadId) return;
    setState((s) => (summary.ok ? { ...s, summary: summary.value, cancelling: false } : { ...s, error: summary.error, cancelling: false }));
    ended.current();
  }, []);

  const accept = useCallback(
    (progress: LoadProgress) => {
      setState((s) => {
        if (s.loadId !== progress.loadId || s.summary !== null) return s;
        const sample = { seconds: progress.elapsedMs / 1000, processed: progress.counts.processed, failed: progress.counts.failed };
        const last = s.samples.at(-1);
        const samples = last !== undefined && last.seconds >= sample.seconds ? [...s.samples.slice(0, -1), sample] : [...s.samples, sample];
        return { ...s, progress, samples };
      });
      if (isEnded(progress.state)) void finish(progress.loadId);
    },
    [finish],
  );

  useEffect(
    () =>
      on('load:progress', (progress) => {
        if (progress.loadId === loadIdRef.current) accept(progress);
        else if (loadIdRef.current === null) early.current.set(progress.loadId, progress);
      }),
    [accept],
  );

  const follow = useCallback(
    (loadId: string, fromZero: boolean) => {
      loadIdRef.current = loadId;
      // A new load's chart starts at the origin; a resumed one starts where its first progress says it is.
      setState({ ...idle, loadId, samples: fromZero ? [{ seconds: 0, processed: 0, failed: 0 }] : [] });
      const buffered = early.current.get(loadId);
      early.current.clear();
      if (buffered !== undefined) accept(buffered);
    },
    [accept],
  );

  const start = useCallback<LoadRunActions['start']>(
    async (input) => {
      loadIdRef.current = null;
      early.current.clear();
      setState({ ...idle, starting: true });
      const result = await invoke('load:start', input);
      if (!result.ok) {
        setState({ ...idle, error: result.error });
        return;
      }
      follow(result.value.loadId, true);
    },
    [follow],
  );

  const resume = useCallback<LoadRunActions['resume']>(
    async (loadId) => {
      loadIdRef.current = null;
      early.current.clear();
      setState({ ...idle, starting: true });
      const result = await invoke('load:resume', { loadId });
      if (!result.ok) {
        setState({ ...idle, error: result.error });
        return;
      }
      follow(result.value.loadId, false);
    },
    [follow],
  );

  const show = useCallback((summary: LoadSummary) => {
    loadIdRef.current = summary.loadId;
    setState({ ...idle, loadId: summary.loadId, summary });
  }, []);

  const cancel = useCallback(async () => {
    const loadId = loadIdRef.current;
    if (loadId === null) return;
    setState((s) => ({ ...s, cancelling: true }));
    const result = await invoke('load:cancel', { loadId });
    if (loadIdRef.current !== loadId) return;
    setState((s) => (result.ok ? { ...s, summary: result.value, cancelling: false } : { ...s, error: result.error, cancelling: false }));
    if (result.ok) ended.current();
  }, []);

  const clear = useCallback(() => {
    loadIdRef.current = null;
    setState(idle);
  }, []);

  const watch = useCallback((loadId: string) => follow(loadId, false), [follow]);

  return { ...state, start, resume, watch, show, cancel, clear };
}
