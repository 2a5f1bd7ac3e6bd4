export { openDatabase } from './database';
export type { OrgDeskDatabase, SqliteDatabase } from './database';
export { MIGRATIONS } from './migrations';
