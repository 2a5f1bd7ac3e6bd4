/**
 * Optional persistence of the demo org (`dataDir`): the store as newline-delimited JSON (one row per line, so a million
 * Contacts never become one giant string), written to a temporary file and renamed into place.
 */
import { createReadStream, existsSync, mkdirSync, openSync, closeSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { StoreSnapshot } from './store';
import type { RecordRow } from './types';

const FILE = 'org.ndjson';

/** Writes a snapshot into `dataDir` (created if missing), replacing the previous one atomically. */
export function saveSnapshot(dataDir: string, snapshot: StoreSnapshot, extra: Record<string, unknown> = {}): void {
  mkdirSync(dataDir, { recursive: true });
  const target = join(dataDir, FILE);
  const temp = `${target}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, `${JSON.stringify({ version: snapshot.version, idCounters: snapshot.idCounters, autoNumbers: snapshot.autoNumbers, extra })}\n`);
    let buffer: string[] = [];
    for (const [objectName, rows] of Object.entries(snapshot.rows)) {
      for (const row of rows) {
        buffer.push(JSON.stringify([objectName, row]));
        if (buffer.length >= 5000) {
          writeSync(fd, `${buffer.join('\n')}\n`);
          buffer = [];
        }
      }
    }
    if (buffer.length > 0) writeSync(fd, `${buffer.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, target);
}

/** Reads the snapshot saved in `dataDir`, or undefined when there is none. */
export async function loadSnapshot(dataDir: string): Promise<{ snapshot: StoreSnapshot; extra: Record<string, unknown> } | undefined> {
  const path = join(dataDir, FILE);
  if (!existsSync(path)) return undefined;
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let header: { version: 1; idCounters: Record<string, number>; autoNumbers: Record<string, number>; extra?: Record<string, unknown> } | undefined;
  const rows: Record<string, RecordRow[]> = {};
  for await (const line of lines) {
    if (line.trim() === '') continue;
    if (!header) {
      header = JSON.parse(line) as typeof header;
      continue;
    }
    const [objectName, row] = JSON.parse(line) as [string, RecordRow];
    (rows[objectName] ??= []).push(row);
  }
  if (!header) return undefined;
  return { snapshot: { version: 1, idCounters: header.idCounters, autoNumbers: header.autoNumbers, rows }, extra: header.extra ?? {} };
}
