import type { SqliteDatabase } from './database';

/** Small app-wide key/value settings (the active org id, window state, ...). */
export type AppSettings = {
  get(key: string): string | null;
  set(key: string, value: string | null): void;
};

/** Builds the settings table access over an open database. */
export function createAppSettings(db: SqliteDatabase): AppSettings {
  const select = db.prepare<[string], { value: string }>('SELECT value FROM app_settings WHERE key = ?');
  const upsert = db.prepare('INSERT INTO app_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  const remove = db.prepare('DELETE FROM app_settings WHERE key = ?');
  return {
    get: (key) => select.get(key)?.value ?? null,
    set: (key, value) => {
      if (value === null) remove.run(key);
      else upsert.run(key, value);
    },
  };
}
