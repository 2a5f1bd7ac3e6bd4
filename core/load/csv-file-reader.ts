/** The one reader of a load's CSV file: file → byte stage → CSV scanner → record checks, every failure naming its line. */
import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline, Writable } from 'node:stream';
import type { CsvDelimiter, CsvEncoding } from '../../shared/ipc/domains/load';
import { ServiceError } from '../errors';
import { createByteStage } from './csv-byte-stage';
import { cancelled, explainParseError, fileError } from './csv-errors';
import { CHUNK_BYTES, MAX_RECORD_CHARS } from './csv-limits';
import { createRecordChecker, type RecordChecker, type RecordSink } from './csv-record-checks';
import { createCsvScanner, CsvScanError } from '../csv/csv-scanner';

/** The scanner's records into the checker. */
function scannerWritable(checker: RecordChecker, delimiter: CsvDelimiter): Writable {
  const scanner = createCsvScanner(delimiter, (values) => checker.take(values), MAX_RECORD_CHARS);
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

/**
 * Runs file → byte stage → scanner → record checks, mapping every failure to a ServiceError that names its line; resolves
 * with the number of data rows.
 */
export async function runRecords(input: {
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
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        source.destroy(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      pipeline(source, bytes, scannerWritable(stage, delimiter), (error) => {
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      });
    });
  } catch (error) {
    if (isAborted(signal)) throw cancelled();
    if (error instanceof ServiceError) throw error;
    if (error instanceof CsvScanError) throw await explainParseError(path, error, stage.headers);
    throw fileError(path, error);
  }
  return stage.rows;
}
