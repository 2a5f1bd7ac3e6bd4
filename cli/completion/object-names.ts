/**
 * The object names shell completion offers for `--object`: the org's global describe, kept per org in the user-data
 * folder (`completion/<org id>.objects.json`) by the commands that are connected anyway, so completing never waits on the
 * network. `orgs test` refreshes it; `query` and `load` write it when it is missing or a day old.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RestApi } from '../../core/salesforce';

const STALE_MS = 24 * 60 * 60 * 1000;

/** Where the object names of an org are kept. */
function objectNamesPath(userDataDir: string, orgId: string): string {
  return join(userDataDir, 'completion', `${orgId.replace(/[^\w-]/g, '_')}.objects.json`);
}

/** The kept object names of an org, or none. */
export async function readObjectNames(userDataDir: string, orgId: string): Promise<string[]> {
  try {
    const parsed = JSON.parse(await readFile(objectNamesPath(userDataDir, orgId), 'utf8')) as { objects?: unknown };
    return Array.isArray(parsed.objects) ? parsed.objects.filter((name): name is string => typeof name === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Fetches the org's object names and keeps them (`force`, or when missing or stale). Best effort: completion is a
 * convenience, so a failure here never fails the command that called it.
 */
export async function rememberObjectNames(userDataDir: string, orgId: string, rest: RestApi, options: { force?: boolean; signal?: AbortSignal } = {}): Promise<void> {
  const path = objectNamesPath(userDataDir, orgId);
  try {
    if (options.force !== true) {
      const kept = await stat(path).catch(() => null);
      if (kept !== null && Date.now() - kept.mtimeMs < STALE_MS) return;
    }
    const global = await rest.describeGlobal(options.signal);
    const objects = global.sobjects.map((object) => object.name).sort((a, b) => a.localeCompare(b));
    await mkdir(join(userDataDir, 'completion'), { recursive: true });
    await writeFile(`${path}.part`, JSON.stringify({ objects, savedAt: new Date().toISOString() }));
    await rename(`${path}.part`, path);
  } catch {
    // Completion falls back to no object names.
  }
}
