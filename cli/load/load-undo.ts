/** `orgdesk load --undo ID`: the preview (steps, conflicts, notes), then the undo's steps followed to their end. */
import type { UndoConflicts, UndoOutcome, UndoPreview } from '../../shared/ipc/domains/load';
import { ServiceError } from '../../core/errors';
import { createLoadJournal } from '../../core/load';
import type { CliShell } from '../cli-shell';
import { explainForProfile } from '../demo-org-hint';
import { EXIT } from '../exit-codes';
import type { LoadCommandOptions } from './load-options';

const STEP_WORDS = {
  'delete-created': 'delete the records the load created',
  'restore-updated': 'write back the values the load changed',
  undelete: 'undelete the records the load deleted (SOAP undelete)',
  reinsert: 'insert the hard-deleted records again, as new records',
} as const;

/** The preview as lines: each step with its records, the conflicts (the first 10) and the notes. */
export function previewLines(preview: UndoPreview): string[] {
  const lines = [`Undo of load ${preview.loadId} (${preview.operation} of ${preview.objectName}):`];
  for (const step of preview.steps) lines.push(`  ${STEP_WORDS[step.kind]}: ${step.records.toLocaleString('en-US')} records`);
  if (preview.conflictCount > 0) {
    lines.push(`${preview.conflictCount.toLocaleString('en-US')} records changed after the load ended (all in ${preview.conflictsFile}):`);
    for (const conflict of preview.conflicts.slice(0, 10)) lines.push(`  ${conflict.id}  changed ${conflict.modifiedAt}`);
  }
  for (const note of preview.notes) lines.push(note);
  return lines;
}

function outcomeLines(outcome: UndoOutcome): string[] {
  return outcome.steps.map(
    (step) =>
      `  ${step.kind.padEnd(16)} ${step.state.padEnd(11)} ${step.counts.success}/${step.counts.input} done, ${step.counts.failed} failed, ${step.counts.unprocessed} unprocessed` +
      `${step.loadId === null ? '' : ` (load ${step.loadId})`}${step.files.failure === '' ? '' : `  failures: ${step.files.failure}`}`,
  );
}

/**
 * Undoes a load: prints what will happen, refuses to choose for the person when records changed since (`--conflicts
 * skip|overwrite`), then runs the steps. Exit 0 when every step did every record, 10 when some failed; an interrupted step
 * is continued by running the same command again.
 */
export async function undoLoad(shell: CliShell, loadId: string, options: LoadCommandOptions): Promise<void> {
  const print = (lines: string[]): void => {
    const stream = options.json === true ? shell.io.stderr : shell.io.stdout;
    for (const line of lines) stream.write(`${line}\n`);
  };
  const services = await shell.services();
  const journaled = createLoadJournal(services.database.db).get(loadId);
  if (journaled === null) throw new ServiceError('NOT_FOUND', `There is no load ${loadId}.`, 'Run orgdesk load --list to see the loads and their ids.');
  const profile = services.orgs.list().find((p) => p.id === journaled.orgId);
  if (profile === undefined) throw new ServiceError('NOT_FOUND', `Load ${loadId} was made in an org profile that no longer exists.`, 'Add the org again with orgdesk orgs add.');
  await services.orgs.connection(profile.id, shell.signal).catch((error: unknown) => {
    throw explainForProfile(profile, error);
  });
  const { service } = services.loads();
  const preview = await service.undoPreview(loadId);
  print(previewLines(preview));
  if (preview.conflictCount > 0 && options.conflicts === undefined) {
    shell.json.set({ state: 'refused', preview });
    throw new ServiceError('VALIDATION', `${preview.conflictCount} records changed after the load ended, so the undo did not start.`, `Decide for them: orgdesk load --undo ${loadId} --conflicts skip (leave them) or --conflicts overwrite.`);
  }
  const conflicts: UndoConflicts = options.conflicts ?? 'skip';
  await service.undo(loadId, conflicts);
  shell.json.set({ state: 'running', loadId, preview });
  const onAbort = (): void => {
    for (const step of service.history(100)) {
      if (step.undoOf?.loadId === loadId && (step.state === 'running' || step.state === 'preparing')) void service.cancel(step.loadId).catch(() => undefined);
    }
  };
  shell.signal.addEventListener('abort', onAbort, { once: true });
  let outcome: UndoOutcome;
  try {
    outcome = await service.undoSettled(loadId);
  } finally {
    shell.signal.removeEventListener('abort', onAbort);
  }
  print(['Undo steps:', ...outcomeLines(outcome)]);
  const stopped = outcome.steps.find((step) => step.state !== 'done' && step.state !== 'failed');
  shell.json.set({ state: stopped === undefined ? 'done' : stopped.state, loadId, preview, undo: outcome });
  if (stopped !== undefined || outcome.steps.length < preview.steps.length) {
    const error = stopped?.loadId === null || stopped === undefined ? undefined : service.get(stopped.loadId).error;
    throw new ServiceError(error?.code ?? 'INTERNAL', `The undo stopped at its ${stopped?.kind ?? 'next'} step${error === undefined ? '' : `: ${error.message}`}.`, `Run orgdesk load --undo ${loadId} again: it continues where it stopped.`);
  }
  if (outcome.steps.some((step) => step.counts.success !== step.counts.input)) shell.setExitCode(EXIT.rowsFailed);
}
