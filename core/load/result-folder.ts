import { access, constants, mkdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { ServiceError } from '../errors';
import type { JournalLoad } from './load-journal';

/** Where a new load's files go: the chosen output folder, else beside the source (an upload's results go under `loadsDir`). */
export type ResultPlace = { fileName: string; sourcePath: string; upload: boolean; outputDir: string | undefined; loadsDir: string };

/** The result file paths of a load: `<name>.<first 8 of the load id>.<kind>.csv` in its result folder. */
export function resultPaths(place: ResultPlace, loadId: string): JournalLoad['files'] {
  const folder = place.outputDir ?? (place.upload ? join(place.loadsDir, 'results') : dirname(place.sourcePath));
  const base = basename(place.fileName, extname(place.fileName)) || 'load';
  const stamp = loadId.slice(0, 8);
  const file = (kind: string): string => join(folder, `${base}.${stamp}.${kind}.csv`);
  return { success: file('success'), failure: file('failure'), unprocessed: file('unprocessed'), excluded: file('excluded') };
}

/** Makes the load's work folder and its result folder, refusing (FILE) a result folder OrgDesk cannot write. */
export async function prepareFolders(workDir: string, files: JournalLoad['files']): Promise<void> {
  const folder = dirname(files.success);
  try {
    await mkdir(workDir, { recursive: true });
    await mkdir(folder, { recursive: true });
    await access(folder, constants.W_OK);
  } catch (error) {
    throw new ServiceError('FILE', `OrgDesk cannot write the result files into ${folder}.`, 'Pick a writable folder for the results, then start the load again.', { cause: error });
  }
}
