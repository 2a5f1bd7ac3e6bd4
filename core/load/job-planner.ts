import { join } from 'node:path';
import type { PreflightIssueKind } from '../../shared/ipc/domains/load';
import { ServiceError } from '../errors';
import { csvLine } from './csv-line';
import { createFileSink, type FileSink } from './file-sink';
import type { LaneSplit } from './lock-groups';

/** Data rows in file order (`row` is 1-based; the header is row 0), as A's `readCsvRecords` yields them. */
export type RecordSource = AsyncIterable<{ row: number; values: string[] }>;

/** What the planner needs of a row validator (A's `createRowValidator`): the job header and each row's cells or issues. */
export type RowCheckPort = {
  outputHeaders: string[];
  check(values: string[], row: number): { ok: true; cells: string[] } | { ok: false; issues: { kind: PreflightIssueKind; column: string; value: string; why: string }[] };
};

/** A job's rows, written once: its CSV is complete and fsync'd when the planner hands it on; `lane` when rows are grouped by parent. */
type PlannedJob = { seq: number; firstRow: number; lastRow: number; rows: number; bytes: number; lane: number | null };

/** The files of one job in the load's folder. */
export type JobFiles = {
  /** The CSV sent in the job's one upload: field-name header, normalised cells, LF. */
  csv: string;
  /** Each row's original cells, as CSV lines in job order (the result files echo them). */
  original: string;
  /** 16 bytes per job row: the 64-bit key of its uploaded cells (`rowKey`), its input row number, the byte length of its original line. */
  index: string;
};

/** Bytes per row in a job's index file. */
export const INDEX_ENTRY_BYTES = 16;

/** Where a job's files live. */
export function jobFiles(workDir: string, seq: number): JobFiles {
  return { csv: join(workDir, `job-${seq}.csv`), original: join(workDir, `job-${seq}.orig`), index: join(workDir, `job-${seq}.idx`) };
}

/**
 * The 64-bit key that finds an uploaded row again in a result file (Salesforce echoes the uploaded cells but not in upload
 * order, §4.5), written into `out` as two 32-bit halves. A cyrb53-style multiply-xor hash over every cell with a separator:
 * a cryptographic hash costs several times more per row, and a 64-bit key makes a collision within one job (at most ~1M rows)
 * about a one-in-10^7 event.
 */
