import { useCallback, useEffect, useRef, useState } from 'react';
import type { EditorTab } from '../../../../shared/ipc/contract';
import type { AppError } from '../../../../shared/ipc/result';
import { invoke } from '../../lib/api';

/** How long the tabs rest before they are saved. */
const TABS_SAVE_DELAY_MS = 600;

const newTab = (n: number, soql = ''): EditorTab => ({ id: crypto.randomUUID(), title: `Query ${n}`, soql });

/** The editor tabs, loaded from and saved to main (`query:tabs-load` / `query:tabs-save`, debounced) so they survive restarts. */
export function useEditorTabs(onError: (error: AppError) => void): {
  tabs: EditorTab[];
  activeId: string | null;
  loaded: boolean;
  select: (id: string) => void;
  add: (soql?: string) => void;
  close: (id: string) => void;
  update: (id: string, changes: Partial<Omit<EditorTab, 'id'>>) => void;
} {
  const [tabs, setTabs] = useState<EditorTab[]>([]);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const dirty = useRef(false);

  useEffect(() => {
    let live = true;
    void invoke('query:tabs-load', {}).then((result) => {
      if (!live) return;
      const initial = result.ok && result.value.tabs.length > 0 ? result.value.tabs : [newTab(1, 'SELECT Id, Name FROM Account LIMIT 100')];
      if (!result.ok && result.error.code !== 'NOT_FOUND') onError(result.error);
      setTabs(initial);
      const active = result.ok ? result.value.activeId : null;
      setActiveId(initial.some((t) => t.id === active) ? active : (initial[0]?.id ?? null));
      setLoaded(true);
    });
    return () => {
      live = false;
    };
  }, [onError]);

  useEffect(() => {
    if (!loaded || !dirty.current) return undefined;
    const timer = setTimeout(() => {
      dirty.current = false;
      void invoke('query:tabs-save', { tabs, activeId }).then((result) => {
        if (!result.ok && result.error.code !== 'NOT_FOUND') onError(result.error);
      });
    }, TABS_SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [tabs, activeId, loaded, onError]);

  const change = useCallback((next: (tabs: EditorTab[]) => EditorTab[]) => {
    dirty.current = true;
    setTabs(next);
  }, []);

  const select = useCallback((id: string) => {
    dirty.current = true;
    setActiveId(id);
  }, []);

  const add = useCallback(
    (soql = '') => {
      const tab = newTab(0, soql);
      change((previous) => {
        const used = new Set(previous.map((t) => t.title));
        let n = previous.length + 1;
        while (used.has(`Query ${n}`)) n += 1;
        return [...previous, { ...tab, title: `Query ${n}` }];
      });
      setActiveId(tab.id);
    },
    [change],
  );

  const close = useCallback(
    (id: string) => {
      change((previous) => {
        const index = previous.findIndex((t) => t.id === id);
        const rest = previous.filter((t) => t.id !== id);
        const kept = rest.length === 0 ? [newTab(1)] : rest;
        setActiveId((current) => (current === id ? (kept[Math.max(0, index - 1)]?.id ?? kept[0]?.id ?? null) : current));
        return kept;
      });
    },
    [change],
  );

  const update = useCallback(
    (id: string, changes: Partial<Omit<EditorTab, 'id'>>) => change((previous) => previous.map((t) => (t.id === id ? { ...t, ...changes } : t))),
    [change],
  );

  return { tabs, activeId, loaded, select, add, close, update };
}
