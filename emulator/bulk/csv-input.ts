/**
 * Reading an uploaded Bulk API 2.0 CSV: a structural scan that finds every record (without copying cells) and checks the
 * job's line ending, and a cell splitter for one record. Kept apart so a 1M-row upload is scanned once and parsed in chunks.
 */

/** A Bulk API 2.0 column delimiter name. */
export type ColumnDelimiter = 'COMMA' | 'SEMICOLON' | 'TAB' | 'PIPE' | 'CARET' | 'BACKQUOTE';

/** A Bulk API 2.0 line ending name. */
export type LineEnding = 'LF' | 'CRLF';

/** The delimiter names a job may use, in the order the docs list them. */
const COLUMN_DELIMITERS: readonly ColumnDelimiter[] = ['BACKQUOTE', 'CARET', 'COMMA', 'PIPE', 'SEMICOLON', 'TAB'];

/** A job's CSV format as a create request gives it (LF and COMMA when left out). */
export type CsvFormat = { lineEnding: LineEnding; columnDelimiter: ColumnDelimiter };

/** Reads `lineEnding` and `columnDelimiter` of a create-job body; a bad value gives the message of the org's JSON_PARSER_ERROR. */
export function readCsvFormat(lineEnding: unknown, columnDelimiter: unknown): CsvFormat | { refusal: string } {
  if (lineEnding !== undefined && lineEnding !== 'LF' && lineEnding !== 'CRLF') {
    return { refusal: `Invalid lineEnding: ${JSON.stringify(lineEnding)}; use LF or CRLF` };
  }
  const delimiter = COLUMN_DELIMITERS.find((d) => d === columnDelimiter);
  if (columnDelimiter !== undefined && delimiter === undefined) {
    return { refusal: `Invalid columnDelimiter: ${JSON.stringify(columnDelimiter)}; use one of ${COLUMN_DELIMITERS.join(', ')}` };
  }
  return { lineEnding: lineEnding ?? 'LF', columnDelimiter: delimiter ?? 'COMMA' };
}

const DELIMITER_CHARS: Record<ColumnDelimiter, string> = {
  COMMA: ',',
  SEMICOLON: ';',
  TAB: '\t',
  PIPE: '|',
  CARET: '^',
  BACKQUOTE: '`',
};

/** The character a delimiter name stands for. */
export function delimiterChar(name: ColumnDelimiter): string {
  return DELIMITER_CHARS[name];
}

/** Where each record of an upload starts and ends (terminator excluded); record 0 is the header. */
export type CsvLayout = { starts: Uint32Array; ends: Uint32Array; count: number };

/** A job-level problem found while scanning, with the errorMessage a real org puts on the Failed job. */
export type CsvScanError = { errorMessage: string };

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** A resumable scan: `step` scans about `chars` more characters and returns the layout or error once done. */
export type CsvScanner = { step(chars: number): CsvLayout | CsvScanError | undefined };

/**
 * Finds the records of `text`, a slice at a time so a 100 MB upload doesn't hold the event loop. A record ending that
 * doesn't match the job's `lineEnding` fails the whole job, as on a real org ("ClientInputError : LineEnding is invalid
 * on user data. Current LineEnding setting is LF"); an unquoted newline inside a CRLF file is such a mismatch too. Empty
 * lines are skipped.
 */
