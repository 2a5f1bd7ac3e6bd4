import { useId, useState, type DragEvent, type ReactNode } from 'react';
import type { FileSending } from './use-load-file';
import { formatBytes } from './load-text';

/** The file step's input: drop a CSV on the zone or choose one; while a file is sent to main, its progress. */
export function DropZone({ sending, busy, onFile }: { sending: FileSending | null; busy: boolean; onFile: (file: File) => void }): ReactNode {
  const inputId = useId();
  const [over, setOver] = useState(false);

  const take = (files: FileList | null): void => {
    const file = files?.[0];
    if (file !== undefined && !busy) onFile(file);
  };
  const dragging = (event: DragEvent<HTMLDivElement>, entering: boolean): void => {
    event.preventDefault();
    setOver(entering);
  };

  return (
    <div className="slds-form-element orgdesk-load-drop">
      <div className="slds-form-element__control">
        <div className="slds-file-selector slds-file-selector_files orgdesk-load-drop__selector">
          <div
            className={`slds-file-selector__dropzone orgdesk-load-drop__zone${over ? ' slds-has-drag-over' : ''}`}
            data-testid="load-drop-zone"
            onDragEnter={(event) => dragging(event, true)}
            onDragOver={(event) => dragging(event, true)}
            onDragLeave={(event) => dragging(event, false)}
            onDrop={(event) => {
              dragging(event, false);
              take(event.dataTransfer.files);
            }}
          >
            <input
              type="file"
              className="slds-file-selector__input slds-assistive-text"
              accept=".csv,.txt,.tsv,text/csv,text/plain"
              id={inputId}
              disabled={busy}
              onChange={(event) => {
                take(event.target.files);
                event.target.value = '';
              }}
            />
            <label className="slds-file-selector__body" htmlFor={inputId}>
              <span className="slds-file-selector__button slds-button slds-button_neutral">Choose a CSV</span>
              <span className="slds-file-selector__text slds-medium-show">or drop it here</span>
            </label>
          </div>
        </div>
      </div>
      {sending === null ? null : <SendingProgress sending={sending} />}
    </div>
  );
}

function SendingProgress({ sending }: { sending: FileSending }): ReactNode {
  const percent = sending.totalBytes === 0 ? 100 : Math.floor((sending.sentBytes / sending.totalBytes) * 100);
  return (
    <div className="slds-m-top_small" aria-live="polite">
      <div className="slds-grid slds-grid_align-spread slds-text-body_small">
        <span>Sending {sending.name} to OrgDesk</span>
        <span>
          {formatBytes(sending.sentBytes)} of {formatBytes(sending.totalBytes)}
        </span>
      </div>
      <div className="slds-progress-bar slds-progress-bar_small" role="progressbar" aria-label={`Sending ${sending.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <span className="slds-progress-bar__value" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
