import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadSummary, UndoConflicts, UndoOutcome, UndoPreview, UndoStepOutcome } from '../../shared/ipc/domains/load';
import { ServiceError } from '../errors';
import type { Clock } from '../salesforce';
import type { QueryConnections } from '../query/ports';
import { loadOf } from './load-accounting';
import type { JournalLoad, LoadJournal } from './load-journal';
import type { LoadRunOptions, LoadSource } from './load-source';
import { createRecordReader } from './records-by-key';
import { runUndeleteStep } from './undelete-step';
import { prepareUndo, undoFolder, type PreparedUndo, type UndoStep } from './undo-plan';

/** What the undo engine needs of the load service: open a step file, start it, resume it, wait for it. */
type UndoLoadPort = {
  open(file: LoadSource): Promise<{ fileId: string }>;
  close(fileId: string): Promise<unknown>;
  start(orgId: string, fileId: string, plan: NonNullable<UndoStep['plan']>, options: LoadRunOptions): Promise<{ loadId: string }>;
  resume(loadId: string): Promise<unknown>;
  settled(loadId: string): Promise<LoadSummary>;
  object(orgId: string, objectName: string): Promise<NonNullable<JournalLoad['object']>>;
};

/** The ports of the undo engine. */
export type UndoServiceOptions = { journal: LoadJournal; connections: QueryConnections; clock: Clock; poll?: { initialMs: number; maxMs: number } | undefined; loads: () => UndoLoadPort };

/** Undoing loads: preview, start (or continue), and the outcome once every step ended. */
export type UndoService = {
  preview(loadId: string): Promise<UndoPreview>;
  start(loadId: string, conflicts: UndoConflicts): Promise<{ started: true }>;
  /** Waits for an undo this process runs, and answers how its steps ended. */
  settled(loadId: string): Promise<UndoOutcome>;
};

/** The step loads of undoing a load, from the journal. */
function stepLoads(journal: LoadJournal, loadId: string): JournalLoad[] {
  return journal.list(100_000).filter((load) => (load.options as LoadRunOptions).undoOf?.loadId === loadId);
}

function outcomeOf(step: UndoStep, summary: LoadSummary): UndoStepOutcome {
  const { counts } = summary;
  return { kind: step.kind, loadId: summary.loadId, state: summary.state, counts: { input: counts.input, success: counts.success, failed: counts.failed, unprocessed: counts.unprocessed }, files: { success: summary.files.success, failure: summary.files.failure } };
}

/** Builds the undo engine: each step of an undo is a journaled load run by the load service (the undelete step, SOAP calls). */
export function createUndoService(options: UndoServiceOptions): UndoService {
  const { journal, connections } = options;
  const running = new Map<string, Promise<UndoOutcome>>();

  const readerFor = async (load: JournalLoad) => {
    const connection = await connections.connectionFor(load.orgId);
    const object = load.object ?? (await options.loads().object(load.orgId, load.plan.objectName));
    return { connection, object, reader: createRecordReader({ client: connection.client, apiVersion: connection.apiVersion, clock: options.clock, object, poll: options.poll }) };
  };

  /** The undo's steps: the ones written when it first started (once a step ran, its files must not change), else new ones. */
  const prepared = async (load: JournalLoad, conflicts: UndoConflicts, signal: AbortSignal): Promise<PreparedUndo> => {
    const stored = join(undoFolder(load), 'steps.json');
    const begun = stepLoads(journal, load.id).length > 0 || existsSync(join(undoFolder(load), 'undelete.progress.ndjson'));
    if (begun && existsSync(stored)) return JSON.parse(readFileSync(stored, 'utf8')) as PreparedUndo;
    const { object, reader } = await readerFor(load);
    return prepareUndo(load, object, reader, conflicts, signal);
  };

  const runStep = async (load: JournalLoad, step: UndoStep, signal: AbortSignal): Promise<UndoStepOutcome> => {
    const loads = options.loads();
    const existing = stepLoads(journal, load.id).find((candidate) => (candidate.options as LoadRunOptions).undoOf?.step === step.kind);
    if (existing !== undefined) {
      if (existing.state === 'interrupted') await loads.resume(existing.id);
      return outcomeOf(step, await loads.settled(existing.id));
    }
    if (step.plan === null) {
      const { connection, reader } = await readerFor(load);
      return runUndeleteStep({ client: connection.client, apiVersion: connection.apiVersion, reader, path: step.path, folder: undoFolder(load), signal });
    }
    if (step.rows === 0) return { kind: step.kind, loadId: null, state: 'done', counts: { input: 0, success: 0, failed: 0, unprocessed: 0 }, files: { success: '', failure: '' } };
    const file = await loads.open({ kind: 'path', path: step.path });
    const { loadId } = await loads.start(load.orgId, file.fileId, step.plan, { excludeInvalid: true, outputDir: undoFolder(load), undoOf: { loadId: load.id, step: step.kind } });
    await loads.close(file.fileId);
    return outcomeOf(step, await loads.settled(loadId));
  };

  const run = async (load: JournalLoad, undo: PreparedUndo): Promise<UndoOutcome> => {
    const signal = new AbortController().signal;
    const steps: UndoStepOutcome[] = [];
    for (const step of undo.steps) {
      const outcome = await runStep(load, step, signal);
      steps.push(outcome);
      // A step that stopped (interrupted, cancelled) leaves the rest for when the undo is started again.
      if (outcome.state !== 'done' && outcome.state !== 'failed') break;
    }
    return { loadId: load.id, steps };
  };

  return {
    async preview(loadId) {
      const load = loadOf(journal, loadId);
      return (await prepared(load, 'overwrite', new AbortController().signal)).preview;
    },
    async start(loadId, conflicts) {
      if (running.has(loadId)) throw new ServiceError('VALIDATION', 'This load is being undone already.', 'Follow its steps in the Load area.');
      const load = loadOf(journal, loadId);
      const undo = await prepared(load, conflicts, new AbortController().signal);
      await writeFile(join(undoFolder(load), 'steps.json'), JSON.stringify(undo));
      const chain = run(load, undo).finally(() => running.delete(loadId));
      chain.catch(() => undefined);
      running.set(loadId, chain);
      return { started: true };
    },
    async settled(loadId) {
      const chain = running.get(loadId);
      if (chain === undefined) throw new ServiceError('VALIDATION', 'This load is not being undone.', 'Start the undo first.');
      return chain;
    },
  };
}
