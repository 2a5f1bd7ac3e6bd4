import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { ServiceError } from '../errors';
import { toFileError } from '../files/file-errors';

/** An append-only text or byte file written in large pieces, whose every failure is a FILE error naming the path. */
export type FileSink = {
  readonly path: string;
  /** Bytes written so far (counted as queued). */
  readonly bytes: number;
  /** Queues text or bytes; resolves at once unless the buffer is full (then when it drains). */
  write(chunk: string | Uint8Array): Promise<void> | undefined;
  /** Hands everything queued so far to the OS (so a journal entry written next never counts rows only in memory). */
  flush(): Promise<void>;
  /** Flushes and closes the file (fsync'd when asked, for the journal's crash safety). */
  close(options?: { sync?: boolean }): Promise<void>;
  /** Closes the file without waiting for pending writes to matter (after a failure or a cancel). */
  destroy(): void;
};

const PIECE = 256 * 1024;

/** The FILE error for a file of a load that could not be written. */
export function fileWriteError(path: string, cause: unknown): ServiceError {
  return toFileError(cause, path, 'write', 'Free some space or pick a writable folder, then resume the load from its history.');
}

/**
 * Opens a file for appending pieces (`flags: 'w'` truncates, `'a'` appends). The stream's `error` event is always listened
 * to: a full disk or an unwritable folder rejects the next write or the close with a FILE error, never crashes main.
 */
export function createFileSink(path: string, flags: 'w' | 'a' = 'w'): FileSink {
  const stream: WriteStream = createWriteStream(path, { flags, highWaterMark: 1024 * 1024 });
  let failure: ServiceError | null = null;
  stream.on('error', (error) => {
    failure ??= fileWriteError(path, error);
  });
  let pending: (string | Uint8Array)[] = [];
  let pendingSize = 0;
  let bytes = 0;
  const check = (): void => {
    if (failure !== null) throw failure;
  };
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const piece = pending.every((p) => typeof p === 'string') ? Buffer.from(pending.join('')) : Buffer.concat(pending.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    pending = [];
    pendingSize = 0;
    if (!stream.write(piece)) {
      // Both listeners go once either fires (events.once would leave the other behind at every full buffer).
      await new Promise<void>((resolve) => {
        const resume = (): void => {
          stream.off('drain', resume);
          stream.off('close', resume);
          resolve();
        };
        stream.on('drain', resume);
        stream.on('close', resume);
      });
    }
    check();
  };
  return {
    path,
    get bytes() {
      return bytes;
    },
    write(chunk) {
      check();
      const size = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      bytes += size;
      pending.push(chunk);
      pendingSize += size;
      return pendingSize >= PIECE ? flush() : undefined;
    },
    async flush() {
      await flush();
      await new Promise<void>((resolve) => {
        // A write callback runs once every earlier write reached the file; a failure shows up through check() below.
        stream.write('', () => resolve());
      });
      check();
    },
    async close(options = {}) {
      await flush();
      stream.end();
      await finished(stream).catch((error: unknown) => {
        failure ??= fileWriteError(path, error);
      });
      check();
      if (options.sync === true) {
        // fsync so the journal never points at bytes still only in the OS cache.
        try {
          const handle = await open(path, 'r');
          await handle.sync().finally(() => handle.close());
        } catch (error) {
          throw fileWriteError(path, error);
        }
      }
    },
    destroy() {
      stream.destroy();
    },
  };
}
