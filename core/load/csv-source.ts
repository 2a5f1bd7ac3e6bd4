/**
 * Reading a load's CSV file as a stream, never whole into memory: the shape (encoding, delimiter, line endings, headers, the
 * first rows, the record count and the hash) in one pass, then the data records again in file order. Bad input is refused
 * with a VALIDATION error naming its line (issue 9, item 7). Opening a file parses it with csv-parse's streaming parser;
 * the records of an opened file are read again (pre-flight, job planning) by `csv-scanner`, which reads exactly what that
 * csv-parse configuration reads at several times its speed.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { pipeline, Transform, Writable, type Readable, type TransformCallback } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import { parse, CsvError, type Parser } from 'csv-parse';
import iconv from 'iconv-lite';
import { createCsvScanner, CsvScanError } from './csv-scanner';
import type { CsvDelimiter, CsvEncoding, LoadFileInfo } from '../../shared/ipc/domains/load';
import { ServiceError } from '../errors';

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
  /**
   * The reader: csv-parse (the default), or the scanner pre-flight reads with, which agrees with csv-parse on every test
   * and fuzz case and opens a 1M-row file about 4 times faster.
   */
  reader?: CsvReader | undefined;
};

/** Which parser reads a file's records: the csv-parse library, or OrgDesk's faster scanner that reads the same. */
export type CsvReader = 'csv-parse' | 'scanner';

/** Options of `readCsvRecords` and `forEachCsvRecord`. */
export type ReadOptions = {
  signal?: AbortSignal | undefined;
  /** The first data row to hand over (1-based); earlier rows are parsed but neither checked further nor handed over. */
  fromRow?: number | undefined;
  /** Bytes of the file read so far, once per chunk. */
  onProgress?: ((bytes: number) => void) | undefined;
};

/** Salesforce's CSV limits (salesforce-api.md §4.7): characters per field, per header row and per record. */
export const CSV_LIMITS = { fieldChars: 32_000, headerChars: 32_000, recordChars: 400_000 } as const;

/** The delimiters detected, in the order a tie is broken. */
const DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t', '|', '^', '`'];

/** Records `readCsvRecords` lets the reader run ahead of its consumer (plus at most one chunk's worth). */
const QUEUE_LIMIT = 2048;

/** Rows kept for the preview. */
const PREVIEW_ROWS = 50;

/** Bytes read at the start of the file to detect the delimiter and the line ending. */
const SNIFF_BYTES = 256 * 1024;

/** Chunk size of the file stream: large enough that per-chunk costs vanish, small enough to keep memory flat. */
const CHUNK_BYTES = 1024 * 1024;

/** csv-parse's buffer guard in bytes: a record of 400,000 characters of up to 4 UTF-8 bytes, so a runaway quote stops. */
const MAX_RECORD_BYTES = CSV_LIMITS.recordChars * 4;

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

const DELIMITER_NAMES: Record<CsvDelimiter, string> = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
  '|': 'pipe',
  '^': 'caret',
  '`': 'backquote',
};

/** The name of a delimiter as a person reads it in a message ("semicolon"). */
export function delimiterName(delimiter: CsvDelimiter): string {
  return DELIMITER_NAMES[delimiter];
}

function invalid(message: string, hint: string): ServiceError {
  return new ServiceError('VALIDATION', message, hint);
}

function fileError(path: string, error: unknown): ServiceError {
  const code = (error as { code?: unknown }).code;
  const why =
    code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission was denied' : code === 'EISDIR' ? 'it is a folder' : 'it could not be read';
  return new ServiceError('FILE', `OrgDesk could not read ${path}: ${why}.`, 'Check that the file exists and that you may read it, then open it again.', {
    cause: error,
  });
}

function cancelled(): ServiceError {
  return new ServiceError('CANCELLED', 'Reading the CSV file was cancelled.', 'Open the file again when you are ready.');
}

/** What the first bytes of the file say about it. */
type Head = { bom: boolean; delimiter: CsvDelimiter; lineEnding: 'LF' | 'CRLF' };

/**
 * Reads the first bytes: refuses an empty file and UTF-16 (its byte-order mark), notes a UTF-8 BOM, and finds the delimiter
 * (the candidate that appears in the header and the same number of times, outside quotes, in each of the next records) and
 * the line ending of the first record.
 */
