/** The two readers of a CSV file's records (csv-parse, and the fast scanner that reads the same), behind one pipeline. */
import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline, Writable, type Readable, type Transform } from 'node:stream';
import { parse, CsvError, type Parser } from 'csv-parse';
import type { CsvDelimiter, CsvEncoding } from '../../shared/ipc/domains/load';
import { ServiceError } from '../errors';
import { createByteStage } from './csv-byte-stage';
import { cancelled, explainParseError, fileError } from './csv-errors';
import { CHUNK_BYTES, MAX_RECORD_BYTES } from './csv-limits';
import { createRecordChecker, type RecordChecker, type RecordSink } from './csv-record-checks';
import { createCsvScanner, CsvScanError } from './csv-scanner';

/** Which parser reads a file's records: the csv-parse library, or OrgDesk's faster scanner that reads the same. */
export type CsvReader = 'csv-parse' | 'scanner';

/** csv-parse's records into the checker (the reader `inspectCsvFile` uses). */
function checkerWritable(checker: RecordChecker): Writable {
  return new Writable({
    objectMode: true,
    highWaterMark: 256,
    write(values: string[], _encoding, callback) {
      let held: Promise<void> | undefined;
      try {
        held = checker.take(values);
      } catch (error) {
        callback(error as Error);
        return;
      }
      if (held === undefined) callback();
      else held.then(() => callback(), callback);
    },
  });
}

/** The fast scanner's records into the checker (the reader of records once the file is inspected). */
function scannerWritable(checker: RecordChecker, delimiter: CsvDelimiter): Writable {
  const scanner = createCsvScanner(delimiter, (values) => checker.take(values), MAX_RECORD_BYTES);
  const settle = (step: () => Promise<void> | undefined, callback: (error?: Error | null) => void): void => {
    let held: Promise<void> | undefined;
    try {
      held = step();
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (held === undefined) callback();
    else held.then(() => callback(), callback);
  };
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      // The byte stage hands on whole UTF-8 characters, so each chunk decodes on its own.
      settle(() => scanner.write(chunk.toString('utf8')), callback);
    },
    final(callback) {
      settle(() => scanner.end(), callback);
    },
  });
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function createParser(delimiter: CsvDelimiter): Parser {
  return parse({
    delimiter,
    quote: '"',
    escape: '"',
    record_delimiter: ['\r\n', '\n'],
    // Ragged rows and blank lines are told apart (and named with their line) by the record stage, not refused bare.
    relax_column_count: true,
    skip_empty_lines: false,
    max_record_size: MAX_RECORD_BYTES,
  });
}

/**
 * Runs file → byte stage → records (csv-parse, or the fast scanner that reads the same) → record checks, mapping every
 * failure to a ServiceError that names its line.
 */
export async function runRecords(input: {
  reader: CsvReader;
  path: string;
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  hash?: Hash | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((bytes: number) => void) | undefined;
  onHeader: (headers: string[]) => void;
  onRecord: RecordSink;
  fromRow?: number | undefined;
}): Promise<number> {
  const { path, encoding, delimiter, signal } = input;
  if (signal?.aborted === true) throw cancelled();
  const source = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const stage = createRecordChecker({ delimiter, onHeader: input.onHeader, onRecord: input.onRecord, fromRow: input.fromRow ?? 1 });
  const bytes = createByteStage({ path, encoding, hash: input.hash, onProgress: input.onProgress });
  const streams: Array<Readable | Transform | Parser | Writable> =
    input.reader === 'csv-parse' ? [source, bytes, createParser(delimiter), checkerWritable(stage)] : [source, bytes, scannerWritable(stage, delimiter)];
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        source.destroy(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      pipeline(streams as [Readable, ...Array<Transform | Writable>], (error) => {
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      });
    });
  } catch (error) {
    if (isAborted(signal)) throw cancelled();
    if (error instanceof ServiceError) throw error;
    if (error instanceof CsvError || error instanceof CsvScanError) throw await explainParseError(path, error, stage.headers);
    throw fileError(path, error);
  }
  return stage.rows;
}
