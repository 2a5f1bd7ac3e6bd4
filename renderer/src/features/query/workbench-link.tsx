import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

/** A query another area asked the workbench to open and run. */
export type WorkbenchRequest = { id: number; soql: string };

type WorkbenchLinkState = {
  request: WorkbenchRequest | null;
  open: (soql: string) => void;
  done: (id: number) => void;
};

const WorkbenchLinkContext = createContext<WorkbenchLinkState | null>(null);

/**
 * Lets other areas hand a query to the SOQL workbench: `useOpenInWorkbench()` asks, the workbench takes the request, and
 * `onOpen` tells the shell to show the Query area.
 */
export function WorkbenchLinkProvider({ onOpen, children }: { onOpen: () => void; children: ReactNode }): ReactNode {
  const [request, setRequest] = useState<WorkbenchRequest | null>(null);
  const open = useCallback(
    (soql: string) => {
      setRequest((previous) => ({ id: (previous?.id ?? 0) + 1, soql }));
      onOpen();
    },
    [onOpen],
  );
  const done = useCallback((id: number) => setRequest((previous) => (previous?.id === id ? null : previous)), []);
  const value = useMemo(() => ({ request, open, done }), [request, open, done]);
  return <WorkbenchLinkContext.Provider value={value}>{children}</WorkbenchLinkContext.Provider>;
}

/** Opens a query in a new workbench tab and runs it; null outside a WorkbenchLinkProvider (no workbench to open). */
export function useOpenInWorkbench(): ((soql: string) => void) | null {
  return useContext(WorkbenchLinkContext)?.open ?? null;
}

/** The workbench's side: the pending request and how to mark it taken. */
export function useWorkbenchRequest(): { request: WorkbenchRequest | null; done: (id: number) => void } {
  const state = useContext(WorkbenchLinkContext);
  return { request: state?.request ?? null, done: state?.done ?? noop };
}

function noop(): void {
  // Outside a provider there is never a request to mark.
}
