/**
 * Processing an ingest job the way a real org does: asynchronously after UploadComplete, in chunks with the event loop
 * free between them (so the server answers and `numberRecordsProcessed` grows observably), per-row validation through the
 * org's write layer, and job-level failures (`Failed` + `errorMessage`) for problems with the file itself.
 */
import { createPacer } from '../http/org-model';
import type { OrgStore } from '../org/store';
import { type RecordWriter, type WriteContext, type WriteInput, RecordWriteError } from '../org/write';
import { planColumns } from './column-plan';
import { createCsvScanner, delimiterChar, splitRecord } from './csv-input';
import { type IngestJob, OUTCOME } from './job-info';
import { type LockSession, type RecordLocks, lockRowError, locksParent, parentKey } from './record-locks';
import { type RowError, coerceCell } from './value-coercion';

/** Salesforce splits a Bulk 2.0 upload into internal batches of 10,000 records. */
const BATCH_SIZE = 10_000;

/** Characters of the upload scanned between two turns of the event loop. */
const SCAN_SLICE = 4 * 1024 * 1024;

/** A fault armed through the admin API for the next ingest job(s). */
export type IngestFaults = {
  /** The next ingest job to run goes Failed after this many rows (0 = before any row), with this errorMessage. */
  failNextJob?: { afterRows: number; errorMessage: string } | undefined;
  /** Processing pauses after this many rows of the next job until `release()` is called. */
  stallNextJob?: { afterRows: number } | undefined;
};

/** What the processor needs from its surroundings. */
export type ProcessorPorts = {
  store: OrgStore;
  writer: RecordWriter;
  now: () => number;
  faults: IngestFaults;
  /** Rows per chunk; the event loop runs between chunks. */
  chunkSize: number;
  /** Resolves when a stalled job may continue (set by the fault controller). */
  waitForRelease: () => Promise<void>;
  /** The simulated parent-record lock contention (off unless configured). */
  locks?: RecordLocks | undefined;
  /** The org model's rows per second for one job (null: as fast as the process goes). */
  rowsPerSec: number | null;
};

/** Formats a row error as `sf__Error`: `CODE:message:fields --`, or `CODE:message:--` with no fields (real captures). */
function formatSfError(error: RowError): string {
  return `${error.statusCode}:${error.message}:${error.fields.length > 0 ? `${error.fields.join(',')} ` : ''}--`;
}

function finish(job: IngestJob, ports: ProcessorPorts, state: 'JobComplete' | 'Failed', errorMessage?: string): void {
  const now = ports.now();
  job.state = state;
  if (errorMessage !== undefined) job.errorMessage = errorMessage;
  job.systemModstamp = now;
  const elapsed = Math.max(1, now - (job.startedAt ?? now));
  job.totalProcessingTime = elapsed;
  job.apiActiveProcessingTime = Math.max(1, Math.round(elapsed * 0.75));
  job.apexProcessingTime = 0;
  job.content = job.content ?? '';
}

/** Runs one ingest job from UploadComplete to JobComplete or Failed; resolves when it is done (or stopped). */
export async function processIngestJob(job: IngestJob, ports: ProcessorPorts): Promise<void> {
  const held: { session: LockSession | null } = { session: null };
  try {
    await processJob(job, ports, held);
  } finally {
    held.session?.leave();
  }
}