async function sniffHead(path: string, encoding: CsvEncoding): Promise<Head> {
  let bytes: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
      bytes = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw fileError(path, error);
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw invalid('The file is UTF-16 text; Bulk API 2.0 reads only UTF-8.', 'Save it as "CSV UTF-8" (Excel: Save As → CSV UTF-8), then open it again.');
  }
  const bom = encoding === 'utf-8' && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const text = encoding === 'utf-8' ? body.toString('utf8') : iconv.decode(body, encoding);
  if (text.trim() === '') {
    throw invalid('The file is empty: there is no header row and no data.', 'Choose a CSV file whose first line names the fields, followed by one line per record.');
  }
  return { bom, delimiter: detectDelimiter(text, bytes.length === SNIFF_BYTES), lineEnding: detectLineEnding(text) };
}

/** Counts each candidate delimiter outside quotes, per record, over the first few records of `text`. */
function detectDelimiter(text: string, truncated: boolean): CsvDelimiter {
  const counts: number[][] = [];
  let current = DELIMITERS.map(() => 0);
  let quoted = false;
  for (let i = 0; i < text.length && counts.length < 20; i += 1) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '\n') {
      counts.push(current);
      current = DELIMITERS.map(() => 0);
    } else {
      const d = DELIMITERS.indexOf(c as CsvDelimiter);
      if (d !== -1) current[d] = (current[d] ?? 0) + 1;
    }
  }
  // The record cut off by the end of the sample is not a fair sample; a last record without a newline is.
  if (!truncated && !quoted && current.some((n) => n > 0)) counts.push(current);
  const [header, ...rows] = counts.length > 0 ? counts : [current];
  let best: CsvDelimiter = ',';
  let bestScore = 0;
  DELIMITERS.forEach((delimiter, d) => {
    const inHeader = header?.[d] ?? 0;
    if (inHeader === 0) return;
    const consistent = rows.every((row) => row[d] === inHeader);
    // Consistency across records weighs more than frequency: a comma inside text must not beat the real delimiter.
    const score = (consistent ? 1_000_000 : 0) + inHeader;
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  });
  return best;
}

/** The line ending of the first record: CRLF when its terminating LF follows a CR, LF otherwise. */
function detectLineEnding(text: string): 'LF' | 'CRLF' {
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) quoted = !quoted;
    else if (c === LF && !quoted) return i > 0 && text.charCodeAt(i - 1) === CR ? 'CRLF' : 'LF';
  }
  return 'LF';
}

/** Where a byte offset falls: its 1-based line and 1-based byte within that line, by counting LFs up to it. */
async function lineAt(path: string, offset: number): Promise<{ line: number; byte: number }> {
  let line = 1;
  let lineStart = 0;
  let position = 0;
  const stream = createReadStream(path, { end: Math.max(0, offset - 1), highWaterMark: CHUNK_BYTES });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) {
      line += 1;
      lineStart = position + i + 1;
    }
    position += chunk.length;
  }
  return { line, byte: offset - lineStart + 1 };
}

/** The line of the quote that opens a field never closed, scanning bytes (quote and LF are the same in every encoding read). */
async function unclosedQuoteLine(path: string): Promise<number | undefined> {
  let line = 1;
  let quoted = false;
  let openedOn = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i += 1) {
      const b = chunk[i];
      if (b === QUOTE) {
        quoted = !quoted;
        if (quoted) openedOn = line;
      } else if (b === LF) line += 1;
    }
  }
  return quoted ? openedOn : undefined;
}

/** Length of the longest prefix of `bytes` that ends on a UTF-8 character boundary (at most 3 bytes are held back). */
function completeUtf8Length(bytes: Buffer): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back += 1) {
    const b = bytes[n - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/** The offset of the first byte that breaks UTF-8 in `bytes` (which `isUtf8` refused). */
function firstBadUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need === -1) return i;
    for (let k = 1; k <= need; k += 1) {
      if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    }
    const probe = bytes.subarray(i, i + need + 1);
    if (!isUtf8(probe)) return i; // overlong forms and surrogates
    i += need + 1;
  }
  return bytes.length;
}

/**
 * The byte stage before the parser: hashes and counts the raw bytes, drops a UTF-8 BOM, refuses NUL bytes (binary files,
 * spreadsheets, UTF-16 without a BOM) and bytes that are not UTF-8, naming line and byte; for Windows-1252 and ISO-8859-1
 * it decodes through iconv-lite and hands UTF-8 on, so the parser always reads UTF-8.
 */