export function rowKey(cells: readonly string[], out: Uint32Array): void {
  let h1 = 0xdeadbeef ^ cells.length;
  let h2 = 0x41c6ce57 ^ cells.length;
  for (const cell of cells) {
    for (let i = 0; i < cell.length; i += 1) {
      const c = cell.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ 0x1f, 2246822507);
    h2 = Math.imul(h2 ^ 0x1f, 3266489909);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  out[0] = h1 >>> 0;
  out[1] = h2 >>> 0;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The load was stopped.', 'AbortError');
}

/** What planning is asked to do. */
export type PlanInput = {
  records: RecordSource;
  validator: RowCheckPort;
  /** The source file's headers (the excluded file echoes them). */
  headers: string[];
  workDir: string;
  /** Upper bound of one job CSV in bytes (header included). */
  maxJobBytes: number;
  /** Upper bound of rows per job (Salesforce has none below 150M; tests use it to make many jobs). */
  maxJobRows?: number | undefined;
  /** The next job's seq. */
  nextSeq: number;
  /** Rows up to this one are already in journaled jobs (a resumed planning only re-validates them). */
  plannedThrough: number;
  /** Where rows pre-flight excludes go (`row`, `issues`, the original columns); rewritten from the first row every time. */
  excludedPath: string;
  signal?: AbortSignal | undefined;
  /**
   * Rows grouped by the parent they lock (lock-groups.ts): each lane has its own open job, and when one is full every
   * lane's job ends together (a wave), so all rows up to the last one read are in journaled jobs at once.
   */
  lanes?: LaneSplit | null | undefined;
  /** Journals finished jobs (one, or a wave) and how far planning got, in one step; they may be started as soon as this returns. */
  onJobs(jobs: PlannedJob[], plannedThrough: number, excludedRows: number): Promise<void> | void;
  /** Rows read so far. */
  onRows?: ((rowsRead: number) => void) | undefined;
};

/** How planning ended. */
export type PlanOutcome = { excludedRows: number; lastRowRead: number; jobs: number };

/**
 * Streams the source once through the row validator and splits the valid rows into separate jobs, each CSV under
 * `maxJobBytes` (one upload each, salesforce-api.md §4.2), LF line endings. Invalid rows go to the excluded file. Nothing
 * grows in memory with the file: each job's CSV, original lines and row index are written as they come.
 *
 * An abort stops it with the signal's reason: the journal then holds the jobs finished so far and the row every earlier row
 * is accounted through; the excluded file may hold rows past it (`trimExcluded` drops them).
 */
export async function planJobs(input: PlanInput): Promise<PlanOutcome> {
  const header = csvLine(input.validator.outputHeaders);
  const headerBytes = Buffer.byteLength(header);
  if (headerBytes >= input.maxJobBytes) {
    throw new ServiceError('VALIDATION', `The job header alone is ${headerBytes} bytes, more than the ${input.maxJobBytes}-byte job size.`, 'Raise the job size or map fewer columns.');
  }
  const excluded = createFileSink(input.excludedPath, 'w');
  let excludedRows = 0;
  let seq = input.nextSeq;
  let jobs = 0;
  let lastRowRead = 0;
  type OpenJob = { seq: number; csv: FileSink; original: FileSink; index: FileSink; firstRow: number; lastRow: number; rows: number };
  const lanes = input.lanes ?? null;
  const open: (OpenJob | null)[] = Array.from({ length: lanes?.count ?? 1 }, () => null);
  const entry = Buffer.alloc(INDEX_ENTRY_BYTES);
  const key = new Uint32Array(2);

  const openJob = async (firstRow: number): Promise<OpenJob> => {
    const files = jobFiles(input.workDir, seq);
    const job = { seq, csv: createFileSink(files.csv), original: createFileSink(files.original), index: createFileSink(files.index), firstRow, lastRow: firstRow, rows: 0 };
    seq += 1;
    await job.csv.write(header);
    return job;
  };
  /** Ends every open job (one, or a wave of lanes); every row up to `plannedThrough` is then in a job or in the excluded file. */
  const finish = async (plannedThrough: number): Promise<void> => {
    const ending = open.flatMap((job, lane) => (job === null ? [] : [{ job, lane }])).sort((a, b) => a.job.seq - b.job.seq);
    if (ending.length === 0) return;
    open.fill(null);
    await Promise.all([...ending.flatMap(({ job }) => [job.csv.close({ sync: true }), job.original.close({ sync: true }), job.index.close({ sync: true })]), excluded.flush()]);
    const planned = ending.map(({ job, lane }): PlannedJob => ({ seq: job.seq, firstRow: job.firstRow, lastRow: job.lastRow, rows: job.rows, bytes: job.csv.bytes, lane: lanes === null ? null : lane }));
    jobs += planned.length;
    await input.onJobs(planned, plannedThrough, excludedRows);
  };

  try {
    await excluded.write(csvLine(['row', 'issues', ...input.headers]));
    for await (const record of input.records) {
      lastRowRead = record.row;
      if (record.row % 5000 === 0) input.onRows?.(record.row);
      const checked = input.validator.check(record.values, record.row);
      if (!checked.ok) {
        excludedRows += 1;
        const issues = checked.issues.map((issue) => `${issue.column}: ${issue.why}`).join('; ');
        const write = excluded.write(csvLine([String(record.row), issues, ...record.values]));
        if (write !== undefined) await write;
        continue;
      }
      if (record.row <= input.plannedThrough) continue;
      const line = csvLine(checked.cells);
      const original = csvLine(record.values);
      const lineBytes = Buffer.byteLength(line);
      const lane = lanes === null ? 0 : lanes.laneOf(checked.cells, record.row);
      const current = open[lane] ?? null;
      if (current !== null && (current.csv.bytes + lineBytes > input.maxJobBytes || (input.maxJobRows !== undefined && current.rows >= input.maxJobRows))) {
        await finish(record.row - 1);
      }
      let job = open[lane] ?? null;
      if (job === null) {
        if (headerBytes + lineBytes > input.maxJobBytes) {
          throw new ServiceError('VALIDATION', `Row ${record.row} alone is larger than the ${input.maxJobBytes}-byte job size.`, 'Raise the job size (at most 100 MB).');
        }
        job = await openJob(record.row);
        open[lane] = job;
      }
      rowKey(checked.cells, key);
      entry.writeUInt32LE(key[0] ?? 0, 0);
      entry.writeUInt32LE(key[1] ?? 0, 4);
      entry.writeUInt32LE(record.row, 8);
      entry.writeUInt32LE(Buffer.byteLength(original), 12);
      job.rows += 1;
      job.lastRow = record.row;
      // The sinks resolve at once unless their buffer is full: await only then (three awaits a row cost more than the writes).
      const writes = [job.csv.write(line), job.original.write(original), job.index.write(Buffer.from(entry))];
      if (writes.some((write) => write !== undefined)) await Promise.all(writes.filter((write): write is Promise<void> => write !== undefined));
      if (input.signal?.aborted === true) throw abortError(input.signal);
    }
    await finish(lastRowRead);
    await excluded.close({ sync: true });
    return { excludedRows, lastRowRead, jobs };
  } catch (error) {
    // The excluded rows read so far stay on disk: a cancel keeps those up to the last journaled job (`trimExcluded`).
    await excluded.close().catch(() => undefined);
    for (const job of open) {
      job?.csv.destroy();
      job?.original.destroy();
      job?.index.destroy();
    }
    throw error;
  }
}
