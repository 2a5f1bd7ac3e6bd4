import type { EditorTab, HistoryEntry, SavedQuery } from '../../shared/ipc/domains/query';
import { ServiceError } from '../errors';
import type { Clock } from '../salesforce';
import type { QueryLibrary } from './query-library';

/** The query service's history, saved-query and tab calls: pass-throughs to the query library in the local database. */
export interface LibraryCalls {
  /** Past runs, newest first. */
  history(search: string, limit: number): HistoryEntry[];
  /** Saved queries. */
  savedList(): SavedQuery[];
  /** Saves a named query. */
  save(input: { name: string; soql: string; orgId: string | null }): SavedQuery;
  /** Deletes a saved query. */
  deleteSaved(id: number): { deleted: boolean };
  /** The editor tabs kept across restarts. */
  loadTabs(): { tabs: EditorTab[]; activeId: string | null };
  /** Saves the editor tabs. */
  saveTabs(tabs: EditorTab[], activeId: string | null): { saved: boolean };
}

/** Creates the library calls; each one fails with INTERNAL when the database is not open. */
export function createLibraryCalls(library: QueryLibrary | undefined, clock: Clock): LibraryCalls {
  const open = (): QueryLibrary => {
    if (library === undefined) throw new ServiceError('INTERNAL', 'The local database is not open.', 'Restart OrgDesk.');
    return library;
  };
  return {
    history: (search, limit) => open().history(search, limit),
    savedList: () => open().savedList(),
    save: (input) => open().save({ ...input, savedAt: new Date(clock.now()).toISOString() }),
    deleteSaved: (id) => ({ deleted: open().deleteSaved(id) }),
    loadTabs: () => open().loadTabs(),
    saveTabs(tabs, activeId) {
      open().saveTabs(tabs, activeId);
      return { saved: true };
    },
  };
}
