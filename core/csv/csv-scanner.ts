/**
 * OrgDesk's one CSV reader: load files (inspection, pre-flight, job planning), Bulk ingest job results and Bulk query
 * result pages all go through it. It reads exactly what csv-parse reads with inspectCsvFile's options (RFC 4180 quoting with `""`, records ended by LF or
 * CRLF, a bare CR kept as data, an empty line as one empty cell) and refuses the same things, but a record without quotes
 * costs one `indexOf` and one native `split`: csv-parse copies every character through a byte buffer, and on a 2-core
 * machine that alone is slower than the 150k rows/s pre-flight target. `csv-scanner.test.ts` checks both agree.
 */

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** What the scanner refuses, with the 1-based line it is on and the 0-based column index. */
export class CsvScanError extends Error {
  constructor(
    readonly code: 'QUOTE_NOT_CLOSED' | 'INVALID_CLOSING_QUOTE' | 'INVALID_OPENING_QUOTE' | 'MAX_RECORD_SIZE',
    readonly line: number,
    readonly column: number,
  ) {
    super(`${code} at line ${line}, column ${column}`);
    this.name = 'CsvScanError';
  }
}

/** A record handler; a returned promise is awaited before the chunk counts as done (back-pressure). */
export type ScannedRecord = (values: string[]) => Promise<void> | undefined;

/** Feeds text in pieces; each call hands over every record the text completes. */
export type CsvScanner = {
  /** Scans more text; resolves when the records it completed were taken (at once unless a handler held them). */
  write(text: string): Promise<void> | undefined;
  /** Scans what is left as the last record. */
  end(): Promise<void> | undefined;
};

/** Marks a record that continues past the text at hand. */
const INCOMPLETE = -1;

/** A splitter for one delimiter; `maxRecordChars` stops a runaway quote from buffering the rest of the file. */
export function createCsvScanner(delimiter: string, onRecord: ScannedRecord, maxRecordChars: number): CsvScanner {
  const delim = delimiter.charCodeAt(0);
  let carry = '';
  let line = 1;
  let held: Promise<void> | undefined;

  const take = (values: string[]): void => {
    const wait = onRecord(values);
    if (wait !== undefined) held = wait;
  };

  /** Parses one record with quotes starting at `start`; answers where the next record starts, or INCOMPLETE. */
  const quotedRecord = (text: string, start: number, final: boolean): number => {
    const n = text.length;
    const values: string[] = [];
    let i = start;
    let breaks = 0;
    for (;;) {
      if (i < n && text.charCodeAt(i) === QUOTE) {
        let value = '';
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q === -1) {
            if (final) throw new CsvScanError('QUOTE_NOT_CLOSED', line + breaks, values.length);
            return INCOMPLETE;
          }
          if (q + 1 >= n && !final) return INCOMPLETE;
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(j, q + 1);
            j = q + 2;
            continue;
          }
          value += text.slice(j, q);
          i = q + 1;
          break;
        }
        for (let b = value.indexOf('\n'); b !== -1; b = value.indexOf('\n', b + 1)) breaks += 1;
        values.push(value);
        if (i >= n) {
          if (!final) return INCOMPLETE;
          take(values);
          line += 1 + breaks;
          return n;
        }
        const c = text.charCodeAt(i);
        if (c === delim) {
          i += 1;
          if (i >= n && !final) return INCOMPLETE;
          if (i >= n) {
            values.push('');
            take(values);
            line += 1 + breaks;
            return n;
          }
          continue;
        }
        if (c === LF || (c === CR && text.charCodeAt(i + 1) === LF)) {
          take(values);
          line += 1 + breaks;
          return i + (c === LF ? 1 : 2);
        }
        if (c === CR && i + 1 >= n && !final) return INCOMPLETE;
        throw new CsvScanError('INVALID_CLOSING_QUOTE', line + breaks, values.length - 1);
      }
      // An unquoted cell: up to the next delimiter or line end; a quote inside it is refused, as csv-parse does.
      let k = i;
      while (k < n) {
        const c = text.charCodeAt(k);
        if (c === delim || c === LF) break;
        if (c === QUOTE) throw new CsvScanError('INVALID_OPENING_QUOTE', line + breaks, values.length);
        k += 1;
      }
      if (k >= n) {
        if (!final) return INCOMPLETE;
        values.push(text.slice(i, n));
        take(values);
        line += 1 + breaks;
        return n;
      }
      if (text.charCodeAt(k) === LF) {
        values.push(text.slice(i, k > i && text.charCodeAt(k - 1) === CR ? k - 1 : k));
        take(values);
        line += 1 + breaks;
        return k + 1;
      }
      values.push(text.slice(i, k));
      i = k + 1;
    }
  };

  const scan = (text: string, final: boolean): Promise<void> | undefined => {
    held = undefined;
    const n = text.length;
    let pos = 0;
    let nextQuote = text.indexOf('"');
    while (pos < n) {
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = text.indexOf('"', pos);
      const nl = text.indexOf('\n', pos);
      if (nextQuote === -1 || (nl !== -1 && nextQuote > nl)) {
        // No quote in this record: it ends at the next LF (a CR before it belongs to the line ending).
        if (nl === -1) {
          if (!final) break;
          take(text.slice(pos).split(delimiter));
          line += 1;
          pos = n;
          break;
        }
        const end = nl > pos && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
        take(text.slice(pos, end).split(delimiter));
        line += 1;
        pos = nl + 1;
        continue;
      }
      const next = quotedRecord(text, pos, final);
      if (next === INCOMPLETE) break;
      pos = next;
    }
    carry = pos >= n ? '' : text.slice(pos);
    if (carry.length > maxRecordChars) throw new CsvScanError('MAX_RECORD_SIZE', line, 0);
    return held;
  };

  return {
    write(text) {
      return scan(carry === '' ? text : carry + text, false);
    },
    end() {
      return carry === '' ? undefined : scan(carry, true);
    },
  };
}
