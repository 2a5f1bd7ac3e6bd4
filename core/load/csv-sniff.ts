/** What the first bytes of a CSV file say: a byte-order mark, the delimiter and the line ending; UTF-16 and empty files are refused. */
import { open } from 'node:fs/promises';
import iconv from 'iconv-lite';
import type { CsvDelimiter, CsvEncoding } from '../../shared/ipc/domains/load';
import { CR, LF, QUOTE } from './csv-limits';
import { fileError, invalid } from './csv-errors';

/** The delimiters detected, in the order a tie is broken. */
const DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t', '|', '^', '`'];

/** Bytes read at the start of the file to detect the delimiter and the line ending. */
const SNIFF_BYTES = 256 * 1024;

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

/** What the first bytes of the file say about it. */
export type Head = { bom: boolean; delimiter: CsvDelimiter; lineEnding: 'LF' | 'CRLF' };

/**
 * Reads the first bytes: refuses an empty file and UTF-16 (its byte-order mark), notes a UTF-8 BOM, and finds the delimiter
 * (the candidate that appears in the header and the same number of times, outside quotes, in each of the next records) and
 * the line ending of the first record.
 */
export async function sniffHead(path: string, encoding: CsvEncoding): Promise<Head> {
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
