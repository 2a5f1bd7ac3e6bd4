import { existsSync, mkdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { SaveFilePicker } from './file-pickers';

/**
 * The browser-mode picker: no dialog can open from main, so every export goes to one folder (`<userData>/exports/`)
 * under its suggested, timestamped name (with `-2`, `-3`, ... before the extension when that name is taken: nobody is there
 * to confirm replacing a file); the result of `query:export` tells the person where.
 */
export function createFolderSavePicker(folder: string): SaveFilePicker {
  return {
    pickSavePath: ({ suggestedName }) => {
      mkdirSync(folder, { recursive: true });
      return Promise.resolve(freePath(folder, suggestedName.replace(/[^\w.-]/g, '_')));
    },
  };
}

/** `name` in `folder`, or the first `name-N.ext` that does not exist yet. */
function freePath(folder: string, name: string): string {
  const extension = extname(name);
  const stem = name.slice(0, name.length - extension.length);
  let candidate = join(folder, name);
  for (let n = 2; existsSync(candidate); n += 1) candidate = join(folder, `${stem}-${n}${extension}`);
  return candidate;
}
