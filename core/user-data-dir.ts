import { homedir } from 'node:os';
import { join } from 'node:path';

/** The folder Electron would use as `userData` for OrgDesk on this OS, so browser mode and the desktop app share their files. */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'OrgDesk');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'OrgDesk');
  return join(env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config'), 'OrgDesk');
}
