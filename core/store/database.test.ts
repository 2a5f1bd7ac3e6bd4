import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceError } from '../errors';
import { DamagedDatabaseError, DATABASE_FILE, moveAsideAndStartFresh, openDatabase } from './database';
import { MIGRATIONS } from './migrations';
import { createAppSettings } from './settings';

const folders: string[] = [];
function freshFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'orgdesk-store-'));
  folders.push(folder);
  return folder;
}
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('creates orgdesk.db in WAL mode with every migration applied', () => {
    const folder = freshFolder();
    const database = openDatabase({ folder });
    expect(database.path).toBe(join(folder, DATABASE_FILE));
    expect(database.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const tables = database.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['org_profiles', 'app_settings']));
    database.close();
  });

  it('runs only the migrations a file has not seen yet when a new one is appended', () => {
    const folder = freshFolder();
    openDatabase({ folder, migrations: ['CREATE TABLE a (x INTEGER)'] }).close();
    const upgraded = openDatabase({ folder, migrations: ['CREATE TABLE a (x INTEGER)', 'ALTER TABLE a ADD COLUMN y TEXT'] });
    expect(upgraded.schemaVersion).toBe(2);
    const columns = upgraded.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('a');
    expect(columns).toEqual(['x', 'y']);
    upgraded.close();
  });

  it('rolls a failing migration back and leaves the version where it was', () => {
    const folder = freshFolder();
    expect(() => openDatabase({ folder, migrations: ['CREATE TABLE a (x INTEGER)', 'CREATE TABLE b (x); NOT SQL'] })).toThrow(ServiceError);
    const reopened = openDatabase({ folder, migrations: ['CREATE TABLE a (x INTEGER)'] });
    expect(reopened.db.pragma('user_version', { simple: true })).toBe(1);
    expect(reopened.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'b'").pluck().get()).toBe(0);
    reopened.close();
  });

  it('refuses a file written by a newer OrgDesk instead of guessing at its schema', () => {
    const folder = freshFolder();
    openDatabase({ folder, migrations: ['CREATE TABLE a (x)', 'CREATE TABLE b (x)'] }).close();
    expect(() => openDatabase({ folder, migrations: ['CREATE TABLE a (x)'] })).toThrow(/newer OrgDesk/);
    expect(() => openDatabase({ folder, migrations: ['CREATE TABLE a (x)'] })).toThrow(
      expect.objectContaining({ problem: 'newer-version', path: join(folder, DATABASE_FILE) }),
    );
  });

  it('reports a damaged file with a hint offering to move it aside, and leaves the file untouched', () => {
    const folder = freshFolder();
    const path = join(folder, DATABASE_FILE);
    writeFileSync(path, 'this is not a database, just some bytes '.repeat(200));
    const before = readFileSync(path);
    let caught: unknown;
    try {
      openDatabase({ folder });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DamagedDatabaseError);
    const error = caught as ServiceError;
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toMatch(/damaged/);
    expect(error.hint).toMatch(/[Mm]ove it aside/);
    expect(readFileSync(path)).toEqual(before);
  });

  it('moves a damaged file aside without deleting it and starts a fresh database', () => {
    const folder = freshFolder();
    const path = join(folder, DATABASE_FILE);
    writeFileSync(path, 'garbage '.repeat(1000));
    const { movedTo, database } = moveAsideAndStartFresh({ folder, now: new Date('2026-11-28T10:00:00Z') });
    expect(movedTo).toBe(`${path}.damaged-2026-11-28T10-00-00-000Z`);
    expect(readFileSync(movedTo ?? '', 'utf8')).toBe('garbage '.repeat(1000));
    expect(database.schemaVersion).toBe(MIGRATIONS.length);
    expect(readdirSync(folder)).toEqual(expect.arrayContaining([DATABASE_FILE, `${DATABASE_FILE}.damaged-2026-11-28T10-00-00-000Z`]));
    database.close();
    expect(existsSync(path)).toBe(true);
  });

  it('names a file from a newer OrgDesk for what it is when moving it aside', () => {
    const folder = freshFolder();
    openDatabase({ folder, migrations: ['CREATE TABLE a (x)', 'CREATE TABLE b (x)'] }).close();
    const { movedTo, database } = moveAsideAndStartFresh({ folder, problem: 'newer-version', now: new Date('2026-11-28T10:00:00Z') });
    database.close();
    expect(movedTo).toBe(join(folder, `${DATABASE_FILE}.newer-version-2026-11-28T10-00-00-000Z`));
    expect(existsSync(movedTo ?? '')).toBe(true);
  });
});

describe('createAppSettings', () => {
  it('remembers a value across reopening and forgets it when set to null', () => {
    const folder = freshFolder();
    const first = openDatabase({ folder });
    createAppSettings(first.db).set('activeOrgId', 'abc');
    first.close();
    const second = openDatabase({ folder });
    const settings = createAppSettings(second.db);
    expect(settings.get('activeOrgId')).toBe('abc');
    settings.set('activeOrgId', null);
    expect(settings.get('activeOrgId')).toBeNull();
    second.close();
  });
});
