import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { HistoryEntry, SavedQuery } from '../../../../shared/ipc/contract';
import type { AppError } from '../../../../shared/ipc/result';
import { invoke } from '../../lib/api';

const SEARCH_DELAY_MS = 200;

/** Props of the side panel: what to do with a picked query, and the statement a save would keep. */
export type LibraryPanelProps = {
  onPick: (soql: string) => void;
  currentSoql: () => string | null;
  orgId: string | null;
  onError: (error: AppError) => void;
  /** Bumped after each run so the history reloads. */
  historyVersion: number;
};

/** History of runs (searchable, `query:history`) and saved queries (`query:saved-*`), both kept in main's database. */
export function LibraryPanel(props: LibraryPanelProps): ReactNode {
  const { onPick, currentSoql, orgId, onError, historyVersion } = props;
  const [view, setView] = useState<'history' | 'saved'>('history');
  const [search, setSearch] = useState('');
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [saved, setSaved] = useState<SavedQuery[]>([]);
  const [name, setName] = useState('');

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      void invoke('query:history', { search, limit: 200 }).then((result) => {
        if (!live) return;
        if (result.ok) setHistory(result.value);
        else if (result.error.code !== 'NOT_FOUND') onError(result.error);
      });
    }, SEARCH_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [search, historyVersion, onError]);

  const loadSaved = useCallback(async () => {
    const result = await invoke('query:saved-list', {});
    if (result.ok) setSaved(result.value);
    else if (result.error.code !== 'NOT_FOUND') onError(result.error);
  }, [onError]);
  useEffect(() => {
    void loadSaved();
  }, [loadSaved]);

  const save = async (): Promise<void> => {
    const soql = currentSoql();
    if (soql === null || name.trim() === '') return;
    const result = await invoke('query:saved-save', { name: name.trim(), soql, orgId });
    if (!result.ok) {
      onError(result.error);
      return;
    }
    setName('');
    await loadSaved();
  };

  const remove = async (id: number): Promise<void> => {
    const result = await invoke('query:saved-delete', { id });
    if (!result.ok) onError(result.error);
    await loadSaved();
  };

  const needle = search.trim().toLowerCase();
  const savedShown = needle === '' ? saved : saved.filter((q) => q.name.toLowerCase().includes(needle) || q.soql.toLowerCase().includes(needle));

  return (
    <aside className="orgdesk-library" aria-label="Query library">
      <div className="slds-button-group orgdesk-library__switch" role="group" aria-label="Show">
        <button type="button" aria-pressed={view === 'history'} className={`slds-button ${view === 'history' ? 'slds-button_brand' : 'slds-button_neutral'}`} onClick={() => setView('history')}>
          History
        </button>
        <button type="button" aria-pressed={view === 'saved'} className={`slds-button ${view === 'saved' ? 'slds-button_brand' : 'slds-button_neutral'}`} onClick={() => setView('saved')}>
          Saved
        </button>
      </div>
      <input className="slds-input slds-m-vertical_x-small" type="search" placeholder={view === 'history' ? 'Search history' : 'Search saved queries'} aria-label="Search queries" value={search} onChange={(e) => setSearch(e.target.value)} />
      {view === 'saved' ? (
        <form
          className="orgdesk-library__save"
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <input className="slds-input" placeholder="Name for the current statement" aria-label="Saved query name" value={name} onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="slds-button slds-button_neutral" disabled={name.trim() === ''}>
            Save
          </button>
        </form>
      ) : null}
      <ul className="orgdesk-library__list">
        {view === 'history'
          ? history.map((entry) => (
              <li key={entry.id}>
                <button type="button" className="orgdesk-library__item" title="Open in the editor" onClick={() => onPick(entry.soql)}>
                  <code>{entry.soql}</code>
                  <span className="slds-text-color_weak slds-text-body_small">
                    {entry.rows.toLocaleString()} rows · {(entry.durationMs / 1000).toFixed(1)} s · {entry.source} · {new Date(entry.ranAt).toLocaleString()}
                  </span>
                </button>
              </li>
            ))
          : savedShown.map((query) => (
              <li key={query.id} className="orgdesk-library__saved">
                <button type="button" className="orgdesk-library__item" title="Open in the editor" onClick={() => onPick(query.soql)}>
                  <strong>{query.name}</strong>
                  <code>{query.soql}</code>
                </button>
                <button type="button" className="slds-button slds-button_icon orgdesk-library__delete" title={`Delete ${query.name}`} aria-label={`Delete ${query.name}`} onClick={() => void remove(query.id)}>
                  ✕
                </button>
              </li>
            ))}
        {(view === 'history' ? history.length : savedShown.length) === 0 ? <li className="slds-text-color_weak slds-p-around_x-small">Nothing yet.</li> : null}
      </ul>
    </aside>
  );
}