function createByteStage(input: {
  path: string;
  encoding: CsvEncoding;
  hash: Hash | undefined;
  onProgress: ((bytes: number) => void) | undefined;
}): Transform {
  const { path, encoding, hash, onProgress } = input;
  const decoder = encoding === 'utf-8' ? undefined : iconv.getDecoder(encoding);
  let position = 0;
  let first = true;
  let carry: Buffer | undefined;
  const refuse = (offset: number, what: (at: { line: number; byte: number }) => ServiceError, callback: TransformCallback): void => {
    lineAt(path, offset).then(
      (at) => callback(what(at)),
      (error: unknown) => callback(fileError(path, error)),
    );
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash?.update(chunk);
      const start = position;
      position += chunk.length;
      onProgress?.(position);
      let bytes = chunk;
      let skip = 0;
      if (first) {
        first = false;
        if (encoding === 'utf-8' && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) skip = 3;
      }
      const nul = bytes.indexOf(0, skip);
      if (nul !== -1) {
        refuse(
          start + nul,
          (at) =>
            invalid(
              `Line ${at.line} holds binary data (a NUL byte at byte ${at.byte} of the line): this is not a CSV text file.`,
              'Is it a spreadsheet (.xlsx) or UTF-16 text? Save it as "CSV UTF-8" and open it again.',
            ),
          callback,
        );
        return;
      }
      if (decoder !== undefined) {
        callback(null, Buffer.from(decoder.write(bytes), 'utf8'));
        return;
      }
      if (skip > 0) bytes = bytes.subarray(skip);
      const carried = carry?.length ?? 0;
      if (carry !== undefined) {
        bytes = Buffer.concat([carry, bytes]);
        carry = undefined;
      }
      const whole = completeUtf8Length(bytes);
      const body = whole === bytes.length ? bytes : bytes.subarray(0, whole);
      if (!isUtf8(body)) {
        const offset = start + skip - carried + firstBadUtf8(body);
        const bad = (body[offset - (start + skip - carried)] ?? 0).toString(16).toUpperCase().padStart(2, '0');
        refuse(
          offset,
          (at) =>
            invalid(
              `Line ${at.line} is not valid UTF-8 at byte ${at.byte} of the line (byte 0x${bad} at offset ${offset} of the file).`,
              'The file looks like Windows-1252 or ISO-8859-1 text (saved by an older Excel): read it as Windows-1252, or save it as "CSV UTF-8".',
            ),
          callback,
        );
        return;
      }
      if (whole < bytes.length) carry = Buffer.from(bytes.subarray(whole));
      callback(null, body);
    },
    flush(callback) {
      if (decoder !== undefined) {
        const rest = decoder.end();
        callback(null, rest === undefined || rest === '' ? undefined : Buffer.from(rest, 'utf8'));
        return;
      }
      if (carry !== undefined) {
        refuse(
          position - carry.length,
          (at) =>
            invalid(
              `Line ${at.line} is not valid UTF-8 at byte ${at.byte} of the line: the file ends in the middle of a character.`,
              'The file may be cut short; read it as Windows-1252 or save it again as "CSV UTF-8".',
            ),
          callback,
        );
        return;
      }
      callback();
    },
  });
}

function createParser(delimiter: CsvDelimiter): Parser {
  return parse({
    delimiter,
    quote: '"',
    escape: '"',
    record_delimiter: ['\r\n', '\n'],
    // Ragged rows and blank lines are told apart (and named with their line) by the record stage, not refused bare.
    relax_column_count: true,
    skip_empty_lines: false,
    max_record_size: MAX_RECORD_BYTES,
  });
}

