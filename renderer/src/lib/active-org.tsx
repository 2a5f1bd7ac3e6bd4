import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { OrgSummary } from '../../../shared/ipc/contract';
import { invoke, on } from './api';
import { useShowError } from './app-errors';

/** The orgs the person has and the one they work in. */
export type ActiveOrgState = {
  orgs: OrgSummary[];
  activeOrgId: string | null;
  activeOrg: OrgSummary | null;
  /** Switches the org every area works in. */
  selectOrg: (id: string | null) => Promise<void>;
  /** Reloads the org list (after a profile was added or changed). */
  refresh: () => Promise<void>;
};

const ActiveOrgContext = createContext<ActiveOrgState | null>(null);

/** Loads the org list (`orgs:list`) and the active org, and follows `orgs:changed`. */
export function ActiveOrgProvider({ children }: { children: ReactNode }): ReactNode {
  const showError = useShowError();
  const [orgs, setOrgs] = useState<OrgSummary[]>([]);
  const [activeOrgId, setActiveOrgId] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const [list, active] = await Promise.all([invoke('orgs:list', {}), invoke('orgs:active', {})]);
    if (!list.ok) {
      showError(list.error);
      return;
    }
    setOrgs(list.value);
    // Only main decides the active org: the demo org becomes active once it is connected, not while its key is being made.
    const activeId = active.ok ? active.value.activeOrgId : null;
    setActiveOrgId(activeId !== null && list.value.some((org) => org.id === activeId) ? activeId : null);
  }, [showError]);

  const selectOrg = useCallback(
    async (id: string | null) => {
      setActiveOrgId(id);
      const result = await invoke('orgs:set-active', { id });
      if (!result.ok && result.error.code !== 'NOT_FOUND') showError(result.error);
    },
    [showError],
  );

  useEffect(() => {
    void refresh();
    return on('orgs:changed', () => void refresh());
  }, [refresh]);

  const value = useMemo(
    () => ({ orgs, activeOrgId, activeOrg: orgs.find((org) => org.id === activeOrgId) ?? null, selectOrg, refresh }),
    [orgs, activeOrgId, selectOrg, refresh],
  );
  return <ActiveOrgContext.Provider value={value}>{children}</ActiveOrgContext.Provider>;
}

/** The org list and the active org, for the switcher and every area. */
export function useActiveOrg(): ActiveOrgState {
  const state = useContext(ActiveOrgContext);
  if (state === null) throw new Error('useActiveOrg must be used inside <ActiveOrgProvider>');
  return state;
}
