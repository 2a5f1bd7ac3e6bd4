import type { ReactNode } from 'react';
import type { LoadSummary } from '../../../../shared/ipc/contract';
import { formatCount, operationLabel, stateBadge } from './load-text';
import { StateBadge } from './state-badge';
import { UNDO_STEP_TEXT } from './undo-dialog';

/** Past and unfinished loads, newest first: open one to see its files; an interrupted one can be resumed. */
export function LoadHistory({
  loads,
  selectedId,
  busy,
  onOpen,
  onResume,
  onUndo,
}: {
  loads: LoadSummary[];
  selectedId: string | null;
  busy: boolean;
  onOpen: (summary: LoadSummary) => void;
  onResume: (loadId: string) => void;
  /** Opens the Undo dialog of an ended load that can be undone. */
  onUndo?: ((summary: LoadSummary) => void) | undefined;
}): ReactNode {
  if (loads.length === 0) return <p className="slds-text-body_small slds-text-color_weak">No loads yet.</p>;
  return (
    <ul className="orgdesk-load-history" aria-label="Load history">
      {loads.map((load) => {
        const badge = stateBadge(load.state);
        return (
          <li key={load.loadId} className={`orgdesk-load-history__item${load.loadId === selectedId ? ' orgdesk-load-history__item_selected' : ''}`}>
            <button type="button" className="orgdesk-load-history__open" disabled={busy} onClick={() => onOpen(load)} aria-label={`${load.fileName}, ${badge.label}`}>
              <span className="orgdesk-load-history__title">{load.fileName}</span>
              {load.undoOf === undefined ? null : <span className="slds-text-body_small">Undo step: {UNDO_STEP_TEXT[load.undoOf.step]}</span>}
              <span className="slds-text-body_small slds-text-color_weak">
                {operationLabel(load.operation)} {load.objectName} · {formatCount(load.counts.input)} rows · {new Date(load.startedAt).toLocaleString()}
              </span>
              <span className="slds-text-body_small">
                <StateBadge state={load.state} /> {formatCount(load.counts.success)} ok ·{' '}
                {formatCount(load.counts.failed)} failed
              </span>
            </button>
            {load.state === 'interrupted' ? (
              <button type="button" className="slds-button slds-button_brand slds-button_small" disabled={busy} onClick={() => onResume(load.loadId)}>
                Resume
              </button>
            ) : null}
            {onUndo !== undefined && load.cannotUndo === undefined ? (
              <button type="button" className="slds-button slds-button_neutral slds-button_small" disabled={busy} onClick={() => onUndo(load)} aria-label={`Undo ${load.fileName}`}>
                Undo
              </button>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
