/**
 * The Bulk results page parser worker thread (started by bulk-page-parser.ts): scans the CSV main streams to it, page by
 * page, and posts the rows back in batches, so main only downloads and writes. Built to its own file beside each bundle.
 */
import { parentPort } from 'node:worker_threads';
import { CsvScanError } from '../csv/csv-scanner';
import type { FromParser, ToParser } from './bulk-page-protocol';
import { createPageRows, type PageRows } from './bulk-page-rows';

const port = parentPort;
if (port !== null) {
  const post = (message: FromParser): void => port.postMessage(message);
  const pages = new Map<number, PageRows>();
  const failed = new Set<number>();
  const pageRows = (page: number): PageRows => {
    let rows = pages.get(page);
    if (rows === undefined) {
      rows = createPageRows({ header: (columns) => post({ kind: 'header', page, columns }), rows: (batch) => post({ kind: 'rows', page, rows: batch }) });
      pages.set(page, rows);
    }
    return rows;
  };
  port.on('message', (message: ToParser) => {
    const { page } = message;
    if (failed.has(page)) return;
    try {
      if (message.kind === 'chunk') {
        pageRows(page).push(message.bytes);
        post({ kind: 'scanned', page });
      } else {
        pageRows(page).end();
        pages.delete(page);
        post({ kind: 'ended', page });
      }
    } catch (error) {
      failed.add(page);
      pages.delete(page);
      const scan = error instanceof CsvScanError ? { code: error.code, line: error.line, column: error.column } : undefined;
      post({ kind: 'failed', page, message: error instanceof Error ? error.message : String(error), ...(scan === undefined ? {} : { scan }) });
    }
  });
  post({ kind: 'ready' });
}
