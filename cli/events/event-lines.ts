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

/** Ports of the writer. */
export type EventLineWriterOptions = {
  capture: Pick<EventCapture, 'get'>;
  output: NodeJS.WritableStream;
  /** Told once the output took these rows' lines (in order): where `orgdesk events` moves its checkpoint. */
  onWritten?: (rows: readonly EventRow[]) => void;
  /** Told of a row whose payload left the capture (its size limit) before its line could be written: no line, a gap. */
  onMissing?: (row: EventRow) => void;
};

/**
 * One NDJSON line per event, `{"channel","replayId","receivedAt","data"}` as the app's export writes it, the payload read
 * back from the capture (where the engine stored the batch). A full output (a slow pipe) is not buffered: the rows wait and
 * their payloads are read back from the capture in pages on `drain`, so memory stays flat whatever the rate. A line never
 * says `"data": null`: a payload no longer in the capture is reported through `onMissing` instead.
 */
export function createEventLineWriter(options: EventLineWriterOptions): EventLineWriter {
  const { capture, output } = options;
  const backlog: EventRow[] = [];
  let blocked = false;
  let count = 0;
  let waiters: Array<() => void> = [];

  const line = (row: EventRow): string | null => {
    const event = capture.get(row.seq);
    if (event === null) {
      options.onMissing?.(row);
      return null;
    }
    return `${JSON.stringify({ channel: row.channel, replayId: row.replayId, receivedAt: row.receivedAt, data: event.data })}\n`;
  };
  const send = (rows: readonly EventRow[]): void => {
    if (rows.length === 0) return;
    const text = rows
      .map(line)
      .filter((l) => l !== null)
      .join('');
    const written = (error?: Error | null): void => {
      if (error === undefined || error === null) options.onWritten?.(rows);
    };
    if (!output.write(text, written)) {
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
