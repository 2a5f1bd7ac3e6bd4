import { resolve } from 'node:path';
import { defaultUserDataDir } from '../core/user-data-dir';

/** The environment variable that points the CLI at another user-data folder (tests, a second profile set). */
export const USER_DATA_ENV = 'ORGDESK_USER_DATA';

/**
 * The folder holding orgdesk.db: `--user-data-dir`, else `$ORGDESK_USER_DATA`, else the one the desktop app and browser mode
 * use on this OS (Electron's userData for OrgDesk), so the CLI sees the same profiles, history and keychain entries.
 */
export function resolveUserDataDir(given: string | undefined, env: NodeJS.ProcessEnv): string {
  const chosen = given ?? env[USER_DATA_ENV];
  return resolve(chosen === undefined || chosen === '' ? defaultUserDataDir(env) : chosen);
}
