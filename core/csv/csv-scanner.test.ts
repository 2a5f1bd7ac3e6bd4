import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createCsvScanner, CsvScanError } from './csv-scanner';

/** The records csv-parse reads with inspectCsvFile's options. */
function reference(text: string, delimiter: string): string[][] {
  return parse(text, { delimiter, quote: '"', escape: '"', record_delimiter: ['\r\n', '\n'], relax_column_count: true, skip_empty_lines: false });
}

/** The records the scanner reads when the text arrives in pieces of `size` characters. */
function scanned(text: string, delimiter: string, size: number): string[][] {
  const records: string[][] = [];
  const scanner = createCsvScanner(delimiter, (values) => {
    records.push(values);
    return undefined;
  }, 1_000_000);
  for (let i = 0; i < text.length; i += size) void scanner.write(text.slice(i, i + size));
  void scanner.end();
  return records;
}

const GOOD: Array<[string, string]> = [
  ['plain LF', 'a,b,c\n1,2,3\n4,5,6\n'],
  ['no final newline', 'a,b\n1,2'],
  ['CRLF', 'a,b\r\n1,2\r\n'],
  ['quoted delimiters, quotes and line breaks', 'a,b\n"x, y","say ""hi"""\n"multi\nline","crlf\r\ninside"\n'],
  ['empty cells and empty quoted cells', 'a,b,c\n,,\n"",x,""\n'],
  ['a trailing delimiter', 'a,b\n1,\n'],
  ['blank lines', 'a\n\n1\n\n'],
  ['a bare CR kept as data', 'a,b\n1\r2,3\n'],
  ['a quoted last cell without a newline', 'a,b\n1,"end"'],
  ['a quoted cell ending in a delimiter at the end', 'a,b\n"1",'],
  ['unicode', 'nom,ville\nRené,"São Paulo, BR"\n日本,東京\n'],
];

describe('createCsvScanner', () => {
  it.each(GOOD)('reads %s exactly as csv-parse does, whatever the chunk size', (_name, text) => {
    const expected = reference(text, ',');
    for (const size of [1, 2, 3, 5, 7, 64, text.length]) expect(scanned(text, ',', size)).toEqual(expected);
  });

  it('reads other delimiters as csv-parse does', () => {
    for (const d of [';', '|', '\t', '^', '`']) {
      const text = `a${d}b,c\n"1${d}2"${d}3,4\n${d}\n`;
      expect(scanned(text, d, 3)).toEqual(reference(text, d));
    }
  });

  const BAD: Array<[string, string, CsvScanError['code'], number]> = [
    ['an unclosed quote', 'a,b\n1,"open\n2,3\n', 'QUOTE_NOT_CLOSED', 2],
    ['text after a closing quote', 'a,b\n1,2\n"x"y,3\n', 'INVALID_CLOSING_QUOTE', 3],
    ['a quote inside an unquoted cell', 'a,b\n1,2\nx"y,3\n', 'INVALID_OPENING_QUOTE', 3],
    ['a space before a quote', 'a,b\n1, "2"\n', 'INVALID_OPENING_QUOTE', 2],
    ['text after a quote that closes a multi-line cell', 'a,b\n"1\n2"x,3\n', 'INVALID_CLOSING_QUOTE', 3],
  ];
  it.each(BAD)('refuses %s as csv-parse does, on the same line', (_name, text, code, line) => {
    expect(() => reference(text, ',')).toThrow();
    for (const size of [1, 4, text.length]) {
      let error: unknown;
      try {
        scanned(text, ',', size);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(CsvScanError);
      expect(error).toMatchObject({ code, line });
    }
  });

  it('agrees with csv-parse on 3,000 random texts of quotes, delimiters and line breaks, in random pieces', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed % n;
    };
    const alphabet = ['a', 'b', ',', ',', '"', '"', '\n', '\r\n', '\r', 'é'];
    for (let round = 0; round < 3000; round += 1) {
      const text = Array.from({ length: 1 + random(24) }, () => alphabet[random(alphabet.length)]).join('');
      let expected: string[][] | 'refused';
      try {
        expected = reference(text, ',');
      } catch {
        expected = 'refused';
      }
      let actual: string[][] | 'refused';
      try {
        actual = scanned(text, ',', 1 + random(6));
      } catch (error) {
        if (!(error instanceof CsvScanError)) throw error;
        actual = 'refused';
      }
      expect({ text, records: actual }).toEqual({ text, records: expected });
    }
  });

  it('stops a record that grows past its limit', () => {
    const scanner = createCsvScanner(',', () => undefined, 100);
    expect(() => scanner.write(`a\n"${'x'.repeat(200)}`)).toThrow(CsvScanError);
  });
});
