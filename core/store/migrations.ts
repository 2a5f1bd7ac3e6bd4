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
  // 3: CSV loads. Saved mappings per object and header set; the crash-safe journal: each load (source file, hash, plan,
  // how far planning got, its result files) and its jobs (the input row range each holds, its Salesforce job id and state).
  `CREATE TABLE load_mappings (
     object_name TEXT NOT NULL,
     header_key TEXT NOT NULL,
     headers_json TEXT NOT NULL,
     mappings_json TEXT NOT NULL,
     saved_at TEXT NOT NULL,
     PRIMARY KEY (object_name, header_key)
   );
   CREATE TABLE loads (
     id TEXT PRIMARY KEY,
     org_id TEXT NOT NULL,
     file_name TEXT NOT NULL,
     source_path TEXT NOT NULL,
     source_sha256 TEXT NOT NULL,
     shape_json TEXT NOT NULL,
     plan_json TEXT NOT NULL,
     options_json TEXT NOT NULL,
     object_name TEXT NOT NULL,
     operation TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('preparing', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
     work_dir TEXT NOT NULL,
     files_json TEXT NOT NULL,
     input_rows INTEGER NOT NULL,
     excluded_rows INTEGER NOT NULL DEFAULT 0,
     planned_through INTEGER NOT NULL DEFAULT 0,
     planning_done INTEGER NOT NULL DEFAULT 0,
     counts_json TEXT,
     error_json TEXT,
     started_at TEXT NOT NULL,
     ended_at TEXT
   );
   CREATE INDEX loads_started ON loads (started_at);
   CREATE TABLE load_jobs (
     load_id TEXT NOT NULL REFERENCES loads (id) ON DELETE CASCADE,
     seq INTEGER NOT NULL,
     job_id TEXT,
     state TEXT NOT NULL,
     closed INTEGER NOT NULL DEFAULT 0,
     first_row INTEGER NOT NULL,
     last_row INTEGER NOT NULL,
     rows INTEGER NOT NULL,
     bytes INTEGER NOT NULL,
     processed INTEGER NOT NULL DEFAULT 0,
     failed INTEGER NOT NULL DEFAULT 0,
     error_message TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     results_done INTEGER NOT NULL DEFAULT 0,
     result_counts_json TEXT,
     PRIMARY KEY (load_id, seq)
   );`,
  // 4: the event viewer's capture: every received event per org and channel (payload as JSON, FTS5 over it through an
  // external-content index kept by triggers), the record ids of each event (for filters and previous values), the last
  // replay id per org and channel (resume after a reconnect or a restart) and record snapshots fetched as a baseline.
  `CREATE TABLE captured_events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     org_id TEXT NOT NULL,
     channel TEXT NOT NULL,
     replay_id INTEGER NOT NULL,
     received_at TEXT NOT NULL,
     event_time TEXT,
     kind TEXT NOT NULL CHECK (kind IN ('change', 'gap', 'overflow', 'platform', 'other')),
     entity TEXT,
     change_type TEXT,
     record_ids TEXT NOT NULL,
     changed_fields TEXT NOT NULL,
     commit_user TEXT,
     change_origin TEXT,
     transaction_key TEXT,
     sequence_number INTEGER,
     note TEXT,
     discontinuity TEXT,
     data TEXT NOT NULL,
     bytes INTEGER NOT NULL
   );
   CREATE INDEX captured_events_org ON captured_events (org_id, seq);
   CREATE INDEX captured_events_channel ON captured_events (org_id, channel, seq);
   CREATE TABLE captured_event_records (
     record_id TEXT NOT NULL,
     seq INTEGER NOT NULL REFERENCES captured_events (seq) ON DELETE CASCADE,
     PRIMARY KEY (record_id, seq)
   ) WITHOUT ROWID;
   CREATE INDEX captured_event_records_seq ON captured_event_records (seq);
   CREATE VIRTUAL TABLE captured_events_fts USING fts5 (data, content = 'captured_events', content_rowid = 'seq');
   CREATE TRIGGER captured_events_fts_insert AFTER INSERT ON captured_events BEGIN
     INSERT INTO captured_events_fts (rowid, data) VALUES (new.seq, new.data);
   END;
   CREATE TRIGGER captured_events_fts_delete AFTER DELETE ON captured_events BEGIN
     INSERT INTO captured_events_fts (captured_events_fts, rowid, data) VALUES ('delete', old.seq, old.data);
   END;
   CREATE TABLE event_checkpoints (
     org_id TEXT NOT NULL,
     channel TEXT NOT NULL,
     replay_id INTEGER NOT NULL,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (org_id, channel)
   );
   CREATE TABLE record_snapshots (
     org_id TEXT NOT NULL,
     record_id TEXT NOT NULL,
     entity TEXT NOT NULL,
     fetched_at TEXT NOT NULL,
     fields TEXT NOT NULL,
     PRIMARY KEY (org_id, record_id)
   );`,
  // 5: who runs each load (`<host>:<pid>:<instance>`), so a second process on the same database (the app and `orgdesk load`)
  // never marks a live load interrupted and resumes it a second time.
  `ALTER TABLE loads ADD COLUMN owner TEXT;`,
  // 6: events: a checkpoint per consumer (`app`: what the viewer stored; `cli`: what `orgdesk events` wrote out), both
  // starting from the one shared checkpoint; and one shared capture, each event stored once per org, channel and replay
  // id whoever received it (copies stored twice before this are removed, the first kept).
  `CREATE TABLE event_consumer_checkpoints (
     consumer TEXT NOT NULL,
     org_id TEXT NOT NULL,
     channel TEXT NOT NULL,
     replay_id INTEGER NOT NULL,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (consumer, org_id, channel)
   );
   INSERT INTO event_consumer_checkpoints (consumer, org_id, channel, replay_id, updated_at)
     SELECT c.consumer, e.org_id, e.channel, e.replay_id, e.updated_at FROM event_checkpoints e CROSS JOIN (SELECT 'app' AS consumer UNION ALL SELECT 'cli') c;
   DROP TABLE event_checkpoints;
   DELETE FROM captured_event_records WHERE seq IN (SELECT seq FROM captured_events WHERE seq NOT IN (SELECT MIN(seq) FROM captured_events GROUP BY org_id, channel, replay_id));
   DELETE FROM captured_events WHERE seq NOT IN (SELECT MIN(seq) FROM captured_events GROUP BY org_id, channel, replay_id);
   CREATE UNIQUE INDEX captured_events_replay ON captured_events (org_id, channel, replay_id);`,
  // 7: the object's describe as each load was planned with (fields, types, what the operation may write), so a resume
  // checks and sends the rest of the file by the same rules as its start, whatever the org's describe says by then.
  `ALTER TABLE loads ADD COLUMN object_json TEXT;`,
  // 8: lock-aware loads: each job's lane (jobs of one lane lock the same parents and run one after another; null = any
  // time) and, for a follow-up job, what it retries (`{ round, reason: 'lock' | 'job-failed', sources: [seq] }`).
  `ALTER TABLE load_jobs ADD COLUMN lane INTEGER;
   ALTER TABLE load_jobs ADD COLUMN retry_json TEXT;`,
  // 9: Pub/Sub: each org profile's endpoint (null: api.pubsub.salesforce.com:7443); each captured event's opaque replay id
  // bytes (what a resume sends; null over CometD) and its nulled and diff fields; the bytes of each checkpoint.
  `ALTER TABLE org_profiles ADD COLUMN pubsub_endpoint TEXT;
   ALTER TABLE captured_events ADD COLUMN replay_bytes BLOB;
   ALTER TABLE captured_events ADD COLUMN nulled_fields TEXT NOT NULL DEFAULT '[]';
   ALTER TABLE captured_events ADD COLUMN diff_fields TEXT NOT NULL DEFAULT '[]';
   ALTER TABLE event_consumer_checkpoints ADD COLUMN replay_bytes BLOB;`,
];