/** Turns what the parser throws into a message naming the line; anything else passes through. */
async function explainParseError(path: string, error: CsvError | CsvScanError, headers: readonly string[]): Promise<ServiceError> {
  // csv-parse's codes, and the scanner's same codes without the prefix.
  const code = error instanceof CsvScanError ? (`CSV_${error.code}` as const) : error.code === 'INVALID_OPENING_QUOTE' ? 'CSV_INVALID_OPENING_QUOTE' : error.code;
  const line = error instanceof CsvScanError ? error.line : ((error as unknown as { lines?: number }).lines ?? 0);
  const columnIndex = error instanceof CsvScanError ? error.column : (error as unknown as { column?: unknown }).column;
  const column = typeof columnIndex === 'number' && headers[columnIndex] !== undefined ? ` (column "${headers[columnIndex]}")` : '';
  const quoteHint = 'Quote the whole field and double every quote inside it ("He said ""hi"""), then open the file again.';
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
    case 'CSV_MAX_RECORD_SIZE': {
      const opened = await unclosedQuoteLine(path).catch(() => undefined);
      if (opened !== undefined) {
        return invalid(`Line ${opened} opens a quoted field that is never closed: the rest of the file would be read as one value.`, quoteHint);
      }
      return invalid(
        `The record ending on line ${line} is longer than Salesforce's limit of ${CSV_LIMITS.recordChars.toLocaleString('en-US')} characters per record.`,
        'Split the long values into several fields or records.',
      );
    }
    case 'CSV_INVALID_CLOSING_QUOTE':
      return invalid(`Line ${line}${column}: a quoted field is followed by other characters before the next delimiter.`, quoteHint);
    case 'CSV_INVALID_OPENING_QUOTE':
      return invalid(
        `Line ${line}${column}: a quote appears inside a field that does not start with one (Salesforce refuses such a row, e.g. a space before the quote).`,
        quoteHint,
      );
    default:
      return invalid(`Line ${line}: the CSV cannot be read (${error.message}).`, 'Check the quoting and the delimiter on that line, then open the file again.');
  }
}

/** Checks the header row: blank names, duplicates (case-insensitive, as Salesforce field names are) and its length. */
function checkHeaders(headers: readonly string[], delimiter: CsvDelimiter): void {
  const length = headers.reduce((sum, h) => sum + h.length, 0) + Math.max(0, headers.length - 1);
  if (length > CSV_LIMITS.headerChars) {
    throw invalid(
      `The header row (line 1) has ${length.toLocaleString('en-US')} characters; Salesforce reads at most ${CSV_LIMITS.headerChars.toLocaleString('en-US')}.`,
      `Check that the file is delimited by ${delimiterName(delimiter)}s and that the first line holds only the field names.`,
    );
  }
  const seen = new Map<string, number>();
  headers.forEach((header, i) => {
    if (header.trim() === '') {
      throw invalid(`Column ${i + 1} of the header row (line 1) has no name.`, 'Give every column a name (a field name or a label), or delete the empty column.');
    }
    const key = header.trim().toLowerCase();
    const before = seen.get(key);
    if (before !== undefined) {
      throw invalid(
        `The header row (line 1) names "${header.trim()}" twice, in columns ${before + 1} and ${i + 1}.`,
        'Rename or delete one of the two columns: each column must map to a different field.',
      );
    }
    seen.set(key, i);
  });
}

/** What the record stage hands each data record to; a returned promise holds the read (back-pressure) until it settles. */
export type RecordSink = (values: string[], row: number) => Promise<void> | undefined | void;

/** The record checks both readers share: `take` throws a VALIDATION error naming the line, or hands the record on. */
type RecordChecker = {
  take(values: string[]): Promise<void> | undefined;
  readonly rows: number;
  readonly headers: string[];
};

/**
 * The record checks: the header (checked), then each data record with its row number, after the checks that refuse the
 * file — a row with more or fewer cells than the header, a field over 32,000 characters, a record over 400,000. Blank
 * lines are skipped. It counts lines itself (1 + the line breaks inside quoted cells) so each refusal names its line.
 */
