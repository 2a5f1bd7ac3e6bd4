/** The checks every CSV record passes, whichever reader found it: the header, the row width, Salesforce's size limits. */
import type { CsvDelimiter } from '../../shared/ipc/domains/load';
import { CSV_LIMITS } from './csv-limits';
import { invalid } from './csv-errors';
import { delimiterName } from './csv-sniff';

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
export type RecordChecker = {
  take(values: string[]): Promise<void> | undefined;
  readonly rows: number;
  readonly headers: string[];
};

/**
 * The record checks: the header (checked), then each data record with its row number, after the checks that refuse the
 * file — a row with more or fewer cells than the header, a field over 32,000 characters, a record over 400,000. Blank
 * lines are skipped. It counts lines itself (1 + the line breaks inside quoted cells) so each refusal names its line.
 */
export function createRecordChecker(input: {
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

function countBreaks(value: string): number {
  let n = 0;
  for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) n += 1;
  return n;
}
