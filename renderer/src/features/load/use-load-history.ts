import { useCallback, useEffect, useState } from 'react';
import type { LoadSummary } from '../../../../shared/ipc/contract';
import type { AppError } from '../../../../shared/ipc/result';
import { invoke } from '../../lib/api';

/** How many past loads the history lists. */
const HISTORY_LIMIT = 25;

/** Past and unfinished loads, newest first (`load:history`); interrupted ones can be resumed. */
export function useLoadHistory(): { loads: LoadSummary[]; error: AppError | null; refresh: () => Promise<void> } {
  const [loads, setLoads] = useState<LoadSummary[]>([]);
  const [error, setError] = useState<AppError | null>(null);

  const refresh = useCallback(async () => {
    const result = await invoke('load:history', { limit: HISTORY_LIMIT });
    if (result.ok) {
      setLoads(result.value);
      setError(null);
    } else {
      setError(result.error);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return { loads, error, refresh };
}