async function processJob(job: IngestJob, ports: ProcessorPorts, held: { session: LockSession | null }): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (job.stopped || job.state !== 'UploadComplete') return;
  job.state = 'InProgress';
  job.startedAt = ports.now();
  job.systemModstamp = job.startedAt;
  const failFault = ports.faults.failNextJob;
  ports.faults.failNextJob = undefined;
  let stallFault = ports.faults.stallNextJob;
  ports.faults.stallNextJob = undefined;

  const content = job.content ?? '';
  const scanner = createCsvScanner(content, job.columnDelimiter, job.lineEnding);
  let layout = scanner.step(SCAN_SLICE);
  while (layout === undefined) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (job.stopped || job.state !== 'InProgress') return;
    layout = scanner.step(SCAN_SLICE);
  }
  if ('errorMessage' in layout) {
    finish(job, ports, 'Failed', layout.errorMessage);
    return;
  }
  job.layout = layout;
  const rowCount = Math.max(0, layout.count - 1);
  job.outcomes = new Uint8Array(rowCount);
  job.ids = new Array<string | undefined>(rowCount);
  const schema = ports.store.objectSchema(job.object);
  if (!schema) {
    finish(job, ports, 'Failed', `InvalidJob : Unable to find object: ${job.object}`);
    return;
  }
  const delimiter = delimiterChar(job.columnDelimiter);
  const headers = layout.count === 0 ? [] : splitRecord(content, layout.starts[0] ?? 0, layout.ends[0] ?? 0, delimiter);
  const plan = planColumns(headers, schema, ports.store, job.operation);
  if ('errorMessage' in plan) {
    finish(job, ports, 'Failed', plan.errorMessage);
    return;
  }
  job.plan = plan;
  const ctx: WriteContext = { userId: job.createdById, origin: 'bulkapi', apiVersion: job.apiVersion.toFixed(1) };
  if (job.client !== undefined) ctx.client = job.client;
  const idColumn = plan.columns.find((c) => c.kind === 'field' && c.field.name === 'Id');
  const externalIdField = job.externalIdFieldName === undefined ? undefined : schema.fields.find((f) => f.name.toLowerCase() === job.externalIdFieldName?.toLowerCase());
  const externalIdColumn = externalIdField === undefined ? undefined : plan.columns.find((c) => c.kind === 'field' && c.field === externalIdField);
  // Bulk upserts fail every row whose external id appears twice in the same internal batch of 10,000 records.
  let duplicateWindow = -1;
  let duplicates = new Set<string>();
  const externalKey = (value: string): string => (externalIdField?.caseSensitive ? value : value.toLowerCase());
  const findDuplicates = (row: number): void => {
    const window = Math.floor(row / BATCH_SIZE);
    if (window === duplicateWindow || externalIdColumn === undefined) return;
    duplicateWindow = window;
    const seen = new Set<string>();
    duplicates = new Set();
    const last = Math.min(rowCount, (window + 1) * BATCH_SIZE);
    for (let r = window * BATCH_SIZE; r < last; r += 1) {
      const cell = splitRecord(content, layout.starts[r + 1] ?? 0, layout.ends[r + 1] ?? 0, delimiter)[externalIdColumn.index] ?? '';
      if (cell === '') continue;
      const key = externalKey(cell);
      if (seen.has(key)) duplicates.add(key);
      else seen.add(key);
    }
  };
  // With lock contention on, the job holds the parents its rows name while it is in flight (record-locks.ts).
  const lockSettings = ports.locks?.settings() ?? null;
  const lockColumns = lockSettings === null ? [] : plan.columns.filter((c) => locksParent(schema, c.field));
  const parentsOf = (cells: string[]): string[] =>
    lockColumns.flatMap((c) => {
      const cell = cells[c.index] ?? '';
      return cell === '' || cell === '#N/A' ? [] : [parentKey(cell, c.kind === 'relationship' ? c.field.name : null)];
    });
  if (ports.locks !== undefined && lockColumns.length > 0) {
    const parents = new Set<string>();
    for (let row = 0; row < rowCount; row += 1) {
      for (const parent of parentsOf(splitRecord(content, layout.starts[row + 1] ?? 0, layout.ends[row + 1] ?? 0, delimiter))) parents.add(parent);
    }
    held.session = ports.locks.enter(job.id, parents);
  }
  const session = held.session;
  const isUpdate = job.operation === 'update';
  const isDelete = job.operation === 'delete' || job.operation === 'hardDelete';

  const outcomes = job.outcomes;
  const fail = (row: number, error: RowError): void => {
    outcomes[row] = OUTCOME.failed;
    job.errors.set(row, formatSfError(error));
    job.numberRecordsFailed += 1;
  };
  const failWrite = (row: number, error: RecordWriteError): void => {
    const first = error.errors[0] ?? { statusCode: 'UNKNOWN_EXCEPTION', message: error.message, fields: [] };
    if (first.statusCode === 'NOT_FOUND') {
      // Bulk reports an id that matches no record as a bad reference, with an empty sf__Id (real capture).
      job.ids[row] = undefined;
      fail(row, { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] });
      return;
    }
    fail(row, first);
  };

  const processRow = (row: number): void => {
    const record = row + 1;
    const cells = splitRecord(content, layout.starts[record] ?? 0, layout.ends[record] ?? 0, delimiter);
    const idCell = idColumn ? (cells[idColumn.index] ?? '') : '';
    if (idCell !== '') job.ids[row] = idCell;
    if (session !== null) {
      const locked = parentsOf(cells).find((parent) => session.contended(parent));
      if (locked !== undefined) {
        fail(row, lockRowError(locked));
        return;
      }
    }
    if (isDelete) {
      if (idCell === '') {
        fail(row, { statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in a delete call', fields: [] });
        return;
      }
      try {
        const hard = job.operation === 'hardDelete';
        job.ids[row] = (hard ? ports.writer.hardDeleteRecord(schema.name, idCell, ctx) : ports.writer.deleteRecord(schema.name, idCell, ctx)).id;
        outcomes[row] = OUTCOME.updated;
      } catch (error) {
        if (!(error instanceof RecordWriteError)) throw error;
        failWrite(row, error);
      }
      return;
    }
    const values: WriteInput = {};
    for (const column of plan.columns) {
      const raw = cells[column.index] ?? '';
      if (raw === '') continue; // Blank cells are ignored (on update they leave the field unchanged).
      if (column.kind === 'field' && column === idColumn) continue;
      if (raw === '#N/A') {
        values[column.field.name] = null;
        continue;
      }
      if (column.kind === 'relationship') {
        const relationship = column.field.relationshipName ?? column.field.name;
        values[relationship] = column.field.referenceTo.length > 1
          ? { kind: 'parentReference', type: column.parentObject, field: column.parentField.name, value: raw }
          : { kind: 'parentReference', field: column.parentField.name, value: raw };
        continue;
      }
      const coerced = coerceCell(raw, column.field, column.index);
      if (!coerced.ok) {
        fail(row, coerced.error);
        return;
      }
      values[column.field.name] = coerced.value;
    }
    try {
      if (isUpdate) {
        if (idCell === '') {
          fail(row, { statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] });
          return;
        }
        job.ids[row] = ports.writer.updateRecord(schema.name, idCell, values, ctx).id;
        outcomes[row] = OUTCOME.updated;
      } else if (job.operation === 'upsert' && externalIdField !== undefined) {
        const key = externalIdField.type === 'id' ? idCell : (externalIdColumn ? (cells[externalIdColumn.index] ?? '') : '');
        findDuplicates(row);
        if (key !== '' && externalIdField.type !== 'id' && duplicates.has(externalKey(key))) {
          fail(row, { statusCode: 'DUPLICATE_VALUE', message: `Duplicate external id specified: ${key}`, fields: [] });
          return;
        }
        const result = ports.writer.upsertByExternalId(schema.name, externalIdField.name, key === '' ? null : key, values, ctx);
        job.ids[row] = result.id;
        outcomes[row] = result.created ? OUTCOME.created : OUTCOME.updated;
      } else {
        if (idCell !== '') values.Id = idCell;
        job.ids[row] = ports.writer.createRecord(schema.name, values, ctx).id;
        outcomes[row] = OUTCOME.created;
      }
    } catch (error) {
      if (!(error instanceof RecordWriteError)) throw error;
      failWrite(row, error);
    }
  };

  // The org model's per-job rate: each job is paced on its own, as each runs on its own server thread in a real org.
  const pacer = ports.rowsPerSec === null ? null : createPacer(ports.rowsPerSec);
  while (job.cursor < rowCount) {
    const chunkStart = job.cursor;
    if (job.stopped || job.state !== 'InProgress') return;
    let end = Math.min(rowCount, job.cursor + ports.chunkSize);
    if (failFault && failFault.afterRows < end && failFault.afterRows >= job.cursor) end = failFault.afterRows;
    if (stallFault && stallFault.afterRows < end && stallFault.afterRows >= job.cursor) end = stallFault.afterRows;
    // Each chunk is one transaction: its record changes share a CDC transactionKey.
    ctx.transactionKey = `${job.id}-${job.cursor}`;
    for (let row = job.cursor; row < end; row += 1) processRow(row);
    job.numberRecordsProcessed += end - job.cursor;
    job.cursor = end;
    job.systemModstamp = ports.now();
    if (failFault && job.cursor === failFault.afterRows) {
      finish(job, ports, 'Failed', failFault.errorMessage);
      return;
    }
    if (stallFault && job.cursor === stallFault.afterRows) {
      stallFault = undefined;
      await ports.waitForRelease();
    } else {
      const pace = pacer === null ? new Promise<void>((resolve) => setImmediate(resolve)) : pacer.take(job.cursor - chunkStart);
      // With lock contention on, the chunk's transaction holds its parents' locks a while (a real commit is not instant).
      const holdMs = session === null ? 0 : (lockSettings?.holdMs ?? 0);
      await (holdMs > 0 ? Promise.all([pace, new Promise<void>((resolve) => setTimeout(resolve, holdMs))]) : pace);
    }
  }
  if (job.stopped || job.state !== 'InProgress') return;
  if (failFault && failFault.afterRows >= rowCount) {
    finish(job, ports, 'Failed', failFault.errorMessage);
    return;
  }
  finish(job, ports, 'JobComplete');
}
