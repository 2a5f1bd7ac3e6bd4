/**
 * Where an `--out` file left off, so a run killed between writing a line and moving its checkpoint does not write the line
 * again: the last replay id the file holds for a channel, after cutting off a line a kill left half-written.
 */
import { closeSync, existsSync, ftruncateSync, fstatSync, openSync, readSync } from 'node:fs';

/** How far back from the end the file is searched for the channel's last line. */
const TAIL_BYTES = 1 << 20;

/** The `length` bytes (or fewer, at the start) ending at `end`. */
function readBytes(fd: number, end: number, length: number): Buffer {
  const start = Math.max(0, end - length);
  const buffer = Buffer.alloc(end - start);
  readSync(fd, buffer, 0, buffer.length, start);
  return buffer;
}

/** The byte offset just after the last newline before `size` (0 when there is none). */
function afterLastNewline(fd: number, size: number): number {
  for (let end = size; end > 0; end -= 65_536) {
    const chunk = readBytes(fd, end, 65_536);
    const at = chunk.lastIndexOf(0x0a);
    if (at >= 0) return end - chunk.length + at + 1;
  }
  return 0;
}

/**
 * Cuts a torn last line off the file (one that does not end in a newline) and answers the replay id of the channel's last
 * complete line within the last MB, or null (no file, no such line). `repaired` says whether a torn line was cut.
 */
export function resumePointOfOutFile(path: string, channel: string): { replayId: number | null; repaired: boolean } {
  if (!existsSync(path)) return { replayId: null, repaired: false };
  const fd = openSync(path, 'r+');
  try {
    let size = fstatSync(fd).size;
    let repaired = false;
    if (size > 0 && readBytes(fd, size, 1)[0] !== 0x0a) {
      size = afterLastNewline(fd, size);
      ftruncateSync(fd, size);
      repaired = true;
    }
    const lines = readBytes(fd, size, TAIL_BYTES).toString('utf8').split('\n');
    if (size > TAIL_BYTES) lines.shift();
    for (let i = lines.length - 1; i >= 0; i -= 1) {
      try {
        const line = JSON.parse(lines[i] ?? '') as { channel?: unknown; replayId?: unknown };
        if (line.channel === channel && typeof line.replayId === 'number') return { replayId: line.replayId, repaired };
      } catch {
        // Not an event line (an empty one at the end): keep looking.
      }
    }
    return { replayId: null, repaired };
  } finally {
    closeSync(fd);
  }
}
