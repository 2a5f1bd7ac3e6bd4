export { DamagedDatabaseError, DATABASE_FILE, moveAsideAndStartFresh, openDatabase } from './database';
export type { DatabaseProblem, OpenDatabaseOptions, OrgDeskDatabase, SqliteDatabase } from './database';
export { MIGRATIONS } from './migrations';
export { createAppSettings } from './settings';
export type { AppSettings } from './settings';
