/** The errors reading a CSV file ends in, each naming its line and what to do: bad input, an unreadable file, a cancel. */
import { createReadStream } from 'node:fs';
import { assertNever } from '../../shared/ipc/result';
import type { CsvScanError } from '../csv/csv-scanner';
import { CHUNK_BYTES, CSV_LIMITS, LF, QUOTE } from './csv-limits';
import { ServiceError } from '../errors';
import { toFileError } from '../files/file-errors';

/** A VALIDATION error: the file's content is refused. */
export function invalid(message: string, hint: string): ServiceError {
  return new ServiceError('VALIDATION', message, hint);
}

/** A FILE error: the file cannot be read, and why. */
export function fileError(path: string, error: unknown): ServiceError {
  return toFileError(error, path, 'read', 'Check that the file exists and that you may read it, then open it again.');
}

/** The CANCELLED error of a read stopped by its signal. */
export function cancelled(): ServiceError {
  return new ServiceError('CANCELLED', 'Reading the CSV file was cancelled.', 'Open the file again when you are ready.');
}

/** Where a byte offset falls: its 1-based line and 1-based byte within that line, by counting LFs up to it. */
export async function lineAt(path: string, offset: number): Promise<{ line: number; byte: number }> {
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

/** Turns what the scanner refuses into a message naming the line (and the column, when the header names it). */
export async function explainParseError(path: string, error: CsvScanError, headers: readonly string[]): Promise<ServiceError> {
  const { line } = error;
  const column = headers[error.column] !== undefined ? ` (column "${headers[error.column]}")` : '';
  const quoteHint = 'Quote the whole field and double every quote inside it ("He said ""hi"""), then open the file again.';
  switch (error.code) {
    case 'QUOTE_NOT_CLOSED':
    case 'MAX_RECORD_SIZE': {
      const opened = await unclosedQuoteLine(path).catch(() => undefined);
      if (opened !== undefined) {
        return invalid(`Line ${opened} opens a quoted field that is never closed: the rest of the file would be read as one value.`, quoteHint);
      }
      return invalid(
        `The record ending on line ${line} is longer than Salesforce's limit of ${CSV_LIMITS.recordChars.toLocaleString('en-US')} characters per record.`,
        'Split the long values into several fields or records.',
      );
    }
    case 'INVALID_CLOSING_QUOTE':
      return invalid(`Line ${line}${column}: a quoted field is followed by other characters before the next delimiter.`, quoteHint);
    case 'INVALID_OPENING_QUOTE':
      return invalid(
        `Line ${line}${column}: a quote appears inside a field that does not start with one (Salesforce refuses such a row, e.g. a space before the quote).`,
        quoteHint,
      );
    default:
      return assertNever(error.code);
  }
}
