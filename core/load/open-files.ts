import { randomUUID } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { CsvEncoding, LoadFileInfo } from '../../shared/ipc/domains/load';
import { ServiceError } from '../errors';
import { inspectCsvFile, type CsvShape } from './csv-source';
import type { LoadSource } from './load-source';
import { isUploadId, uploadFilePath } from './uploads';

/** A file `load:open` read: what the renderer was told, its shape for reading it again, and whether it is an upload. */
type OpenFile = { info: LoadFileInfo; shape: CsvShape; upload: boolean };

/** The open files of one load service, by file id. */
export type OpenFiles = {
  /** Reads a file (a path, or an upload in the upload folder) once, streaming, and keeps it open. */
  open(file: LoadSource, name: string | undefined, encoding: CsvEncoding | undefined, signal: AbortSignal | undefined): Promise<LoadFileInfo>;
  /** Reads a file at a path main chose (a failure file to retry) and keeps it open. */
  openPath(path: string, name: string, upload: boolean, encoding?: CsvEncoding, signal?: AbortSignal): Promise<LoadFileInfo>;
  /** An open file, or NOT_FOUND. */
  get(fileId: string): OpenFile;
  /** Forgets an open file and answers it (undefined when it was not open). */
  take(fileId: string): OpenFile | undefined;
  /** Whether some open file is this path. */
  holds(path: string): boolean;
  /** The paths of the open files. */
  paths(): string[];
};

/** Whether an upload id names a file that an open file or an unfinished load (`sources`) still reads. */
export function uploadInUse(uploadsDir: string, uploadId: string, sources: readonly string[]): boolean {
  const path = uploadFilePath(uploadsDir, uploadId);
  return path !== null && sources.some((source) => resolve(source) === resolve(path));
}

/** Builds the open-file registry; uploads are `<uploadsDir>/<uploadId>`. */
export function createOpenFiles(uploadsDir: string): OpenFiles {
  const files = new Map<string, OpenFile>();
  const openPath: OpenFiles['openPath'] = async (path, name, upload, encoding, signal) => {
    const shape = await inspectCsvFile(path, encoding === undefined ? { signal } : { encoding, signal });
    const fileId = randomUUID();
    const info: LoadFileInfo = { fileId, name, path, ...shape };
    files.set(fileId, { info, shape, upload });
    return info;
  };
  return {
    async open(file, name, encoding, signal) {
      if (file.kind === 'upload') {
        const path = uploadFilePath(uploadsDir, file.uploadId);
        if (path === null) throw new ServiceError('VALIDATION', 'That upload id is not one OrgDesk made.', 'Drop the file again.');
        return openPath(path, name ?? 'upload.csv', true, encoding, signal);
      }
      const path = resolve(file.path);
      return openPath(path, name ?? basename(path), false, encoding, signal);
    },
    openPath,
    get(fileId) {
      const file = files.get(fileId);
      if (file === undefined) throw new ServiceError('NOT_FOUND', 'That file is no longer open.', 'Drop or choose the file again.');
      return file;
    },
    take(fileId) {
      const file = files.get(fileId);
      files.delete(fileId);
      return file;
    },
    holds: (path) => [...files.values()].some((file) => file.info.path === path),
    paths: () => [...files.values()].map((file) => file.info.path),
  };
}

/** Removes the uploads in `uploadsDir` that no path of `referenced` names (a missing folder has none). */
export async function sweepUploads(uploadsDir: string, referenced: string[]): Promise<void> {
  const dir = resolve(uploadsDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const kept = new Set(referenced.map((path) => resolve(path)));
  for (const name of names) {
    const path = join(dir, name);
    if (isUploadId(name) && !kept.has(path)) await unlink(path).catch(() => undefined);
  }
}
