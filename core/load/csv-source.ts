/**
 * Reading a load's CSV file as a stream, never whole into memory: the shape (encoding, delimiter, line endings, headers, the
 * first rows, the record count and the hash) in one pass, then the data records again in file order. Bad input is refused
 * with a VALIDATION error naming its line (issue 9, item 7). Every read goes through OrgDesk's one CSV reader,
 * `core/csv/csv-scanner` (held to csv-parse by a fuzz test, at several times its speed).
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { CsvEncoding, LoadFileInfo } from '../../shared/ipc/domains/load';
import { fileError, invalid } from './csv-errors';
import { runRecords } from './csv-file-reader';
import type { RecordSink } from './csv-record-checks';
import { sniffHead } from './csv-sniff';

export { CSV_LIMITS } from './csv-limits';
export type { RecordSink } from './csv-record-checks';

/** What one streaming read of a CSV file learns: `LoadFileInfo` without main's handle, name and path. */
export type CsvShape = Omit<LoadFileInfo, 'fileId' | 'name' | 'path'>;

/** One data record: its 1-based row number (the header is row 0; blank lines are not rows) and its cells as text. */
export type CsvRecord = { row: number; values: string[] };

/** Options of `inspectCsvFile`. */
export type InspectOptions = {
  /** Read the file in this encoding instead of detecting UTF-8 (the offer made when UTF-8 breaks). */
  encoding?: CsvEncoding | undefined;
  signal?: AbortSignal | undefined;
  /** Bytes of the file read so far, once per chunk. */
  onProgress?: ((bytes: number) => void) | undefined;
};

/** Options of `readCsvRecords` and `forEachCsvRecord`. */
export type ReadOptions = {
  signal?: AbortSignal | undefined;
  /** The first data row to hand over (1-based); earlier rows are parsed but neither checked further nor handed over. */
  fromRow?: number | undefined;
  /** Bytes of the file read so far, once per chunk. */
  onProgress?: ((bytes: number) => void) | undefined;
};

/** Records `readCsvRecords` lets the reader run ahead of its consumer (plus at most one chunk's worth). */
const QUEUE_LIMIT = 2048;

/** Rows kept for the preview. */
const PREVIEW_ROWS = 50;

/**
 * Reads the whole file once, streaming: detects UTF-8 (with or without BOM; `encoding` reads Windows-1252 or ISO-8859-1
 * instead), the delimiter and the line ending, checks the header and every record, keeps the first 50 rows, counts the
 * records (not lines: a quoted cell may hold line breaks) and hashes the bytes. Refuses bad input with a VALIDATION error
 * naming the line: an empty file, a header without rows, ragged rows, an unclosed quote, binary bytes, text that is not
 * UTF-8, blank or duplicate headers, a field over 32,000 characters.
 */
export async function inspectCsvFile(path: string, options: InspectOptions = {}): Promise<CsvShape> {
  const encoding = options.encoding ?? 'utf-8';
  let sizeBytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    sizeBytes = info.size;
  } catch (error) {
    throw fileError(path, error);
  }
  if (sizeBytes === 0) {
    throw invalid('The file is empty: there is no header row and no data.', 'Choose a CSV file whose first line names the fields, followed by one line per record.');
  }
  const head = await sniffHead(path, encoding);
  const hash = createHash('sha256');
  const preview: string[][] = [];
  let headers: string[] = [];
  const rowCount = await runRecords({
    path,
    encoding,
    delimiter: head.delimiter,
    hash,
    signal: options.signal,
    onProgress: options.onProgress,
    onHeader: (h) => {
      headers = h;
    },
    onRecord: (values) => {
      if (preview.length < PREVIEW_ROWS) preview.push(values);
    },
  });
  if (headers.length === 0) {
    throw invalid('The file is empty: there is no header row and no data.', 'Choose a CSV file whose first line names the fields, followed by one line per record.');
  }
  if (rowCount === 0) {
    throw invalid('The file has a header row (line 1) but no data rows.', 'Add one line per record below the header, then open the file again.');
  }
  return {
    sizeBytes,
    sha256: hash.digest('hex'),
    encoding,
    bom: head.bom,
    delimiter: head.delimiter,
    lineEnding: head.lineEnding,
    headers,
    preview,
    rowCount,
  };
}

/**
 * Calls `onRecord` for each data record of a file already inspected, in file order, synchronously as the scanner finds
 * them (the fast path pre-flight uses; a returned promise holds the read); resolves with the number of data rows. Refuses what `inspectCsvFile` refuses, and
 * a header that differs from `shape.headers` (the file changed).
 */
export async function forEachCsvRecord(
  path: string,
  shape: Pick<CsvShape, 'encoding' | 'delimiter' | 'headers'>,
  options: ReadOptions,
  onRecord: RecordSink,
): Promise<number> {
  return runRecords({
    path,
    encoding: shape.encoding,
    delimiter: shape.delimiter,
    signal: options.signal,
    onProgress: options.onProgress,
    fromRow: options.fromRow,
    onHeader: (headers) => {
      if (headers.length !== shape.headers.length || headers.some((h, i) => h !== shape.headers[i])) {
        throw invalid(`The header row of ${path} changed since the file was opened.`, 'Open the file again to read its new columns.');
      }
    },
    onRecord,
  });
}

/**
 * The data records of a file already inspected, in file order, `row` 1-based (the header is row 0, excluded); `fromRow`
 * starts the hand-over at that row (for resume). Reads as a stream with back-pressure: at most a few thousand records wait
 * for the consumer whatever the file's size, and leaving the loop early stops the read. Same refusals as `forEachCsvRecord`.
 */
export async function* readCsvRecords(
  path: string,
  shape: Pick<CsvShape, 'encoding' | 'delimiter' | 'headers'>,
  options: ReadOptions = {},
): AsyncGenerator<CsvRecord, void, undefined> {
  let queue: CsvRecord[] = [];
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  let done = false;
  let failure: Error | undefined;
  const stop = new AbortController();
  const signal = options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal]);
  const run = forEachCsvRecord(path, shape, { ...options, signal }, (values, row) => {
    queue.push({ row, values });
    wakeConsumer?.();
    if (queue.length < QUEUE_LIMIT) return undefined;
    return new Promise<void>((resolve) => {
      wakeProducer = resolve;
    });
  }).then(
    () => {
      done = true;
      wakeConsumer?.();
    },
    (error: unknown) => {
      failure = error instanceof Error ? error : new Error(String(error));
      done = true;
      wakeConsumer?.();
    },
  );
  try {
    for (;;) {
      if (queue.length > 0) {
        const records = queue;
        queue = [];
        const resume = wakeProducer;
        wakeProducer = undefined;
        resume?.();
        yield* records;
        continue;
      }
      if (done) {
        if (failure !== undefined) throw failure;
        return;
      }
      await new Promise<void>((resolve) => {
        wakeConsumer = resolve;
      });
      wakeConsumer = undefined;
    }
  } finally {
    if (!done) {
      stop.abort();
      wakeProducer?.();
      await run;
    }
  }
}