function createRecordChecker(input: {
  delimiter: CsvDelimiter;
  onHeader: (headers: string[]) => void;
  onRecord: RecordSink;
  fromRow: number;
}): RecordChecker {
  const { delimiter, onHeader, onRecord, fromRow } = input;
  let headers: string[] | undefined;
  let width = 0;
  let row = 0;
  let line = 1;
  return {
    get rows() {
      return row;
    },
    get headers() {
      return headers ?? [];
    },
    take(values) {
      const recordLine = line;
      let total = 0;
      let breaks = 0;
      for (let i = 0; i < values.length; i += 1) {
        const value = values[i] as string;
        total += value.length;
        if (value.length > CSV_LIMITS.fieldChars) {
          throw invalid(
            `Line ${recordLine}: the value in column "${headers?.[i] ?? i + 1}" has ${value.length.toLocaleString('en-US')} characters; Salesforce takes at most ${CSV_LIMITS.fieldChars.toLocaleString('en-US')} per field.`,
            'Shorten the value (or split it over several fields), or check for a quote that is never closed before it.',
          );
        }
        if (value.indexOf('\n') !== -1) breaks += countBreaks(value);
      }
      line += 1 + breaks;
      if (headers === undefined) {
        checkHeaders(values, delimiter);
        onHeader(values);
        headers = values;
        width = values.length;
        return undefined;
      }
      if (values.length === 1 && values[0] === '' && breaks === 0) return undefined; // a blank line
      row += 1;
      if (values.length !== width) {
        throw invalid(
          `Line ${recordLine} (row ${row}) has ${values.length} ${values.length === 1 ? 'value' : 'values'}; the header has ${width} columns.`,
          `Every row needs one value per column, separated by ${delimiterName(delimiter)}s: quote values that contain a ${delimiterName(delimiter)}, and check for a missing or extra delimiter on that line.`,
        );
      }
      if (total > CSV_LIMITS.recordChars) {
        throw invalid(
          `Line ${recordLine} (row ${row}) has ${total.toLocaleString('en-US')} characters; Salesforce takes at most ${CSV_LIMITS.recordChars.toLocaleString('en-US')} per record.`,
          'Shorten the values of that row.',
        );
      }
      if (row < fromRow) return undefined;
      return onRecord(values, row) ?? undefined;
    },
  };
}

/** csv-parse's records into the checker (the reader `inspectCsvFile` uses). */
function checkerWritable(checker: RecordChecker): Writable {
  return new Writable({
    objectMode: true,
    highWaterMark: 256,
    write(values: string[], _encoding, callback) {
      let held: Promise<void> | undefined;
      try {
        held = checker.take(values);
      } catch (error) {
        callback(error as Error);
        return;
      }
      if (held === undefined) callback();
      else held.then(() => callback(), callback);
    },
  });
}

/** The fast scanner's records into the checker (the reader of records once the file is inspected). */
function scannerWritable(checker: RecordChecker, delimiter: CsvDelimiter): Writable {
  const scanner = createCsvScanner(delimiter, (values) => checker.take(values), MAX_RECORD_BYTES);
  const settle = (step: () => Promise<void> | undefined, callback: (error?: Error | null) => void): void => {
    let held: Promise<void> | undefined;
    try {
      held = step();
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (held === undefined) callback();
    else held.then(() => callback(), callback);
  };
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      // The byte stage hands on whole UTF-8 characters, so each chunk decodes on its own.
      settle(() => scanner.write(chunk.toString('utf8')), callback);
    },
    final(callback) {
      settle(() => scanner.end(), callback);
    },
  });
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function countBreaks(value: string): number {
  let n = 0;
  for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) n += 1;
  return n;
}

/**
 * Runs file → byte stage → records (csv-parse, or the fast scanner that reads the same) → record checks, mapping every
 * failure to a ServiceError that names its line.
 */
async function runRecords(input: {
  reader: CsvReader;
  path: string;
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  hash?: Hash | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((bytes: number) => void) | undefined;
  onHeader: (headers: string[]) => void;
  onRecord: RecordSink;
  fromRow?: number | undefined;
}): Promise<number> {
  const { path, encoding, delimiter, signal } = input;
  if (signal?.aborted === true) throw cancelled();
  const source = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const stage = createRecordChecker({ delimiter, onHeader: input.onHeader, onRecord: input.onRecord, fromRow: input.fromRow ?? 1 });
  const bytes = createByteStage({ path, encoding, hash: input.hash, onProgress: input.onProgress });
  const streams: Array<Readable | Transform | Parser | Writable> =
    input.reader === 'csv-parse' ? [source, bytes, createParser(delimiter), checkerWritable(stage)] : [source, bytes, scannerWritable(stage, delimiter)];
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        source.destroy(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      pipeline(streams as [Readable, ...Array<Transform | Writable>], (error) => {
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      });
    });
  } catch (error) {
    if (isAborted(signal)) throw cancelled();
    if (error instanceof ServiceError) throw error;
    if (error instanceof CsvError || error instanceof CsvScanError) throw await explainParseError(path, error, stage.headers);
    throw fileError(path, error);
  }
  return stage.rows;
}

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
    reader: options.reader ?? 'csv-parse',
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
    reader: 'scanner',
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
