/**
 * The event bus's retention: every published event (CDC, platform, gap) kept in publication order for a window of time
 * (shorter for some channels: 24 h standard-volume platform events) and a maximum count, with opaque increasing replay ids, scanned per channel by subscribers' cursors. With a `dataDir`
 * the retained events are appended to `events.ndjson` and read back at start, so replay survives a restart.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

/** One retained event: its replay id, publication time, the channels it is delivered on, and its `data` as JSON text. */
export type StoredEvent = { replayId: number; at: number; channels: readonly string[]; data: string };

/** Options of the log. */
export type EventLogOptions = {
  /** How long an event stays replayable (72 h on real orgs for CDC and high-volume platform events). */
  retentionMs: number;
  /** How many events are kept at most (the oldest go first). */
  maxEvents: number;
  /** A channel's own window when shorter than `retentionMs` (24 h standard-volume platform events); default `retentionMs`. */
  retentionFor?: (channel: string) => number;
  now: () => number;
  /** Folder where the retained events are kept on disk (`events.ndjson`). */
  dataDir?: string;
};

/** The retained events. */
export interface EventLog {
  /** Publishes an event on channels; `data` receives the new replay id and returns the event's `data` as JSON text. */
  append(channels: readonly string[], data: (replayId: number) => string): StoredEvent;
  /** The id of the newest event ever published (0 before the first). */
  latestId(): number;
  /** Every retained event (of `channel`, whose window may be shorter) has an id above this one. */
  lowWater(channel?: string): number;
  /** True when replaying after `replayId` (on `channel`) loses nothing: it lies between the low-water mark and the newest id. */
  canReplayAfter(replayId: number, channel?: string): boolean;
  /**
   * Events after `afterId` on `channel`, at most `limit`, oldest first; `scannedTo` is the id up to which the log was
   * read (a cursor can move there even when nothing matched).
   */
  scan(afterId: number, channel: string, limit: number): { events: StoredEvent[]; scannedTo: number };
  /** How many events are retained. */
  size(): number;
  /** Calls `listener` after every append. */
  onAppend(listener: (event: StoredEvent) => void): () => void;
  /** Forgets every retained event (ids keep increasing). */
  clear(): void;
  /** Writes what is pending to disk and closes the file. */
  close(): Promise<void>;
}

const FILE = 'events.ndjson';

function lineOf(event: StoredEvent): string {
  return `[${event.replayId},${event.at},${JSON.stringify(event.channels)},${event.data}]\n`;
}

function readRetained(path: string): StoredEvent[] {
  if (!existsSync(path)) return [];
  const out: StoredEvent[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const [replayId, at, channels, data] = JSON.parse(line) as [number, number, string[], unknown];
      out.push({ replayId, at, channels, data: JSON.stringify(data) });
    } catch {
      // A line cut short by a crash is skipped; the events before it are intact.
    }
  }
  return out;
}

/** Creates the log (reading `dataDir/events.ndjson` when there is one). */
export function createEventLog(options: EventLogOptions): EventLog {
  const path = options.dataDir === undefined ? undefined : join(options.dataDir, FILE);
  let events: StoredEvent[] = path === undefined ? [] : readRetained(path);
  let head = 0;
  let latest = events.at(-1)?.replayId ?? 0;
  let low = events.length > 0 ? (events[0] as StoredEvent).replayId - 1 : latest;
  let dropped = 0;
  const listeners = new Set<(event: StoredEvent) => void>();
  let file: WriteStream | undefined;
  let fileError: Error | undefined;

  const openFile = (): void => {
    if (path === undefined || options.dataDir === undefined) return;
    mkdirSync(options.dataDir, { recursive: true });
    file = createWriteStream(path, { flags: 'a' });
    file.on('error', (error) => {
      // The emulator keeps serving from memory; the next start simply replays less.
      fileError = error;
      file = undefined;
    });
  };

  /** Rewrites the file with only the retained events (at start and when most of it has expired). */
  const compact = (): void => {
    if (path === undefined) return;
    const temp = `${path}.tmp`;
    const pending = file;
    file = undefined;
    pending?.end();
    try {
      mkdirSync(options.dataDir as string, { recursive: true });
      writeFileSync(temp, events.slice(head).map(lineOf).join(''));
      renameSync(temp, path);
    } catch (error) {
      fileError = error instanceof Error ? error : new Error(String(error));
    }
    dropped = 0;
    openFile();
  };

  const prune = (): void => {
    const oldest = options.now() - options.retentionMs;
    while (head < events.length) {
      const first = events[head] as StoredEvent;
      if (events.length - head <= options.maxEvents && first.at >= oldest) break;
      low = first.replayId;
      head += 1;
      dropped += 1;
    }
    if (head > 4096 && head * 2 > events.length) {
      events = events.slice(head);
      head = 0;
    }
    if (path !== undefined && dropped > 10_000 && dropped > events.length - head) compact();
  };

  const firstAfter = (afterId: number): number => {
    let lo = head;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((events[mid] as StoredEvent).replayId <= afterId) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  /** The low-water mark of a channel with a shorter window: the newest id published before that window. */
  const channelLow = (channel: string | undefined): number => {
    prune();
    const window = channel === undefined || options.retentionFor === undefined ? options.retentionMs : options.retentionFor(channel);
    if (window >= options.retentionMs) return low;
    const oldest = options.now() - window;
    let lo = head;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((events[mid] as StoredEvent).at < oldest) lo = mid + 1;
      else hi = mid;
    }
    return lo > head ? Math.max(low, (events[lo - 1] as StoredEvent).replayId) : low;
  };

  prune();
  if (path !== undefined) compact();

  return {
    append(channels, data) {
      // Opaque ids: increasing but not contiguous, so no client can get away with computing them.
      const replayId = latest + 1 + (latest % 3);
      latest = replayId;
      const event: StoredEvent = { replayId, at: options.now(), channels, data: data(replayId) };
      events.push(event);
      if (file) file.write(lineOf(event));
      prune();
      for (const listener of listeners) listener(event);
      return event;
    },
    latestId: () => latest,
    lowWater: channelLow,
    canReplayAfter(replayId, channel) {
      return Number.isInteger(replayId) && replayId >= channelLow(channel) && replayId <= latest;
    },
    scan(afterId, channel, limit) {
      const out: StoredEvent[] = [];
      const from = options.retentionFor === undefined ? afterId : Math.max(afterId, channelLow(channel));
      let index = firstAfter(from);
      let scannedTo = from;
      for (; index < events.length && out.length < limit; index += 1) {
        const event = events[index] as StoredEvent;
        scannedTo = event.replayId;
        if (event.channels.includes(channel)) out.push(event);
      }
      if (index >= events.length) scannedTo = Math.max(scannedTo, latest);
      return { events: out, scannedTo };
    },
    size: () => events.length - head,
    onAppend(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    clear() {
      events = [];
      head = 0;
      low = latest;
      if (path !== undefined) compact();
    },
    async close() {
      const pending = file;
      file = undefined;
      if (pending) await new Promise<void>((resolve) => pending.end(() => resolve()));
      if (fileError) fileError = undefined;
    },
  };
}
