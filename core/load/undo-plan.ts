import { createReadStream, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LoadObject, LoadOperation, LoadPlan, UndoConflict, UndoConflicts, UndoPreview, UndoStepKind } from '../../shared/ipc/domains/load';
import { scanCsvChunks } from '../csv/csv-stream';
import { ServiceError } from '../errors';
import { beforeImagePath, openBeforeImage, type BeforeImageStore } from './before-image-store';
import { keepsBeforeImage } from './before-image';
import { csvLine } from './csv-line';
import { createFileSink } from './file-sink';
import type { JournalLoad } from './load-journal';
import { BULK_PAST_KEYS, type RecordsByKey } from './records-by-key';

/** One step of an undo as it is run: its kind, its file and, for a Bulk step, the plan it is loaded with. */
export type UndoStep = { kind: UndoStepKind; path: string; rows: number; plan: LoadPlan | null };

/** An undo ready to run: what the person is shown, and the step files written for the decision taken on conflicts. */
export type PreparedUndo = { preview: UndoPreview; steps: UndoStep[] };

/** The folder of a load's undo files (`<loadsDir>/<loadId>.undo`). */
export function undoFolder(load: JournalLoad): string {
  return join(dirname(load.workDir), `${load.id}.undo`);
}

/** Examples of conflicts a preview lists (the conflicts file holds them all). */
const CONFLICT_EXAMPLES = 100;

/** Whether a load can be undone, and if not why (the history shows it). */
export function undoRefusal(load: JournalLoad): string | null {
  if (load.state !== 'done' && load.state !== 'failed' && load.state !== 'cancelled') return `The load is ${load.state}: only a load that has ended can be undone.`;
  if ((load.counts?.success ?? 0) === 0) return 'The load changed no record: there is nothing to undo.';
  if (load.plan.operation !== 'insert' && !keepsBeforeImage(load)) return 'The load ran without a before-image, so it cannot be undone.';
  if (load.plan.operation !== 'insert' && !existsSync(beforeImagePath(dirname(load.workDir), load.id))) return 'The before-image of this load is missing, so it cannot be undone.';
  return null;
}

/** Reads a load's success file: each committed row's record id and whether the load created it. */
async function successRows(path: string, onRow: (id: string, created: boolean) => void): Promise<void> {
  let header = true;
  await scanCsvChunks(
    createReadStream(path),
    (record) => {
      if (header) header = false;
      else if ((record[1] ?? '') !== '') onRow(record[1] ?? '', record[2] === 'true');
      return undefined;
    },
    { maxRecordChars: 64 * 1024 * 1024 },
  );
}

/** The plan a Bulk step is loaded with: its columns are field names. */
function stepPlan(load: JournalLoad, operation: LoadOperation, fields: string[]): LoadPlan {
  return { objectName: load.plan.objectName, operation, mappings: fields.map((field) => ({ source: 'column', column: field, field })), dates: { dateOrder: 'ymd', timeZone: 'UTC' } };
}

/** Writes one step file; answers its rows. */
async function writeStep(path: string, header: string[], rows: Iterable<string[]>): Promise<number> {
  const sink = createFileSink(path);
  let count = 0;
  await sink.write(csvLine(header));
  for (const row of rows) {
    count += 1;
    const write = sink.write(csvLine(row));
    if (write !== undefined) await write;
  }
  await sink.close({ sync: true });
  return count;
}

function* restoreRows(ids: string[], image: BeforeImageStore, fields: string[], skip: Set<string>): Generator<string[]> {
  for (const id of ids) {
    if (skip.has(id)) continue;
    const kept = image.get(id);
    // A value that was null is written back as null (`#N/A`), not left as the load set it.
    if (kept !== null) yield [id, ...fields.map((field) => kept.values[field] ?? '#N/A')];
  }
}

function* reinsertRows(ids: string[], image: BeforeImageStore, fields: string[]): Generator<string[]> {
  for (const id of ids) {
    const kept = image.get(id);
    if (kept !== null) yield fields.map((field) => kept.values[field] ?? '');
  }
}

/**
 * Works out how to reverse an ended load and writes the step files into its undo folder: records the load created are
 * deleted, records it updated get their before values back, deleted ones are undeleted, hard-deleted ones re-inserted from
 * the before-image. Records changed since the load ended (SystemModstamp later than its end) are conflicts: skipped, or
 * overwritten, as `conflicts` says; the conflicts file lists them all.
 */
