import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ServiceError } from '../errors';
import type { RecordValues } from './records-by-key';

/** What a before-image says of itself: the object, the operation and the fields it holds for every record. */
type BeforeImageMeta = { objectName: string; operation: string; keyField: string; fields: string[] };

/** One record as it was before the load changed it. */
export type BeforeRecord = { id: string; jobSeq: number; modstamp: string | null; values: RecordValues };

/** Where a load's before-image lives: beside its journal folder, kept after the load ends (`<loadsDir>/<loadId>.before.sqlite`). */
export function beforeImagePath(loadsDir: string, loadId: string): string {
  return join(loadsDir, `${loadId}.before.sqlite`);
}

/** A before-image file, open: written job by job, each write committed with a full fsync (synchronous=FULL). */
export type BeforeImageStore = {
  meta(): BeforeImageMeta | null;
  setMeta(meta: BeforeImageMeta): void;
  /** Whether a job's records are all captured. */
  hasJob(seq: number): boolean;
  /** Stores records of a job (again after a restart: the same record replaces itself). */
  put(seq: number, records: readonly BeforeRecord[]): void;
  /** Marks a job's capture complete. */
  finishJob(seq: number, records: number): void;
  /** One record by Id. */
  get(id: string): BeforeRecord | null;
  /** Records stored. */
  count(): number;
  close(): void;
};

type Row = { id: string; job_seq: number; modstamp: string | null; values_json: string };

/** Opens (creating when asked) a before-image file. */
export function openBeforeImage(path: string, options: { create: boolean }): BeforeImageStore {
  if (!options.create && !existsSync(path)) {
    throw new ServiceError('VALIDATION', `The before-image of this load (${path}) is missing.`, 'It was removed, or the load ran without one: this load cannot be undone.');
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 30000');
  db.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, job_seq INTEGER NOT NULL, modstamp TEXT, values_json TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS jobs (seq INTEGER PRIMARY KEY, records INTEGER NOT NULL)`);
  const insert = db.prepare<[string, number, string | null, string]>('INSERT OR REPLACE INTO records (id, job_seq, modstamp, values_json) VALUES (?, ?, ?, ?)');
  const putMany = db.transaction((seq: number, records: readonly BeforeRecord[]) => {
    for (const record of records) insert.run(record.id, seq, record.modstamp, JSON.stringify(record.values));
  });
  const selectOne = db.prepare<[string], Row>('SELECT * FROM records WHERE id = ?');
  const toRecord = (row: Row): BeforeRecord => ({ id: row.id, jobSeq: row.job_seq, modstamp: row.modstamp, values: JSON.parse(row.values_json) as RecordValues });
  return {
    meta() {
      const row = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'meta'").get();
      return row === undefined ? null : (JSON.parse(row.value) as BeforeImageMeta);
    },
    setMeta(meta) {
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('meta', ?)").run(JSON.stringify(meta));
    },
    hasJob: (seq) => db.prepare<[number], { seq: number }>('SELECT seq FROM jobs WHERE seq = ?').get(seq) !== undefined,
    put(seq, records) {
      putMany(seq, records);
    },
    finishJob(seq, records) {
      db.prepare('INSERT OR REPLACE INTO jobs (seq, records) VALUES (?, ?)').run(seq, records);
    },
    get(id) {
      const row = selectOne.get(id);
      return row === undefined ? null : toRecord(row);
    },
    count: () => db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM records').get()?.n ?? 0,
    close() {
      // A checkpoint folds the WAL into the file, so the image is one file on disk once closed.
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}
