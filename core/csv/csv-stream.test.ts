import { describe, expect, it } from 'vitest';
import { CsvScanError } from './csv-scanner';
import { scanCsvChunks, type ScanOptions } from './csv-stream';

/** The records of `bytes` fed in chunks of `size` bytes. */
async function records(bytes: Buffer, size: number, options: Partial<ScanOptions> = {}): Promise<string[][]> {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }
  const out: string[][] = [];
  await scanCsvChunks(chunks(), (values) => {
    out.push(values);
    return undefined;
  }, { maxRecordChars: 1_000_000, ...options });
  return out;
}

describe('scanCsvChunks', () => {
  const text = '\uFEFFId,Name\n1,"Zoë, ""the"" first"\n2,日本語\n';
  const expected = [
    ['Id', 'Name'],
    ['1', 'Zoë, "the" first'],
    ['2', '日本語'],
  ];

  it('drops a leading byte-order mark and decodes characters split across chunks, whatever the chunk size', async () => {
    for (const size of [1, 2, 3, 7, 1024]) expect(await records(Buffer.from(text), size)).toEqual(expected);
  });

  it('reads the same in slices, and with another delimiter', async () => {
    expect(await records(Buffer.from(text), 1024, { sliceBytes: 5 })).toEqual(expected);
    expect(await records(Buffer.from('a;b\n1;2\n'), 3, { delimiter: ';' })).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('waits for a record its handler holds before reading on', async () => {
    const order: string[] = [];
    async function* chunks(): AsyncGenerator<Uint8Array> {
      order.push('chunk 1');
      yield Buffer.from('a\n1\n');
      order.push('chunk 2');
      yield Buffer.from('2\n');
    }
    await scanCsvChunks(chunks(), (values) => {
      if (values[0] !== '1') return undefined;
      return new Promise<void>((resolve) => setTimeout(() => {
        order.push('held record taken');
        resolve();
      }, 5));
    }, { maxRecordChars: 100 });
    expect(order).toEqual(['chunk 1', 'held record taken', 'chunk 2']);
  });

  it('refuses a quote never closed with the scanner error', async () => {
    await expect(records(Buffer.from('a\n"open\n'), 4)).rejects.toBeInstanceOf(CsvScanError);
  });
});