export async function prepareUndo(load: JournalLoad, object: LoadObject, reader: RecordsByKey, conflicts: UndoConflicts, signal: AbortSignal): Promise<PreparedUndo> {
  const refusal = undoRefusal(load);
  if (refusal !== null) throw new ServiceError('VALIDATION', refusal, 'Pick another load from the history.');
  const created: string[] = [];
  const changed: string[] = [];
  await successRows(load.files.success, (id, wasCreated) => {
    if (load.plan.operation === 'insert' || (load.plan.operation === 'upsert' && wasCreated)) created.push(id);
    else changed.push(id);
  });
  const folder = undoFolder(load);
  await mkdir(folder, { recursive: true });
  const image = load.plan.operation === 'insert' ? null : openBeforeImage(beforeImagePath(dirname(load.workDir), load.id), { create: false });
  try {
    const fields = image?.meta()?.fields ?? [];
    const live = load.plan.operation === 'delete' || load.plan.operation === 'hardDelete' ? [] : [...created, ...changed];
    const found: UndoConflict[] = [];
    const endedAt = load.endedAt ?? load.startedAt;
    if (live.length > 0) {
      await reader.read({ fields: ['SystemModstamp'], keyField: 'Id', bulk: live.length > BULK_PAST_KEYS, signal }, live, (records) => {
        for (const record of records) {
          const stamp = record.SystemModstamp ?? null;
          if (stamp !== null && Date.parse(stamp) > Date.parse(endedAt)) found.push({ id: record.Id ?? '', modifiedAt: stamp });
        }
      });
    }
    const skip = conflicts === 'skip' ? new Set(found.map((conflict) => conflict.id)) : new Set<string>();
    await writeStep(join(folder, 'conflicts.csv'), ['Id', 'SystemModstamp', 'decision'], found.map((conflict) => [conflict.id, conflict.modifiedAt, conflicts]));
    const steps: UndoStep[] = [];
    if (created.length > 0) {
      const path = join(folder, 'delete-created.csv');
      const rows = await writeStep(path, ['Id'], created.filter((id) => !skip.has(id)).map((id) => [id]));
      steps.push({ kind: 'delete-created', path, rows, plan: stepPlan(load, 'delete', ['Id']) });
    }
    if (image !== null && changed.length > 0) {
      const op = load.plan.operation;
      if (op === 'update' || op === 'upsert') {
        // An upsert may have set a field only a create can: an update cannot write it back.
        const updateable = new Set(object.fields.filter((field) => field.updateable).map((field) => field.name));
        const writable = fields.filter((field) => updateable.has(field));
        const path = join(folder, 'restore-updated.csv');
        const rows = await writeStep(path, ['Id', ...writable], restoreRows(changed, image, writable, skip));
        steps.push({ kind: 'restore-updated', path, rows, plan: stepPlan(load, 'update', ['Id', ...writable]) });
      } else if (op === 'delete') {
        const path = join(folder, 'undelete.csv');
        const rows = await writeStep(path, ['Id'], changed.map((id) => [id]));
        steps.push({ kind: 'undelete', path, rows, plan: null });
      } else {
        const createable = new Set(object.fields.filter((field) => field.createable).map((field) => field.name));
        const insertable = fields.filter((field) => createable.has(field));
        const path = join(folder, 'reinsert.csv');
        const rows = await writeStep(path, insertable, reinsertRows(changed, image, insertable));
        steps.push({ kind: 'reinsert', path, rows, plan: stepPlan(load, 'insert', insertable) });
      }
    }
    const notes: string[] = [];
    if (load.plan.operation === 'hardDelete') notes.push('Hard-deleted records cannot come back with their ids: they are inserted again as new records with the values they had.');
    if (found.length > 0) notes.push(`${found.length} records changed after the load ended; they are ${conflicts === 'skip' ? 'left as they are now' : 'overwritten with their values from before the load'}.`);
    const preview: UndoPreview = {
      loadId: load.id,
      objectName: load.plan.objectName,
      operation: load.plan.operation,
      steps: steps.map((step) => ({ kind: step.kind, records: step.rows })),
      conflictCount: found.length,
      conflicts: found.slice(0, CONFLICT_EXAMPLES),
      conflictsFile: join(folder, 'conflicts.csv'),
      notes,
    };
    return { preview, steps };
  } finally {
    image?.close();
  }
}
