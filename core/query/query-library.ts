import type { EditorTab, HistoryEntry, QuerySource, SavedQuery } from '../../shared/ipc/domains/query';
import type { SqliteDatabase } from '../store';

/** One finished run, as the runner records it. */
type HistoryRecord = { orgId: string; soql: string; rows: number; durationMs: number; ranAt: string; source: QuerySource; state: string };

/** History, saved queries and editor tabs in the local database. */
export interface QueryLibrary {
  /** Records one run (every run: done, failed or cancelled). */
  addHistory(entry: HistoryRecord): void;
  /** Newest first; `search` matches the SOQL text or the org id, ignoring case. */
  history(search: string, limit: number): HistoryEntry[];
  /** Every saved query, by name. */
  savedList(): SavedQuery[];
  /** Saves a named query; the same name (for the same org) replaces the older one. */
  save(input: { name: string; soql: string; orgId: string | null; savedAt: string }): SavedQuery;
  /** Deletes a saved query; false when it did not exist. */
  deleteSaved(id: number): boolean;
  /** The editor tabs as last saved. */
  loadTabs(): { tabs: EditorTab[]; activeId: string | null };
  /** Replaces the editor tabs. */
  saveTabs(tabs: EditorTab[], activeId: string | null): void;
}

const ACTIVE_TAB_KEY = 'query.activeTabId';
const HISTORY_KEEP = 5000;

type HistoryRow = { id: number; org_id: string; soql: string; rows: number; duration_ms: number; ran_at: string; source: QuerySource };
type SavedRow = { id: number; name: string; soql: string; org_id: string | null; saved_at: string };

/** Creates the library over the open database (its tables come from the store's migration 2; the active tab id lives in app_settings). */
export function createQueryLibrary(db: SqliteDatabase): QueryLibrary {
  const insertHistory = db.prepare(
    'INSERT INTO query_history (org_id, soql, rows, duration_ms, ran_at, source, state) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const trimHistory = db.prepare('DELETE FROM query_history WHERE id <= (SELECT MAX(id) FROM query_history) - ?');
  const searchHistory = db.prepare(
    "SELECT id, org_id, soql, rows, duration_ms, ran_at, source FROM query_history WHERE soql LIKE ? ESCAPE '\\' OR org_id LIKE ? ESCAPE '\\' ORDER BY id DESC LIMIT ?",
  );
  const upsertSaved = db.prepare(
    "INSERT INTO saved_queries (name, soql, org_id, saved_at) VALUES (?, ?, ?, ?) ON CONFLICT (name, IFNULL(org_id, '')) DO UPDATE SET soql = excluded.soql, saved_at = excluded.saved_at RETURNING id, name, soql, org_id, saved_at",
  );
  const listSaved = db.prepare('SELECT id, name, soql, org_id, saved_at FROM saved_queries ORDER BY name COLLATE NOCASE, id');
  const deleteSaved = db.prepare('DELETE FROM saved_queries WHERE id = ?');
  const listTabs = db.prepare('SELECT id, title, soql FROM editor_tabs ORDER BY position');
  const clearTabs = db.prepare('DELETE FROM editor_tabs');
  const insertTab = db.prepare('INSERT INTO editor_tabs (position, id, title, soql) VALUES (?, ?, ?, ?)');
  const readSetting = db.prepare('SELECT value FROM app_settings WHERE key = ?');
  const writeSetting = db.prepare('INSERT INTO app_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const deleteSetting = db.prepare('DELETE FROM app_settings WHERE key = ?');

  const toSaved = (row: SavedRow): SavedQuery => ({ id: row.id, name: row.name, soql: row.soql, orgId: row.org_id, savedAt: row.saved_at });

  return {
    addHistory(entry) {
      insertHistory.run(entry.orgId, entry.soql, entry.rows, Math.round(entry.durationMs), entry.ranAt, entry.source, entry.state);
      trimHistory.run(HISTORY_KEEP);
    },
    history(search, limit) {
      const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return (searchHistory.all(pattern, pattern, limit) as HistoryRow[]).map((row) => ({
        id: row.id,
        orgId: row.org_id,
        soql: row.soql,
        rows: row.rows,
        durationMs: row.duration_ms,
        ranAt: row.ran_at,
        source: row.source,
      }));
    },
    savedList: () => (listSaved.all() as SavedRow[]).map(toSaved),
    save: ({ name, soql, orgId, savedAt }) => toSaved(upsertSaved.get(name, soql, orgId, savedAt) as SavedRow),
    deleteSaved: (id) => deleteSaved.run(id).changes > 0,
    loadTabs() {
      const tabs = listTabs.all() as EditorTab[];
      const active = (readSetting.get(ACTIVE_TAB_KEY) as { value: string } | undefined)?.value ?? null;
      return { tabs, activeId: active !== null && tabs.some((t) => t.id === active) ? active : (tabs[0]?.id ?? null) };
    },
    saveTabs: db.transaction((tabs: EditorTab[], activeId: string | null) => {
      clearTabs.run();
      tabs.forEach((tab, position) => insertTab.run(position, tab.id, tab.title, tab.soql));
      if (activeId === null) deleteSetting.run(ACTIVE_TAB_KEY);
      else writeSetting.run(ACTIVE_TAB_KEY, activeId);
    }),
  };
}
