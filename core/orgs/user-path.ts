import { isAbsolute, join, resolve } from 'node:path';

/**
 * Turns a path a person typed into an absolute one: `~` and `~/...` start at their home folder, a relative path at `base`.
 *
 * The renderer has no native file dialog in browser mode, so people type paths; main answers with where the file really went.
 */
export function resolveUserPath(path: string, home: string, base: string): string {
  const trimmed = path.trim();
  if (trimmed === '~') return home;
  if (trimmed.startsWith('~/') || trimmed.startsWith('~\\')) return join(home, trimmed.slice(2));
  return isAbsolute(trimmed) ? resolve(trimmed) : resolve(base, trimmed);
}
