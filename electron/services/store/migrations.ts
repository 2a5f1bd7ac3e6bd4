/**
 * The database schema, as numbered migrations: migration N is `MIGRATIONS[N - 1]` and `PRAGMA user_version` records the last
 * one applied. To change the schema, append one entry; never edit or reorder a shipped one (a user's file already ran it).
 */
export const MIGRATIONS: readonly string[] = [
  // 1: org profiles (no secrets: the private key lives in the OS keychain) and app settings such as the active org.
  `CREATE TABLE org_profiles (
     id TEXT PRIMARY KEY,
     label TEXT NOT NULL,
     environment TEXT NOT NULL CHECK (environment IN ('production', 'sandbox', 'mydomain')),
     my_domain_url TEXT,
     consumer_key TEXT NOT NULL,
     username TEXT NOT NULL,
     api_version TEXT,
     color TEXT NOT NULL,
     is_demo INTEGER NOT NULL DEFAULT 0,
     certificate_pem TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE app_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // 2: the SOQL workbench: run history, saved queries and editor tabs (the active tab id goes in app_settings).
  `CREATE TABLE query_history (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     org_id TEXT NOT NULL,
     soql TEXT NOT NULL,
     rows INTEGER NOT NULL,
     duration_ms INTEGER NOT NULL,
     ran_at TEXT NOT NULL,
     source TEXT NOT NULL CHECK (source IN ('rest', 'bulk')),
     state TEXT NOT NULL
   );
   CREATE INDEX query_history_org ON query_history (org_id, id);
   CREATE TABLE saved_queries (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     name TEXT NOT NULL,
     soql TEXT NOT NULL,
     org_id TEXT,
     saved_at TEXT NOT NULL
   );
   CREATE UNIQUE INDEX saved_queries_name ON saved_queries (name, IFNULL(org_id, ''));
   CREATE TABLE editor_tabs (
     position INTEGER NOT NULL,
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     soql TEXT NOT NULL
   );`,
];
