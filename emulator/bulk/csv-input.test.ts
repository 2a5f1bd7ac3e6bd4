import { describe, expect, it } from 'vitest';
import { type CsvLayout, createCsvScanner, readCsvFormat, scanCsv, splitRecord } from './csv-input';

function records(text: string, layout: CsvLayout, delimiter = ','): string[][] {
  return Array.from({ length: layout.count }, (_, r) => splitRecord(text, layout.starts[r] ?? 0, layout.ends[r] ?? 0, delimiter));
}

describe('scanning an upload', () => {
  it('finds records with quoted delimiters, quotes and newlines, skipping empty lines', () => {
    const text = 'Name,Description\nA,"x, ""y""\nz"\n\nB,\n"C",last';
    const layout = scanCsv(text, 'COMMA', 'LF');
    expect('errorMessage' in layout).toBe(false);
    expect(records(text, layout as CsvLayout)).toEqual([['Name', 'Description'], ['A', 'x, "y"\nz'], ['B', ''], ['C', 'last']]);
  });

  it('gives the same records when scanned a few characters at a time', () => {
    const text = 'a;b\r\n"1;\r\n2";3\r\n4;"5"\r\n';
    const whole = scanCsv(text, 'SEMICOLON', 'CRLF') as CsvLayout;
    const scanner = createCsvScanner(text, 'SEMICOLON', 'CRLF');
    let sliced = scanner.step(3);
    while (sliced === undefined) sliced = scanner.step(3);
    expect(records(text, sliced as CsvLayout, ';')).toEqual(records(text, whole, ';'));
    expect(records(text, whole, ';')).toEqual([['a', 'b'], ['1;\r\n2', '3'], ['4', '5']]);
  });

  it('refuses a line ending that does not match the job, in either direction', () => {
    expect(scanCsv('a\r\nb\r\n', 'COMMA', 'LF')).toEqual({ errorMessage: 'ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF' });
    expect(scanCsv('a\r\nb\nc\r\n', 'COMMA', 'CRLF')).toEqual({ errorMessage: 'ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is CRLF' });
    expect('errorMessage' in scanCsv('a\r\n"b\nc"\r\n', 'COMMA', 'CRLF')).toBe(false);
  });

  it('reports an unterminated quoted cell', () => {
    expect(scanCsv('a\n"b\n', 'COMMA', 'LF')).toEqual({ errorMessage: 'ClientInputError : Unterminated quoted field in the CSV data' });
  });
});

describe('reading the CSV format of a create-job request', () => {
  it('defaults to LF and COMMA and keeps the values it is given', () => {
    expect(readCsvFormat(undefined, undefined)).toEqual({ lineEnding: 'LF', columnDelimiter: 'COMMA' });
    expect(readCsvFormat('CRLF', 'PIPE')).toEqual({ lineEnding: 'CRLF', columnDelimiter: 'PIPE' });
  });

  it('refuses an unknown line ending or delimiter with the value and the accepted ones', () => {
    expect(readCsvFormat('CR', undefined)).toEqual({ refusal: 'Invalid lineEnding: "CR"; use LF or CRLF' });
    expect(readCsvFormat('LF', 'comma')).toEqual({ refusal: 'Invalid columnDelimiter: "comma"; use one of BACKQUOTE, CARET, COMMA, PIPE, SEMICOLON, TAB' });
    expect(readCsvFormat(undefined, 5)).toEqual({ refusal: 'Invalid columnDelimiter: 5; use one of BACKQUOTE, CARET, COMMA, PIPE, SEMICOLON, TAB' });
  });
});
