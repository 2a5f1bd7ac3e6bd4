import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { AppError } from '../../../shared/ipc/result';

type AppErrorState = { error: AppError | null; showError: (error: AppError) => void; dismissError: () => void };

const AppErrorContext = createContext<AppErrorState | null>(null);

/** Holds the one error the shell's banner shows; any area can report one with useShowError. */
export function AppErrorProvider({ children }: { children: ReactNode }): ReactNode {
  const [error, setError] = useState<AppError | null>(null);
  const showError = useCallback((next: AppError) => setError(next), []);
  const dismissError = useCallback(() => setError(null), []);
  const value = useMemo(() => ({ error, showError, dismissError }), [error, showError, dismissError]);
  return <AppErrorContext.Provider value={value}>{children}</AppErrorContext.Provider>;
}

/** The banner's error and its controls. */
export function useAppError(): AppErrorState {
  const state = useContext(AppErrorContext);
  if (state === null) throw new Error('useAppError must be used inside <AppErrorProvider>');
  return state;
}

/** Shows an AppError in the shell's banner (message and hint). */
export function useShowError(): (error: AppError) => void {
  return useAppError().showError;
}
