import { StringDecoder } from 'node:string_decoder';
import { createCsvScanner, type ScannedRecord } from './csv-scanner';

/** How `scanCsvChunks` reads: the delimiter (comma by default), the record size that stops a runaway quote, and slicing. */
export type ScanOptions = {
  delimiter?: string | undefined;
  maxRecordChars: number;
  /**
   * Scan each chunk in slices of this many bytes and give the event loop a turn after each (a Bulk page read whole arrives
   * as one chunk of megabytes, and would otherwise hold main for seconds).
   */
  sliceBytes?: number | undefined;
};

/**
 * Scans CSV that arrives as UTF-8 byte chunks (a download, a file stream) with the CSV scanner: drops a leading byte-order
 * mark, decodes characters split across chunks, and waits for each record `onRecord` holds (back-pressure). Throws the
 * scanner's `CsvScanError` for bad quoting.
 */
export async function scanCsvChunks(chunks: AsyncIterable<Uint8Array>, onRecord: ScannedRecord, options: ScanOptions): Promise<void> {
  const scanner = createCsvScanner(options.delimiter ?? ',', onRecord, options.maxRecordChars);
  const decoder = new StringDecoder('utf8');
  const slice = options.sliceBytes;
  let first = true;
  const feed = async (bytes: Uint8Array): Promise<void> => {
    let text = decoder.write(bytes);
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const wait = scanner.write(text);
    if (wait !== undefined) await wait;
  };
  for await (const chunk of chunks) {
    if (slice === undefined) {
      await feed(chunk);
      continue;
    }
    for (let start = 0; start < chunk.length; start += slice) {
      await feed(chunk.subarray(start, start + slice));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  const rest = decoder.end();
  if (rest !== '') await scanner.write(rest);
  await scanner.end();
}
