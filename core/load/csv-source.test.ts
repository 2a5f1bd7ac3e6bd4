import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../errors';
import { CSV_LIMITS, inspectCsvFile, readCsvRecords, type CsvShape } from './csv-source';

const dir = mkdtempSync(join(tmpdir(), 'orgdesk-csv-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function file(content: string | Buffer): string {
  fileCount += 1;
  const path = join(dir, `f${fileCount}.csv`);
  writeFileSync(path, content);
  return path;
}

async function refusal(path: string, options: Parameters<typeof inspectCsvFile>[1] = {}): Promise<ServiceError> {
  try {
    await inspectCsvFile(path, options);
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  throw new Error('The file was accepted');
}

async function collect(path: string, shape: CsvShape, fromRow?: number): Promise<Array<{ row: number; values: string[] }>> {
  const rows = [];
  for await (const record of readCsvRecords(path, shape, fromRow === undefined ? {} : { fromRow })) rows.push(record);
  return rows;
}

describe('inspectCsvFile', () => {
  it('reads a UTF-8 comma file: headers, preview, row count, line ending and the hash of its bytes', async () => {
    const content = 'Name,Email\nAda,ada@example.com\nGrace,grace@example.com\n';
    const shape = await inspectCsvFile(file(content));
    expect(shape).toEqual({
      sizeBytes: Buffer.byteLength(content),
      sha256: createHash('sha256').update(content).digest('hex'),
      encoding: 'utf-8',
      bom: false,
      delimiter: ',',
      lineEnding: 'LF',
      headers: ['Name', 'Email'],
      preview: [
        ['Ada', 'ada@example.com'],
        ['Grace', 'grace@example.com'],
      ],
      rowCount: 2,
    });
  });

  it('drops a UTF-8 byte-order mark from the first header and says it was there', async () => {
    const shape = await inspectCsvFile(file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Name,Email\nAda,a@x.io\n')])));
    expect(shape.bom).toBe(true);
    expect(shape.headers).toEqual(['Name', 'Email']);
  });

  it.each([
    [',', 'comma'],
    [';', 'semicolon'],
    ['\t', 'tab'],
    ['|', 'pipe'],
    ['^', 'caret'],
    ['`', 'backquote'],
  ] as const)('detects the %s delimiter (%s), even with commas inside the values', async (d, _name) => {
    const shape = await inspectCsvFile(file(`Name${d}Description${d}City\nAda${d}"one, two, three"${d}Paris\nGrace${d}x${d}"New York, NY"\n`));
    expect(shape.delimiter).toBe(d);
    expect(shape.preview[0]).toEqual(['Ada', 'one, two, three', 'Paris']);
  });

  it('detects CRLF line endings and counts records, not lines, when a quoted value holds a CRLF', async () => {
    const shape = await inspectCsvFile(file('Name,Street\r\nAda,"1 Main St\r\nFloor 2"\r\nGrace,2 High St\r\n'));
    expect(shape.lineEnding).toBe('CRLF');
    expect(shape.rowCount).toBe(2);
    expect(shape.preview[0]).toEqual(['Ada', '1 Main St\r\nFloor 2']);
  });

  it('names the right line after a multi-line value', async () => {
    const error = await refusal(file('Name,Street\nAda,"1 Main St\nFloor 2\nBack door"\nGrace\n'));
    expect(error.message).toMatch(/^Line 5 \(row 2\) has 1 value; the header has 2 columns/);
  });

  it('skips blank lines, including a trailing one, without counting them as rows', async () => {
    const shape = await inspectCsvFile(file('Name,Email\nAda,a@x.io\n\nGrace,g@x.io\n\n'));
    expect(shape.rowCount).toBe(2);
  });

  it('reads Windows-1252 text through iconv-lite when asked', async () => {
    const shape = await inspectCsvFile(file(iconv.encode('Name,City\nRené,Besançon\n', 'windows-1252')), { encoding: 'windows-1252' });
    expect(shape.encoding).toBe('windows-1252');
    expect(shape.preview[0]).toEqual(['René', 'Besançon']);
  });

  it('reads a BOM, semicolons, CRLF, quoted line breaks and quotes, and skips a blank line', async () => {
    const shape = await inspectCsvFile(file('\uFEFFName;Note;City\r\nAda;"two\r\nlines";Paris\r\n\r\nGrace;"say ""hi""";"Lyon; FR"\r\n'));
    expect(shape).toMatchObject({ bom: true, delimiter: ';', lineEnding: 'CRLF', rowCount: 2, headers: ['Name', 'Note', 'City'] });
    expect(shape.preview).toEqual([
      ['Ada', 'two\r\nlines', 'Paris'],
      ['Grace', 'say "hi"', 'Lyon; FR'],
    ]);
  });

  it('reports progress in bytes read', async () => {
    const seen: number[] = [];
    const content = 'Name\nAda\n';
    await inspectCsvFile(file(content), { onProgress: (bytes) => seen.push(bytes) });
    expect(seen.at(-1)).toBe(content.length);
  });

  it('stops when its signal is aborted, with a CANCELLED error', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await refusal(file('Name\nAda\n'), { signal: controller.signal });
    expect(error.code).toBe('CANCELLED');
  });

  it('gives a FILE error naming a path that does not exist', async () => {
    const error = await refusal(join(dir, 'missing.csv'));
    expect(error.code).toBe('FILE');
    expect(error.message).toContain('missing.csv');
  });
});

describe('inspectCsvFile refuses bad input, naming the line', () => {
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['an empty file', '', /^The file is empty/],
    ['a file of blank lines', '\n\n  \n', /^The file is empty/],
    ['a header without data rows', 'Name,Email\n', /^The file has a header row \(line 1\) but no data rows/],
    ['a ragged row', 'Name,Email\nAda,a@x.io\nGrace,g@x.io,extra\n', /^Line 3 \(row 2\) has 3 values; the header has 2 columns/],
    ['an unclosed quote', 'Name,Note\nAda,ok\nGrace,"never closed\nLin,x\n', /^Line 3 opens a quoted field that is never closed/],
    ['a stray quote after a closed one', 'Name,Note\nAda,"quoted"tail\n', /^Line 2 \(column "Note"\): a quoted field is followed by other characters/],
    ['a space before a quote', 'Name,Note\nAda, "quoted"\n', /^Line 2 \(column "Note"\): a quote appears inside a field/],
    ['binary bytes', Buffer.concat([Buffer.from('Name,Note\nAda,ok\nGr'), Buffer.from([0, 1, 2]), Buffer.from('\n')]), /^Line 3 holds binary data \(a NUL byte at byte 3 of the line\)/],
    ['duplicate headers, whatever their case', 'Name,Email,email\nAda,a,b\n', /^The header row \(line 1\) names "email" twice, in columns 2 and 3/],
    ['a blank header', 'Name,,Email\nAda,x,a\n', /^Column 2 of the header row \(line 1\) has no name/],
    ['a 40,000-character field', `Name,Note\nAda,ok\nGrace,${'x'.repeat(40_000)}\n`, /^Line 3: the value in column "Note" has 40,000 characters; Salesforce takes at most 32,000/],
    ['UTF-16 text', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Name\nAda\n', 'utf16le')]), /^The file is UTF-16 text/],
    ['a header row over 32,000 characters', `${Array.from({ length: 3000 }, (_, i) => `Field_Number_${i}`).join(',')}\n${','.repeat(2999)}\n`, /^The header row \(line 1\) has [\d,]+ characters; Salesforce reads at most 32,000/],
  ];
  it.each(cases)('refuses %s', async (_name, content, message) => {
    const error = await refusal(file(content));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(message);
    expect(error.hint).toBeTruthy();
  });

  it('refuses Windows-1252 text read as UTF-8, naming the line and byte, and offers Windows-1252', async () => {
    const error = await refusal(file(iconv.encode('Name,City\nAda,Paris\nRené,Besançon\n', 'windows-1252')));
    expect(error.message).toBe('Line 3 is not valid UTF-8 at byte 4 of the line (byte 0xE9 at offset 23 of the file).');
    expect(error.hint).toMatch(/Windows-1252/);
  });

  it('finds a broken UTF-8 byte far into a large file, past the first chunk', async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `Name ${i},ü ${i}`).join('\n');
    const error = await refusal(file(Buffer.concat([Buffer.from(`Name,Note\n${rows}\nBad,`), Buffer.from([0xc3, 0x28]), Buffer.from('\n')])));
    expect(error.message).toMatch(/^Line 60002 is not valid UTF-8 at byte 5 of the line/);
  });

  it('accepts multi-byte characters split across read chunks', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => `${i},日本語テキスト ${i}`).join('\n');
    const shape = await inspectCsvFile(file(`Id,Text\n${rows}\n`));
    expect(shape.rowCount).toBe(100_000);
  });
});

