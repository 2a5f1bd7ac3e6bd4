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
];
