import { useEffect, useState, type ReactNode } from 'react';
import type { LoadSummary, UndoConflicts, UndoPreview, UndoStepKind } from '../../../../shared/ipc/contract';
import type { AppError } from '../../../../shared/ipc/result';
import { ModalDialog } from '../../components/modal-dialog';
import { invoke } from '../../lib/api';
import { formatCount, operationLabel } from './load-text';

/** What each step of an undo does, in a sentence. */
export const UNDO_STEP_TEXT: Record<UndoStepKind, string> = {
  'delete-created': 'Delete the records the load created',
  'restore-updated': 'Write back the values the load changed',
  undelete: 'Bring the deleted records back from the recycle bin',
  reinsert: 'Insert the hard-deleted records again, as new records',
};

/**
 * The Undo dialog of a past load: asks main what undoing it will do (`load:undo-preview`), lists the steps, the records
 * changed since the load (conflicts, to skip or overwrite) and the notes, and starts the undo (`load:undo`) when confirmed.
 */
export function UndoDialog({ load, onStarted, onCancel }: { load: LoadSummary; onStarted: () => void; onCancel: () => void }): ReactNode {
  const [preview, setPreview] = useState<UndoPreview | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [conflicts, setConflicts] = useState<UndoConflicts>('skip');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    void invoke('load:undo-preview', { loadId: load.loadId }).then((result) => {
      if (!live) return;
      if (result.ok) setPreview(result.value);
      else setError(result.error);
    });
    return () => {
      live = false;
    };
  }, [load.loadId]);

  const confirm = async (): Promise<void> => {
    if (preview === null) return;
    setBusy(true);
    const result = await invoke('load:undo', { loadId: load.loadId, conflicts });
    setBusy(false);
    if (result.ok) onStarted();
    else setError(result.error);
  };

  return (
    <ModalDialog title={`Undo the ${operationLabel(load.operation).toLowerCase()} of ${load.objectName}?`} confirmLabel="Undo load" busyLabel={busy ? "Starting…" : "Undo load"} alert busy={busy || preview === null} error={error} onConfirm={() => void confirm()} onCancel={onCancel}>
      {preview === null ? (
        error === null ? <p role="status">Working out what undoing {load.fileName} will do…</p> : null
      ) : (
        <div className="orgdesk-undo">
          <p>Undoing {load.fileName} runs as loads of its own, one after another:</p>
          <ul className="slds-list_dotted" aria-label="Undo steps">
            {preview.steps.map((step) => (
              <li key={step.kind}>
                {UNDO_STEP_TEXT[step.kind]}: {formatCount(step.records)} records
              </li>
            ))}
          </ul>
          {preview.notes.map((note) => (
            <p key={note} className="slds-text-body_small slds-m-top_x-small">
              {note}
            </p>
          ))}
          {preview.conflictCount === 0 ? (
            <p className="slds-text-body_small slds-text-color_weak slds-m-top_small">No record was changed since the load ended.</p>
          ) : (
            <fieldset className="slds-form-element slds-m-top_small" aria-label="Records changed since the load">
              <legend className="slds-form-element__legend slds-form-element__label">
                {formatCount(preview.conflictCount)} records changed since the load ended
              </legend>
              <ul className="slds-text-body_small" aria-label="Conflicts">
                {preview.conflicts.slice(0, 5).map((conflict) => (
                  <li key={conflict.id}>
                    {conflict.id}, changed {new Date(conflict.modifiedAt).toLocaleString()}
                  </li>
                ))}
              </ul>
              <p className="slds-text-body_small slds-text-color_weak">All of them are listed in {preview.conflictsFile}.</p>
              <label className="slds-radio">
                <input type="radio" name="undo-conflicts" value="skip" checked={conflicts === 'skip'} onChange={() => setConflicts('skip')} /> Leave them as they are now
              </label>
              <label className="slds-radio">
                <input type="radio" name="undo-conflicts" value="overwrite" checked={conflicts === 'overwrite'} onChange={() => setConflicts('overwrite')} /> Overwrite them with their values from before the load
              </label>
            </fieldset>
          )}
        </div>
      )}
    </ModalDialog>
  );
}
