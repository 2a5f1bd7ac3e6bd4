import { createReadStream, createWriteStream } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { IngestClient, IngestResultKind } from '../salesforce';
import { ServiceError } from '../errors';
import { csvCell, csvLine } from './csv-line';
import { scanCsvChunks } from '../csv/csv-stream';
import { createFileSink, fileWriteError, type FileSink } from './file-sink';
import { INDEX_ENTRY_BYTES, jobFiles, rowKey, type RecordSource } from './job-planner';

/** How a job's rows came out: each row is in exactly one of the three. */
export type JobResultCounts = { success: number; failed: number; unprocessed: number };

/**
 * The outcome of gathering a job's results; `unmatched` counts result rows that matched no uploaded row (should be 0),
 * `locked` the failed rows whose error is UNABLE_TO_LOCK_ROW (retried in a follow-up job).
 */
export type JobResults = JobResultCounts & { unmatched: number; locked?: number | undefined };

/** The three result parts of one job, in input row order, without headers (joined into the load's files at the end). */
type ResultParts = { success: string; failure: string; unprocessed: string };

/** Where a job's result parts live. */
export function resultParts(workDir: string, seq: number | 'tail'): ResultParts {
  const name = seq === 'tail' ? 'tail' : `job-${seq}`;
  return { success: join(workDir, `${name}.success.part`), failure: join(workDir, `${name}.failure.part`), unprocessed: join(workDir, `${name}.unprocessed.part`) };
}

const OUTCOME = { none: 0, created: 1, updated: 2, failed: 3, unprocessed: 4 } as const;
const ID_BYTES = 18;
/** The longest result record read (a row's echoed cells plus an error text): a runaway quote stops here. */
const MAX_RESULT_RECORD_CHARS = 64 * 1024 * 1024;

/** A job's uploaded rows by key: an open-addressing table over typed arrays (about 16 bytes a row, bounded by the job size). */
type RowTable = { find(key: Uint32Array, taken: Uint8Array): number };

function buildRowTable(index: Buffer, rows: number): RowTable {
  let size = 1;
  while (size < rows * 2) size *= 2;
  const mask = size - 1;
  const slots = new Uint32Array(size);
  const hi = new Uint32Array(rows);
  const lo = new Uint32Array(rows);
  for (let line = 0; line < rows; line += 1) {
    const at = line * INDEX_ENTRY_BYTES;
    hi[line] = index.readUInt32LE(at);
    lo[line] = index.readUInt32LE(at + 4);
    let slot = (lo[line] ?? 0) & mask;
    while ((slots[slot] ?? 0) !== 0) slot = (slot + 1) & mask;
    slots[slot] = line + 1;
  }
  return {
    find(key, taken) {
      const h = key[0] ?? 0;
      const l = key[1] ?? 0;
      for (let slot = l & mask; ; slot = (slot + 1) & mask) {
        const entry = slots[slot] ?? 0;
        if (entry === 0) return -1;
        const line = entry - 1;
        // Identical rows share a key: each result row takes the first of them not yet taken.
        if (hi[line] === h && lo[line] === l && taken[line] === OUTCOME.none) return line;
      }
    },
  };
}

/** Maps the job header onto a result file's header: echoed columns may come in another order (§4.5). */
function columnMap(resultHeader: string[], outputHeaders: string[]): number[] {
  const echoed = resultHeader.map((name, index) => ({ name, index })).filter(({ name }) => !name.startsWith('sf__'));
  return outputHeaders.map((name, position) => {
    const exact = echoed.find((column) => column.name === name) ?? echoed.find((column) => column.name.toLowerCase() === name.toLowerCase());
    return exact?.index ?? echoed[position]?.index ?? -1;
  });
}

/** What gathering one job's results needs. */
export type CollectInput = {
  ingest: IngestClient;
  jobId: string;
  workDir: string;
  seq: number;
  rows: number;
  /** The job CSV's header (field names), to find each echoed cell. */
  outputHeaders: string[];
  signal?: AbortSignal | undefined;
};

/**
 * Downloads an ended job's three result files (streamed through the CSV scanner, which reads what csv-parse reads at a
 * fraction of its cost; never buffered), finds each result row's input
 * row by the key of its echoed cells, and writes the job's result parts in input row order: success (`row, sf__Id,
 * sf__Created`, original columns), failure (`row, sf__Error`, original columns) and unprocessed (`row`, original columns).
 * A row no result file mentions is unprocessed, so every row of the job lands in exactly one part. Safe to run again.
 */
