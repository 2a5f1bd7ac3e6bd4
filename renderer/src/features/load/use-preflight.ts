import { useCallback, useEffect, useRef, useState } from 'react';
import type { LoadCapacity, LoadOptions, LoadPlan, PreflightProgress, PreflightReport } from '../../../../shared/ipc/contract';
import type { AppError } from '../../../../shared/ipc/result';
import { invoke, on } from '../../lib/api';

/** The pre-flight check of the whole file against a plan, and the capacity the load would need. */
export type PreflightState = {
  report: PreflightReport | null;
  capacity: LoadCapacity | null;
  /** Rows checked so far while a check runs. */
  progress: PreflightProgress | null;
  checking: boolean;
  error: AppError | null;
  /** The plan changed since the report was made: it must be checked again before loading. */
  stale: boolean;
};

// The report is for one file and plan; how many jobs run at once changes neither the issues nor the calls needed.
const keyOf = (fileId: string, plan: LoadPlan): string => JSON.stringify([fileId, plan]);

/** Runs `load:validate` (progress on `load:preflight-progress`) then `load:capacity` for the file and plan. */
export function usePreflight(orgId: string | null, fileId: string | null, plan: LoadPlan | null, options: LoadOptions): PreflightState & {
  check: () => Promise<void>;
} {
  const [state, setState] = useState<Omit<PreflightState, 'stale'> & { key: string | null }>({
    report: null,
    capacity: null,
    progress: null,
    checking: false,
    error: null,
    key: null,
  });
  const checkingFile = useRef<string | null>(null);

  useEffect(
    () =>
      on('load:preflight-progress', (progress) => {
        if (progress.fileId === checkingFile.current) setState((s) => (s.checking ? { ...s, progress } : s));
      }),
    [],
  );

  const check = useCallback(async () => {
    if (orgId === null || fileId === null || plan === null) return;
    const key = keyOf(fileId, plan);
    checkingFile.current = fileId;
    setState({ report: null, capacity: null, progress: null, checking: true, error: null, key });
    const report = await invoke('load:validate', { orgId, fileId, plan });
    if (!report.ok) {
      checkingFile.current = null;
      setState({ report: null, capacity: null, progress: null, checking: false, error: report.error, key });
      return;
    }
    const capacity = await invoke('load:capacity', { orgId, fileId, plan, options });
    checkingFile.current = null;
    setState({
      report: report.value,
      capacity: capacity.ok ? capacity.value : null,
      progress: null,
      checking: false,
      error: capacity.ok ? null : capacity.error,
      key,
    });
  }, [orgId, fileId, plan, options]);

  const current = fileId === null || plan === null ? null : keyOf(fileId, plan);
  const { key, ...rest } = state;
  return { ...rest, stale: key !== null && key !== current, check };
}
