import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ServiceError } from '../errors';
import { MIGRATIONS } from './migrations';

/** The open better-sqlite3 handle the other services query through. */
export type SqliteDatabase = Database.Database;

/** The local database: the handle, where it lives, and its schema version. */
export type OrgDeskDatabase = {
  db: SqliteDatabase;
  path: string;
  schemaVersion: number;
  close(): void;
};

/** Options for opening the database: its folder (the app's user-data folder) and, for tests, the migrations to run. */
export type OpenDatabaseOptions = { folder: string; migrations?: readonly string[] };

/** The file name of the database inside the user-data folder. */
export const DATABASE_FILE = 'orgdesk.db';

const CORRUPT_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE']);

/**
 * Opens (or creates) `orgdesk.db` in WAL mode and brings its schema up to date.
 *
 * A damaged file, or one written by a newer OrgDesk, fails with a DamagedDatabaseError whose hint offers
 * `moveAsideAndStartFresh`; nothing is ever deleted here.
 */
export function openDatabase({ folder, migrations = MIGRATIONS }: OpenDatabaseOptions): OrgDeskDatabase {
  mkdirSync(folder, { recursive: true });
  const path = join(folder, DATABASE_FILE);
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const integrity = db.pragma('quick_check', { simple: true });
    if (integrity !== 'ok') throw new CorruptFile(String(integrity));
    const schemaVersion = migrate(db, migrations, path);
    const handle = db;
    return { db: handle, path, schemaVersion, close: () => handle.close() };
  } catch (error) {
    db?.close();
    if (error instanceof ServiceError) throw error;
    if (error instanceof CorruptFile || isCorruption(error)) {
      throw new DamagedDatabaseError(
        `OrgDesk's local database (${path}) is damaged and cannot be opened.`,
        'Move it aside and start fresh: OrgDesk renames the file (nothing is deleted) and creates a new one. Your org profiles will need to be added again; keys stay in the keychain.',
        { cause: error, path, problem: 'damaged' },
      );
    }
    throw new ServiceError(
      'INTERNAL',
      `OrgDesk could not open its local database (${path}).`,
      'Check that the folder is writable and not full, then restart OrgDesk.',
      { cause: error },
    );
  }
}

/** Why a database file cannot be used as it is: its bytes are damaged, or a newer OrgDesk wrote a schema this one does not know. */
export type DatabaseProblem = 'damaged' | 'newer-version';

/** The database file cannot be used as it is: the cases where moving it aside and starting fresh is the remedy. */
export class DamagedDatabaseError extends ServiceError {
  /** The file that could not be used. */
  readonly path: string;
  /** Whether it is damaged or from a newer OrgDesk. */
  readonly problem: DatabaseProblem;

  constructor(message: string, hint: string, options: { cause?: unknown; path: string; problem: DatabaseProblem }) {
    super('INTERNAL', message, hint, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'DamagedDatabaseError';
    this.path = options.path;
    this.problem = options.problem;
  }
}

/**
 * Renames an unusable `orgdesk.db` (and its -wal/-shm companions) to `orgdesk.db.damaged-<timestamp>` (`.newer-version-`
 * for a file from a newer OrgDesk) and opens a fresh one. Never deletes: the old file stays beside the new one for recovery.
 */
export function moveAsideAndStartFresh(
  options: OpenDatabaseOptions & { now?: Date; problem?: DatabaseProblem },
): { movedTo: string | null; database: OrgDeskDatabase } {
  const path = join(options.folder, DATABASE_FILE);
  const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
  let movedTo: string | null = null;
  if (existsSync(path)) {
    movedTo = `${path}.${options.problem ?? 'damaged'}-${stamp}`;
    try {
      renameSync(path, movedTo);
      for (const suffix of ['-wal', '-shm']) {
        if (existsSync(path + suffix)) renameSync(path + suffix, movedTo + suffix);
      }
    } catch (error) {
      throw new ServiceError(
        'INTERNAL',
        `OrgDesk could not move its local database (${path}) aside.`,
        'Check that the folder is writable, or rename the file yourself and restart OrgDesk.',
        { cause: error },
      );
    }
  }
  const { migrations } = options;
  return { movedTo, database: openDatabase(migrations === undefined ? { folder: options.folder } : { folder: options.folder, migrations }) };
}

function migrate(db: SqliteDatabase, migrations: readonly string[], path: string): number {
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > migrations.length) {
    throw new DamagedDatabaseError(
      `OrgDesk's local database (${path}) was written by a newer OrgDesk (schema ${current}, this version knows ${migrations.length}).`,
      'Update OrgDesk to the newest version, or move the database aside and start fresh (nothing is deleted; the newer OrgDesk can still open the moved file).',
      { path, problem: 'newer-version' },
    );
  }
  for (let version = current + 1; version <= migrations.length; version += 1) {
    const sql = migrations[version - 1] ?? '';
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
  return migrations.length;
}

class CorruptFile extends Error {}

function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CORRUPT_CODES.has(code);
}