export async function collectJobResults(input: CollectInput): Promise<JobResults> {
  const files = jobFiles(input.workDir, input.seq);
  const index = await readFile(files.index).catch((error: unknown) => {
    throw new ServiceError('FILE', `The row index ${files.index} of a load cannot be read.`, 'The load folder was changed or removed; start the load again.', { cause: error });
  });
  const rows = Math.min(input.rows, Math.floor(index.length / INDEX_ENTRY_BYTES));
  const table = buildRowTable(index, rows);
  const outcome = new Uint8Array(rows);
  const ids = Buffer.alloc(rows * ID_BYTES);
  const idLength = new Uint8Array(rows);
  const errorAt = new Float64Array(rows);
  const errorLength = new Uint32Array(rows);
  const errorsPath = join(input.workDir, `job-${input.seq}.errors.tmp`);
  const errors = createFileSink(errorsPath);
  let unmatched = 0;
  let locked = 0;
  const key = new Uint32Array(2);

  const read = async (kind: IngestResultKind): Promise<void> => {
    const body = await input.ingest.results(input.jobId, kind, input.signal);
    let map: number[] | null = null;
    let idColumn = -1;
    let extraColumn = -1;
    const onRecord = (record: string[]): Promise<void> | undefined => {
      if (map === null) {
        map = columnMap(record, input.outputHeaders);
        idColumn = record.indexOf('sf__Id');
        extraColumn = record.indexOf(kind === 'successfulResults' ? 'sf__Created' : 'sf__Error');
        return undefined;
      }
      const cells = map.map((column) => (column < 0 ? '' : (record[column] ?? '')));
      rowKey(cells, key);
      const line = table.find(key, outcome);
      if (line < 0) {
        unmatched += 1;
        return undefined;
      }
      if (kind === 'successfulResults') {
        outcome[line] = record[extraColumn] === 'true' ? OUTCOME.created : OUTCOME.updated;
        const id = Buffer.from(record[idColumn] ?? '', 'latin1').subarray(0, ID_BYTES);
        id.copy(ids, line * ID_BYTES);
        idLength[line] = id.length;
        return undefined;
      }
      if (kind === 'failedResults') {
        outcome[line] = OUTCOME.failed;
        const text = Buffer.from(record[extraColumn] ?? '');
        if (isLockError(record[extraColumn] ?? '')) locked += 1;
        errorAt[line] = errors.bytes;
        errorLength[line] = text.length;
        return errors.write(text);
      }
      outcome[line] = OUTCOME.unprocessed;
      return undefined;
    };
    await pipeline(body, (chunks: AsyncIterable<Buffer>) => scanCsvChunks(chunks, onRecord, { maxRecordChars: MAX_RESULT_RECORD_CHARS }));
  };
  try {
    await read('successfulResults');
    await read('failedResults');
    await read('unprocessedrecords');
    await errors.close();
  } catch (error) {
    errors.destroy();
    throw error;
  }

  const counts: JobResultCounts = { success: 0, failed: 0, unprocessed: 0 };
  const errorFile = await open(errorsPath, 'r').catch((error: unknown) => {
    throw fileWriteError(errorsPath, error);
  });
  try {
    await writeParts(input.workDir, input.seq, index, rows, async (line, row, original, parts) => {
      const kind = outcome[line] ?? OUTCOME.none;
      if (kind === OUTCOME.created || kind === OUTCOME.updated) {
        counts.success += 1;
        const id = ids.toString('latin1', line * ID_BYTES, line * ID_BYTES + (idLength[line] ?? 0));
        return parts.success.write(`${row},${csvCell(id)},${kind === OUTCOME.created ? 'true' : 'false'},${original}`);
      }
      if (kind === OUTCOME.failed) {
        counts.failed += 1;
        const length = errorLength[line] ?? 0;
        const text = Buffer.alloc(length);
        if (length > 0) await errorFile.read(text, 0, length, errorAt[line] ?? 0);
        return parts.failure.write(`${row},${csvCell(text.toString())},${original}`);
      }
      counts.unprocessed += 1;
      return parts.unprocessed.write(`${row},${original}`);
    });
  } finally {
    await errorFile.close();
  }
  return { ...counts, unmatched, locked };
}

/** Whether a row's `sf__Error` says it could not lock its record or a parent (`UNABLE_TO_LOCK_ROW:…`). */
export function isLockError(error: string): boolean {
  return error.startsWith('UNABLE_TO_LOCK_ROW');
}

/** Writes every row of a job that never ran (not created, upload failed, cancelled) as unprocessed. */
export async function writeJobUnprocessed(workDir: string, seq: number, rows: number): Promise<JobResultCounts> {
  const files = jobFiles(workDir, seq);
  const index = await readFile(files.index).catch(() => Buffer.alloc(0));
  const count = Math.min(rows, Math.floor(index.length / INDEX_ENTRY_BYTES));
  await writeParts(workDir, seq, index, count, (_line, row, original, parts) => parts.unprocessed.write(`${row},${original}`));
  return { success: 0, failed: 0, unprocessed: count };
}

/** Writes source rows no job holds (a load cancelled while it was still being split) as unprocessed. */
export async function writeTailUnprocessed(workDir: string, records: RecordSource, afterRow: number): Promise<number> {
  const parts = openParts(resultParts(workDir, 'tail'));
  let count = 0;
  try {
    for await (const record of records) {
      if (record.row <= afterRow) continue;
      count += 1;
      const write = parts.unprocessed.write(`${record.row},${csvLine(record.values)}`);
      if (write !== undefined) await write;
    }
    await closeParts(parts);
  } catch (error) {
    destroyParts(parts);
    throw error;
  }
  return count;
}

