import type { EventRow } from '../../shared/ipc/domains/events';
import type { EventCapture } from '../../core/events';

/** How many waiting events are read back from the capture per write once the output drains. */
const BACKLOG_PAGE = 500;

/** Writes the engine's batches as NDJSON lines, holding only rows (never payloads) in memory while the output is full. */
export type EventLineWriter = {
  /** Writes a batch's rows as one chunk, or queues their seqs while the output is full. */
  write(rows: readonly EventRow[]): void;
  /** Events handed to the writer so far. */
  count(): number;
  /** Resolves once every queued event is written (before the output is closed). */
  settled(): Promise<void>;
};

/**
 * One NDJSON line per event, `{"channel","replayId","receivedAt","data"}` as the app's export writes it, the payload read
 * back from the capture (where the engine stored the batch). A full output (a slow pipe) is not buffered: the rows wait and
 * their payloads are read back from the capture in pages on `drain`, so memory stays flat whatever the rate.
 */
export function createEventLineWriter(options: { capture: Pick<EventCapture, 'get'>; output: NodeJS.WritableStream }): EventLineWriter {
  const { capture, output } = options;
  const backlog: EventRow[] = [];
  let blocked = false;
  let count = 0;
  let waiters: Array<() => void> = [];

  const line = (row: EventRow): string => {
    // A batch the capture could not store (a full disk) has provisional negative seqs and no payload to read back.
    const data = row.seq > 0 ? (capture.get(row.seq)?.data ?? null) : null;
    return `${JSON.stringify({ channel: row.channel, replayId: row.replayId, receivedAt: row.receivedAt, data })}\n`;
  };
  const send = (rows: readonly EventRow[]): void => {
    if (rows.length === 0) return;
    if (!output.write(rows.map(line).join(''))) {
      blocked = true;
      output.once('drain', drain);
    }
  };
  const drain = (): void => {
    blocked = false;
    while (!blocked && backlog.length > 0) send(backlog.splice(0, BACKLOG_PAGE));
    if (!blocked && backlog.length === 0) {
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    }
  };

  return {
    write(rows) {
      count += rows.length;
      if (blocked || backlog.length > 0) {
        // Only the row (ids and header fields) waits; the payload stays in the capture until the output takes it.
        backlog.push(...rows);
        return;
      }
      send(rows);
    },
    count: () => count,
    settled: () => (blocked || backlog.length > 0 ? new Promise((resolve) => waiters.push(resolve)) : Promise.resolve()),
  };
}