describe('readCsvRecords', () => {
  it('hands over the data rows in file order with 1-based row numbers', async () => {
    const path = file('Name,Email\nAda,a@x.io\n\nGrace,g@x.io\nLin,l@x.io\n');
    const shape = await inspectCsvFile(path);
    expect(await collect(path, shape)).toEqual([
      { row: 1, values: ['Ada', 'a@x.io'] },
      { row: 2, values: ['Grace', 'g@x.io'] },
      { row: 3, values: ['Lin', 'l@x.io'] },
    ]);
  });

  it('starts at fromRow for a resume', async () => {
    const path = file('Name\nA\nB\nC\nD\n');
    const shape = await inspectCsvFile(path);
    expect((await collect(path, shape, 3)).map((r) => r.values[0])).toEqual(['C', 'D']);
  });

  it('refuses a file whose header changed since it was inspected', async () => {
    const path = file('Name,Email\nAda,a@x.io\n');
    const shape = await inspectCsvFile(path);
    writeFileSync(path, 'Name,Phone\nAda,1\n');
    await expect(collect(path, shape)).rejects.toThrow(/header row .* changed since the file was opened/);
  });

  it('hands over the rows before a bad line, then refuses it', async () => {
    const path = file('Name,Email\nAda,a@x.io\nGrace,g@x.io\n');
    const shape = await inspectCsvFile(path);
    writeFileSync(path, 'Name,Email\nAda,a@x.io\nGrace\n');
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const record of readCsvRecords(path, shape)) seen.push(record.row);
      })(),
    ).rejects.toThrow(/^Line 3 \(row 2\) has 1 value/);
    expect(seen).toEqual([1]);
  });

  it('reads a 100k-row file in bounded memory: the reader never runs more than a few MB ahead of its consumer', async () => {
    const path = join(dir, 'big.csv');
    const out = createWriteStream(path);
    out.write('Id,Name,Description\n');
    const filler = 'lorem ipsum dolor sit amet '.repeat(6);
    for (let i = 1; i <= 100_000; i += 1) {
      if (!out.write(`${i},Name ${i},"${filler}${i}"\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const shape = await inspectCsvFile(path);
    expect(shape.sizeBytes).toBeGreaterThan(18_000_000);
    let read = 0;
    let consumed = 'Id,Name,Description\n'.length;
    let furthestAhead = 0;
    let rows = 0;
    for await (const record of readCsvRecords(path, shape, { onProgress: (bytes) => (read = bytes) })) {
      rows += 1;
      consumed += `${record.values[0]},${record.values[1]},"${record.values[2]}"\n`.length;
      furthestAhead = Math.max(furthestAhead, read - consumed);
      if (rows % 10_000 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(rows).toBe(100_000);
    expect(furthestAhead).toBeLessThan(6 * 1024 * 1024);
  });

  it('stops reading when the consumer leaves the loop early', async () => {
    const path = file(`N\n${Array.from({ length: 10_000 }, (_, i) => i).join('\n')}\n`);
    const shape = await inspectCsvFile(path);
    let last = 0;
    for await (const record of readCsvRecords(path, shape)) {
      last = record.row;
      if (record.row === 5) break;
    }
    expect(last).toBe(5);
  });
});

describe('CSV_LIMITS', () => {
  it('follows Salesforce: 32,000 characters a field and a header, 400,000 a record', () => {
    expect(CSV_LIMITS).toEqual({ fieldChars: 32_000, headerChars: 32_000, recordChars: 400_000 });
  });
});