type PartSinks = { success: FileSink; failure: FileSink; unprocessed: FileSink };

function openParts(paths: ResultParts): PartSinks {
  return { success: createFileSink(paths.success), failure: createFileSink(paths.failure), unprocessed: createFileSink(paths.unprocessed) };
}

async function closeParts(parts: PartSinks): Promise<void> {
  await Promise.all([parts.success.close({ sync: true }), parts.failure.close({ sync: true }), parts.unprocessed.close({ sync: true })]);
}

function destroyParts(parts: PartSinks): void {
  parts.success.destroy();
  parts.failure.destroy();
  parts.unprocessed.destroy();
}

/** Streams a job's original lines in order (lengths from its index) and lets `emit` put each in a part. */
async function writeParts(
  workDir: string,
  seq: number,
  index: Buffer,
  rows: number,
  emit: (line: number, row: number, original: string, parts: PartSinks) => Promise<void> | undefined,
): Promise<void> {
  const files = jobFiles(workDir, seq);
  const parts = openParts(resultParts(workDir, seq));
  try {
    let line = 0;
    let pending: Buffer = Buffer.alloc(0);
    const source = rows === 0 ? Readable.from([]) : createReadStream(files.original, { highWaterMark: 1024 * 1024 });
    await pipeline(source, async (chunks: AsyncIterable<Buffer>) => {
      for await (const chunk of chunks) {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        let at = 0;
        while (line < rows) {
          const length = index.readUInt32LE(line * INDEX_ENTRY_BYTES + 12);
          if (pending.length - at < length) break;
          const original = pending.toString('utf8', at, at + length);
          at += length;
          const write = emit(line, index.readUInt32LE(line * INDEX_ENTRY_BYTES + 8), original, parts);
          if (write !== undefined) await write;
          line += 1;
        }
        pending = pending.subarray(at);
      }
    });
    if (line < rows) throw new ServiceError('FILE', `The load file ${files.original} ended after ${line} of ${rows} rows.`, 'The load folder was changed; start the load again.');
    await closeParts(parts);
  } catch (error) {
    destroyParts(parts);
    throw error;
  }
}

/** The load's final files and the headers they start with. */
export type AssembleInput = {
  workDir: string;
  /** Seqs of the load's jobs in row order. */
  seqs: number[];
  /** Whether a tail part exists (rows no job held). */
  tail: boolean;
  headers: string[];
  files: { success: string; failure: string; unprocessed: string };
};

/**
 * Joins the jobs' parts into the three result files beside the source, each through `pipeline` into a write stream
 * (an unwritable folder or a full disk is a FILE error naming the file).
 */
export async function assembleResultFiles(input: AssembleInput): Promise<void> {
  const sources: (keyof ResultParts)[] = ['success', 'failure', 'unprocessed'];
  const heads: Record<keyof ResultParts, string[]> = { success: ['row', 'sf__Id', 'sf__Created'], failure: ['row', 'sf__Error'], unprocessed: ['row'] };
  const parts = [...input.seqs.map((seq) => resultParts(input.workDir, seq)), ...(input.tail ? [resultParts(input.workDir, 'tail')] : [])];
  for (const kind of sources) {
    const target = input.files[kind];
    async function* content(): AsyncGenerator<Buffer | string> {
      yield csvLine([...heads[kind], ...input.headers]);
      for (const part of parts) {
        for await (const chunk of createReadStream(part[kind])) yield chunk as Buffer;
      }
    }
    try {
      await pipeline(Readable.from(content()), createWriteStream(target));
      await syncFile(target);
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      throw fileWriteError(target, error);
    }
  }
}

/**
 * Flushes a written file to the disk (fsync), so the journal never says a load is done while its result files are still
 * only in the OS cache: a power cut after "done" must not leave a file short of rows.
 */
async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Keeps only the excluded rows up to `throughRow` (planning stopped part-way: later rows are written as unprocessed), so
 * no row is in two files. A missing file is left missing.
 */
export async function trimExcluded(path: string, throughRow: number): Promise<void> {
  const kept = `${path}.trim`;
  const sink = createFileSink(kept);
  let header = true;
  const keep = (record: string[]): Promise<void> | undefined => {
    const wanted = header || Number(record[0]) <= throughRow;
    header = false;
    return wanted ? sink.write(csvLine(record)) : undefined;
  };
  try {
    await pipeline(createReadStream(path), (chunks: AsyncIterable<Buffer>) => scanCsvChunks(chunks, keep, { maxRecordChars: MAX_RESULT_RECORD_CHARS }));
    await sink.close({ sync: true });
  } catch (error) {
    sink.destroy();
    if ((error as { code?: unknown }).code === 'ENOENT') {
      await rm(kept, { force: true });
      return;
    }
    throw fileWriteError(kept, error);
  }
  await rename(kept, path).catch((error: unknown) => {
    throw fileWriteError(path, error);
  });
}
