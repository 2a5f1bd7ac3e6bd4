import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fail, ok, type ErrorCode } from '../../shared/ipc/result';
import { WEB_PROTOCOL } from '../../shared/ipc/transport-protocol';
import { fileFailureReason } from '../../core/files/file-errors';
import { isUploadId, newUploadId, uploadFilePath } from '../../core/load/uploads';
import { readJsonBody, sendJson, sendJsonAndCutOff } from './http-body';

/** Where the web bridge streams a dropped file: `POST` starts an upload, `PUT /<id>` appends a chunk, `DELETE /<id>` drops it. */
export const UPLOAD_PATH = WEB_PROTOCOL.uploadPath;
/** The header of a chunk naming the byte offset it starts at (chunks come in order, each once). */
export const UPLOAD_OFFSET_HEADER = WEB_PROTOCOL.uploadOffsetHeader;
/** The default size cap of one upload (browser mode only; Electron reads the file in place). */
export const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;
/** The default cap of all uploads held at once (unfinished ones by their announced size, finished ones by their file). */
const DEFAULT_MAX_TOTAL_UPLOAD_BYTES = 8 * 1024 * 1024 * 1024;
/** The default number of uploads that may be under way at once. */
const DEFAULT_MAX_CONCURRENT_UPLOADS = 4;
/** How big a chunk the web bridge sends (the server takes any size up to twice this). */
const UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;
/** How long an unfinished upload may wait for its next chunk before it is removed. */
const DEFAULT_UPLOAD_IDLE_MS = 5 * 60_000;

const MAX_START_BODY_BYTES = 16 * 1024;

export { uploadFilePath, uploadsDirOf } from '../../core/load/uploads';

/** What a started upload answers: its id and the chunk size to send. */
type UploadStarted = { uploadId: string; chunkBytes: number };
/** What a chunk answers: the bytes received so far and whether the file is complete. */
type UploadChunkAnswer = { receivedBytes: number; complete: boolean };

/** How to build the upload route. */
export type UploadRouteOptions = {
  /** The private folder uploads are written to (created with mode 0700). */
  dir: string;
  /** The size cap of one upload in bytes. */
  maxBytes: number;
  /** The cap of all uploads held in the folder at once, in bytes (default 8 GB). */
  maxTotalBytes?: number;
  /** How many uploads may be under way at once (default 4). */
  maxConcurrent?: number;
  /** How long an unfinished upload may wait for its next chunk (default 5 minutes). */
  idleMs?: number;
  /** Whether a finished upload is in use by a load (an open file, an unfinished load): such an upload cannot be deleted. */
  inUse?: (uploadId: string) => boolean;
};

/** The upload route of browser mode; the server calls `handle` for `/api/upload` paths once the request guard let them in. */
export type UploadRoute = {
  /** Whether a request path belongs to this route. */
  owns(path: string): boolean;
  /** Answers one (already token-checked) request. */
  handle(request: IncomingMessage, response: ServerResponse, path: string): Promise<void>;
  /** Removes unfinished uploads and stops the idle timers (finished ones stay for the load service, which removes them). */
  dispose(): Promise<void>;
};

type Upload = { id: string; path: string; name: string; size: number; received: number; busy: boolean; timer: NodeJS.Timeout | undefined };

class UploadRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * Builds the route that streams a file from the browser to a private temporary file, in chunks: `POST /api/upload` with
 * `{ name, sizeBytes }` answers an uploadId (refused past the size cap), each `PUT /api/upload/<id>` with
 * `x-orgdesk-upload-offset` appends one chunk, streamed to disk (never whole in memory), and answers the bytes received.
 * The file is created with mode 0600 in a 0700 folder; an upload aborted, over its size, or idle too long is removed.
 * Besides the per-file cap, uploads are capped in total bytes held and in how many run at once; a body past its cap is
 * cut off (the connection closes after the answer), never drained.
 */