export function createCsvScanner(text: string, delimiter: ColumnDelimiter, lineEnding: LineEnding): CsvScanner {
  const delim = DELIMITER_CHARS[delimiter].charCodeAt(0);
  const crlf = lineEnding === 'CRLF';
  const n = text.length;
  let capacity = Math.max(16, Math.ceil(n / 64));
  let starts = new Uint32Array(capacity);
  let ends = new Uint32Array(capacity);
  let count = 0;
  const push = (start: number, end: number): void => {
    if (end <= start) return;
    if (count === capacity) {
      capacity *= 2;
      const s = new Uint32Array(capacity);
      s.set(starts);
      starts = s;
      const e = new Uint32Array(capacity);
      e.set(ends);
      ends = e;
    }
    starts[count] = start;
    ends[count] = end;
    count += 1;
  };
  const mismatch: CsvScanError = {
    errorMessage: `ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is ${lineEnding}`,
  };
  const unterminated: CsvScanError = { errorMessage: 'ClientInputError : Unterminated quoted field in the CSV data' };

  let i = 0;
  let rowStart = 0;
  let fieldStart = true;
  /** The next `"` at or after `i` (-1: none left), so quote-free records are found with indexOf alone. */
  let nextQuote = text.indexOf('"');
  let result: CsvLayout | CsvScanError | undefined;

  const endRecord = (at: number): boolean => {
    const prevCr = at > rowStart && text.charCodeAt(at - 1) === CR;
    if (crlf !== prevCr) return false;
    push(rowStart, crlf ? at - 1 : at);
    rowStart = at + 1;
    fieldStart = true;
    return true;
  };

  return {
    step(chars) {
      if (result) return result;
      const stop = Math.min(n, i + chars);
      while (i < stop) {
        if (fieldStart && i === rowStart) {
          if (nextQuote !== -1 && nextQuote < i) nextQuote = text.indexOf('"', i);
          const nl = text.indexOf('\n', i);
          const lineEnd = nl === -1 ? n : nl;
          if (nextQuote === -1 || nextQuote > lineEnd) {
            // No quote in this record: its end is the next newline.
            if (nl === -1) {
              i = n;
              break;
            }
            if (!endRecord(nl)) return (result = mismatch);
            i = nl + 1;
            continue;
          }
        }
        const c = text.charCodeAt(i);
        if (fieldStart && c === QUOTE) {
          // A quoted cell: newlines and delimiters inside are data; "" is an escaped quote.
          let j = i + 1;
          for (;;) {
            const q = text.indexOf('"', j);
            if (q === -1) return (result = unterminated);
            if (text.charCodeAt(q + 1) === QUOTE) {
              j = q + 2;
              continue;
            }
            i = q + 1;
            break;
          }
          fieldStart = false;
          continue;
        }
        fieldStart = false;
        if (c === delim) {
          fieldStart = true;
        } else if (c === LF) {
          if (!endRecord(i)) return (result = mismatch);
        }
        i += 1;
      }
      if (i < n) return undefined;
      if (rowStart < n) {
        // A last record without a terminator; a trailing bare CR in a CRLF file ends it.
        push(rowStart, crlf && text.charCodeAt(n - 1) === CR ? n - 1 : n);
        rowStart = n;
      }
      return (result = { starts, ends, count });
    },
  };
}

/** Scans the whole text at once (see `createCsvScanner`). */
export function scanCsv(text: string, delimiter: ColumnDelimiter, lineEnding: LineEnding): CsvLayout | CsvScanError {
  const scanner = createCsvScanner(text, delimiter, lineEnding);
  for (;;) {
    const done = scanner.step(Number.MAX_SAFE_INTEGER);
    if (done) return done;
  }
}

/** Splits one record (text between `start` and `end`) into its cells, unquoting quoted ones. */
export function splitRecord(text: string, start: number, end: number, delimiter: string): string[] {
  const firstQuote = text.indexOf('"', start);
  if (firstQuote === -1 || firstQuote >= end) return text.slice(start, end).split(delimiter);
  const delim = delimiter.charCodeAt(0);
  const cells: string[] = [];
  let i = start;
  for (;;) {
    if (text.charCodeAt(i) === QUOTE) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q === -1 || q >= end) {
          value += text.slice(j, end);
          i = end;
          break;
        }
        value += text.slice(j, q);
        if (text.charCodeAt(q + 1) === QUOTE && q + 1 < end) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      // Anything between the closing quote and the next delimiter is kept, as lenient parsers do.
      let k = i;
      while (k < end && text.charCodeAt(k) !== delim) k += 1;
      cells.push(k > i ? value + text.slice(i, k) : value);
      if (k >= end) return cells;
      i = k + 1;
      if (i === end) {
        cells.push('');
        return cells;
      }
      continue;
    }
    let k = i;
    while (k < end && text.charCodeAt(k) !== delim) k += 1;
    cells.push(text.slice(i, k));
    if (k >= end) return cells;
    i = k + 1;
    if (i === end) {
      cells.push('');
      return cells;
    }
  }
}
