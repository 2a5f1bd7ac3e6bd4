import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SaveFilePicker } from './file-pickers';

/**
 * The browser-mode picker: no dialog can open from main, so every export goes to one folder (`<userData>/exports/`)
 * under its suggested, timestamped name; the result of `query:export` tells the person where.
 */
export function createFolderSavePicker(folder: string): SaveFilePicker {
  return {
    pickSavePath: ({ suggestedName }) => {
      mkdirSync(folder, { recursive: true });
      return Promise.resolve(join(folder, suggestedName.replace(/[^\w.-]/g, '_')));
    },
  };
}