export function createUploadRoute(options: UploadRouteOptions): UploadRoute {
  const idleMs = options.idleMs ?? DEFAULT_UPLOAD_IDLE_MS;
  const receiving = new Map<string, Upload>();

  const remove = async (upload: Upload): Promise<void> => {
    clearTimeout(upload.timer);
    receiving.delete(upload.id);
    await rm(upload.path, { force: true });
  };

  const armIdle = (upload: Upload): void => {
    clearTimeout(upload.timer);
    upload.timer = setTimeout(() => void remove(upload).catch(() => undefined), idleMs);
    upload.timer.unref();
  };

  const maxTotalBytes = options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_UPLOAD_BYTES;
  const maxConcurrent = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT_UPLOADS;

  /** The bytes of finished uploads still in the folder (the load service removes them once closed or loaded). */
  const finishedBytes = async (): Promise<number> => {
    const names = await readdir(options.dir).catch(() => [] as string[]);
    const sizes = await Promise.all(
      names.filter((name) => isUploadId(name) && !receiving.has(name)).map((name) => stat(join(options.dir, name)).then((info) => info.size, () => 0)),
    );
    return sizes.reduce((sum, size) => sum + size, 0);
  };

  /** Refuses a new upload past the concurrency or total cap (checked after the last await, so two starts cannot both pass). */
  const assertRoomFor = (name: string, sizeBytes: number, finished: number): void => {
    if (receiving.size >= maxConcurrent) {
      throw new UploadRefused(429, 'LIMIT', `${receiving.size} files are already being sent to OrgDesk.`, 'Wait until they are in, then drop this file again.');
    }
    const held = finished + [...receiving.values()].reduce((sum, upload) => sum + upload.size, 0);
    if (held + sizeBytes > maxTotalBytes) {
      throw new UploadRefused(
        413,
        'LIMIT',
        `${name} (${formatBytes(sizeBytes)}) does not fit: browser mode holds at most ${formatBytes(maxTotalBytes)} of dropped files, and ${formatBytes(held)} are held now.`,
        'Close the files you no longer need in the Load area (or wait for their loads to end), then drop this file again.',
      );
    }
  };

  const start = async (request: IncomingMessage): Promise<UploadStarted> => {
    const body = await readJsonBody(request, MAX_START_BODY_BYTES, 'The upload request');
    if (!body.ok) throw new UploadRefused(body.status, 'VALIDATION', body.message);
    const parsed = body.value;
    const { name, sizeBytes } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { name?: unknown; sizeBytes?: unknown };
    if (typeof name !== 'string' || name.length === 0 || name.length > 1000 || typeof sizeBytes !== 'number' || !Number.isSafeInteger(sizeBytes) || sizeBytes < 0) {
      throw new UploadRefused(400, 'VALIDATION', 'An upload needs the file name and its size in bytes.');
    }
    if (sizeBytes > options.maxBytes) {
      throw new UploadRefused(
        413,
        'VALIDATION',
        `${name} is ${formatBytes(sizeBytes)}: browser mode accepts files up to ${formatBytes(options.maxBytes)}.`,
        'Split the file, start browser mode with a higher cap (`npm run web -- --max-upload-mb 4096`), or use the desktop app, which reads the file where it is.',
      );
    }
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    assertRoomFor(name, sizeBytes, await finishedBytes());
    const id = newUploadId();
    const path = join(options.dir, id);
    // Held from here (before the file exists), so the caps count it while it is being created.
    const upload: Upload = { id, path, name, size: sizeBytes, received: 0, busy: false, timer: undefined };
    receiving.set(id, upload);
    try {
      // 'wx': a new file only, private to this user (the umask can only take bits away from 0600).
      await (await open(path, 'wx', 0o600)).close();
    } catch (error) {
      receiving.delete(id);
      throw new UploadRefused(507, 'FILE', `OrgDesk could not create its upload file in ${options.dir}.`, fileHint(error));
    }
    armIdle(upload);
    return { uploadId: id, chunkBytes: UPLOAD_CHUNK_BYTES };
  };

  const append = async (request: IncomingMessage, upload: Upload): Promise<UploadChunkAnswer> => {
    const offset = Number(request.headers[UPLOAD_OFFSET_HEADER]);
    if (upload.busy) throw new UploadRefused(409, 'VALIDATION', `A chunk of ${upload.name} is already being received.`, 'Send the chunks one after another.');
    if (!Number.isSafeInteger(offset) || offset !== upload.received) {
      throw new UploadRefused(409, 'VALIDATION', `The chunk of ${upload.name} starts at byte ${String(request.headers[UPLOAD_OFFSET_HEADER])}, but ${upload.received} bytes were received.`, 'Send the chunks in order, each once.');
    }
    upload.busy = true;
    clearTimeout(upload.timer);
    let received = upload.received;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        // Past what was announced (or a chunk past its size), reading stops here: the answer goes out and the body is cut off.
        if (received > upload.size || received - offset > 2 * UPLOAD_CHUNK_BYTES) {
          callback(new UploadRefused(413, 'VALIDATION', `${upload.name} sent more bytes than it announced (${formatBytes(upload.size)}).`, 'Drop the file again.'));
          return;
        }
        callback(null, chunk);
      },
    });
    // The request is piped into a stand-in: a failed write ends the stand-in, not the request's socket, so the answer goes out.
    const body = new PassThrough();
    request.pipe(body);
    // A browser that goes away mid-chunk never ends the request: end the stand-in so the upload is removed, not left hanging.
    const interrupted = (): void => {
      if (!request.complete) body.destroy(new UploadRefused(400, 'CANCELLED', `The upload of ${upload.name} was interrupted.`, 'Drop the file again.'));
    };
    request.once('close', interrupted);
    try {
      await pipeline(body, meter, createWriteStream(upload.path, { flags: 'a', mode: 0o600 }));
    } catch (error) {
      await remove(upload);
      if (error instanceof UploadRefused) throw error;
      throw new UploadRefused(507, 'FILE', `OrgDesk could not write ${upload.path}.`, fileHint(error));
    } finally {
      request.off('close', interrupted);
    }
    upload.busy = false;
    upload.received = received;
    const complete = received === upload.size;
    if (complete) {
      // Finished: the file now belongs to the load service (load:open reads it, load:close removes it).
      clearTimeout(upload.timer);
      receiving.delete(upload.id);
    } else {
      armIdle(upload);
    }
    return { receivedBytes: received, complete };
  };

  const drop = async (id: string): Promise<{ removed: boolean }> => {
    const upload = receiving.get(id);
    if (upload !== undefined) {
      await remove(upload);
      return { removed: true };
    }
    if (options.inUse?.(id) === true) {
      throw new UploadRefused(409, 'VALIDATION', 'This file is in use by a load in OrgDesk, so it cannot be removed now.', 'Close the file in the Load area, or wait for its load to end.');
    }
    const path = uploadFilePath(options.dir, id);
    const exists = path !== null && (await stat(path).then(() => true, () => false));
    if (path !== null) await rm(path, { force: true });
    return { removed: exists };
  };

  return {
    owns: (path) => path === UPLOAD_PATH || path.startsWith(`${UPLOAD_PATH}/`),
    async handle(request, response, path) {
      const id = path === UPLOAD_PATH ? null : path.slice(UPLOAD_PATH.length + 1);
      try {
        if (id === null) {
          if (request.method !== 'POST') throw new UploadRefused(405, 'VALIDATION', 'Start an upload with POST.');
          return sendJson(response, 201, ok(await start(request)));
        }
        if (!isUploadId(id)) throw new UploadRefused(404, 'NOT_FOUND', 'There is no such upload.');
        if (request.method === 'DELETE') return sendJson(response, 200, ok(await drop(id)));
        if (request.method !== 'PUT') throw new UploadRefused(405, 'VALIDATION', 'Send a chunk with PUT.');
        const upload = receiving.get(id);
        if (upload === undefined) throw new UploadRefused(404, 'NOT_FOUND', 'This upload is finished, removed or unknown.', 'Drop the file again.');
        return sendJson(response, 200, ok(await append(request, upload)));
      } catch (error) {
        if (!(error instanceof UploadRefused)) throw error;
        const answer = fail(error.code, error.message, error.hint);
        // A body not read to its end is cut off after the answer, never drained.
        if (request.complete) return sendJson(response, error.status, answer);
        return sendJsonAndCutOff(request, response, error.status, answer);
      }
    },
    async dispose() {
      await Promise.all([...receiving.values()].map((upload) => remove(upload).catch(() => undefined)));
    },
  };
}

/** Why an upload file could not be written, and what to do (drop the file again once the folder can take it). */
function fileHint(error: unknown): string {
  const reason = fileFailureReason(error);
  const why = reason === undefined ? '' : `${reason.what.charAt(0).toUpperCase()}${reason.what.slice(1)}: `;
  return `${why}check that OrgDesk's user data folder exists, is writable and has free space, then drop the file again.`;
}

/** A size as a person reads it (`1.5 GB`, `820 KB`). */
function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit] ?? ''}`;
}
