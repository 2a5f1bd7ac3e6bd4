import { describe, expect, it } from 'vitest';
import type { CellValue } from '../../shared/ipc/domains/query';
import { CsvScanError } from '../csv/csv-scanner';
import { useQueryServiceFixture } from '../test-support/query-service-fixture';
import { liveParserWorkers, startBulkPageParser, type BulkPageParser } from './bulk-page-parser';

const fixture = useQueryServiceFixture();

/** A page as Bulk writes it: every cell quoted, then the hard cases: quotes, commas, line breaks, '' and a split é. */
function page(): string {
  const lines = ['"Id","Name","Note","Empty"'];
  for (let i = 0; i < 12_000; i += 1) lines.push(`"id${i}","Ann ""${i}"", Lee","line one\nline two é${i}",""`);
  lines.push('"last",,"",""');
  return `${lines.join('\n')}\n`;
}

/** The bytes in awkward pieces: 7 KB slices, so quotes, line breaks and the two bytes of é fall across chunks. */
async function* pieces(bytes: Uint8Array, size = 7001): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

async function parseAll(parser: BulkPageParser, bytes: Uint8Array): Promise<{ header: string[]; rows: CellValue[][]; count: number; batches: number }> {
  let header: string[] = [];
  const rows: CellValue[][] = [];
  let batches = 0;
  const count = await parser.parse(pieces(bytes), {
    onHeader: (columns) => (header = columns),
    onRows: async (batch) => {
      batches += 1;
      rows.push(...batch);
      await new Promise((resolve) => setTimeout(resolve, 1));
    },
  });
  return { header, rows, count, batches };
}

describe('the Bulk page parser', () => {
  it('parses in a worker thread exactly what the parse on main gives: quoted, multiline, empty as null', async () => {
    const bytes = new TextEncoder().encode(page());
    const inWorker = await startBulkPageParser();
    const onMain = await startBulkPageParser({ worker: false });
    try {
      expect(inWorker.inWorker).toBe(true);
      expect(onMain.inWorker).toBe(false);
      const [a, b] = [await parseAll(inWorker, bytes), await parseAll(onMain, bytes)];
      expect(a.header).toEqual(['Id', 'Name', 'Note', 'Empty']);
      expect(a.count).toBe(12_001);
      expect(a.rows).toEqual(b.rows);
      expect(a.rows[5]).toEqual(['id5', 'Ann "5", Lee', 'line one\nline two é5', null]);
      expect(a.rows.at(-1)).toEqual(['last', null, null, null]);
      expect(a.batches).toBe(3);
      // A second page through the same worker.
      expect((await parseAll(inWorker, bytes)).count).toBe(12_001);
    } finally {
      await inWorker.close();
      await onMain.close();
    }
  });

  it("throws the scanner's error for bad quoting from the worker", async () => {
    const parser = await startBulkPageParser();
    try {
      await expect(parseAll(parser, new TextEncoder().encode('"Id"\n"a"b"\n'))).rejects.toBeInstanceOf(CsvScanError);
    } finally {
      await parser.close();
    }
  });

  it('leaves no worker behind when a page fails mid-stream', async () => {
    const before = liveParserWorkers();
    const parser = await startBulkPageParser();
    expect(liveParserWorkers()).toBe(before + 1);
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('"Id"\n"1"\n"2');
      throw new DOMException('This operation was aborted', 'AbortError');
    }
    await expect(parser.parse(broken(), { onHeader: () => undefined, onRows: () => undefined })).rejects.toThrow(/aborted/);
    await parser.close();
    expect(liveParserWorkers()).toBe(before);
  });

  it('ends the run’s worker when a Bulk run is cancelled while its pages download', async () => {
    const { service, onProgress } = fixture.setup({ bulkMaxRecordsPerPage: 200, bulkParallelPages: 2 });
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id, LastName, Email FROM Contact', includeDeleted: false, mode: 'bulk' });
    onProgress((progress) => {
      if (progress.fetched > 0 && progress.state === 'running') service.cancel(runId);
    });
    const final = await service.settled(runId);
    expect(final.state).toBe('cancelled');
    expect(liveParserWorkers()).toBe(0);
    await service.dispose();
  });
});
