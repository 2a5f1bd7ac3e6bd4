import { StringDecoder } from 'node:string_decoder';
import type { CellValue } from '../../shared/ipc/domains/query';
import { createCsvScanner } from '../csv/csv-scanner';

/** Rows handed over at once: the disk store writes each batch as one prepared transaction. */
const PAGE_BATCH_ROWS = 5000;
/** The longest record of a results page: far past any row Salesforce returns, so only a runaway quote stops here. */
const MAX_RECORD_CHARS = 64 * 1024 * 1024;

/** Where one page's parsed CSV goes: its header once, then its rows in batches. */
export type PageSink = { header(columns: string[]): void; rows(batch: CellValue[][]): void };

/** Parses one Bulk results page fed as UTF-8 byte chunks; throws the scanner's `CsvScanError` for bad quoting. */
export type PageRows = { push(bytes: Uint8Array): void; end(): void };

/**
 * The one parse of a Bulk results page, run the same in the parser worker and on main when the worker cannot start:
 * drops a byte-order mark, decodes characters split across chunks, and makes every empty cell null (Bulk CSV cannot tell
 * null from '').
 */
export function createPageRows(sink: PageSink, batchRows = PAGE_BATCH_ROWS): PageRows {
  let header = true;
  let batch: CellValue[][] = [];
  const scanner = createCsvScanner(
    ',',
    (record) => {
      if (header) {
        header = false;
        sink.header(record);
        return undefined;
      }
      const row: CellValue[] = record;
      for (let i = 0; i < row.length; i += 1) if (row[i] === '') row[i] = null;
      batch.push(row);
      if (batch.length >= batchRows) {
        sink.rows(batch);
        batch = [];
      }
      return undefined;
    },
    MAX_RECORD_CHARS,
  );
  const decoder = new StringDecoder('utf8');
  let first = true;
  return {
    push(bytes) {
      let text = decoder.write(bytes);
      if (first && text.length > 0) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      void scanner.write(text);
    },
    end() {
      const rest = decoder.end();
      if (rest !== '') void scanner.write(rest);
      void scanner.end();
      if (batch.length > 0) sink.rows(batch);
      batch = [];
    },
  };
}
