import { useState, type ReactNode } from 'react';
import type { DatabaseRecovery as Recovered, DatabaseStatus } from '../../../shared/ipc/domains/app';
import type { AppError } from '../../../shared/ipc/result';
import { DismissibleAlert } from '../components/error-banner';
import { InlineError } from '../components/inline-error';
import { ModalDialog } from '../components/modal-dialog';
import { invoke } from '../lib/api';
import './database-recovery.css';

/** The database state that sends the app to the recovery screen. */
export type DatabaseNeedsRecovery = Extract<DatabaseStatus, { state: 'needs-recovery' }>;

/**
 * The screen shown instead of the areas when OrgDesk cannot use its local database (damaged, or from a newer OrgDesk): what
 * happened, where the file is, that nothing was deleted, and one way forward, confirmed first: move the file aside and start
 * fresh. Calls `onRecovered` with where the old file went.
 */
export function DatabaseRecoveryScreen({ status, onRecovered }: { status: DatabaseNeedsRecovery; onRecovered: (recovered: Recovered) => void }): ReactNode {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const asideName = `${fileName(status.path)}.${status.problem}-<date and time>`;

  const moveAside = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    const result = await invoke('app:database-recover', {});
    setBusy(false);
    if (result.ok) {
      onRecovered(result.value);
    } else {
      setError(result.error);
      setConfirming(false);
    }
  };

  return (
    <main className="orgdesk-recovery">
      <article className="slds-card orgdesk-recovery__card" aria-labelledby="orgdesk-recovery-title">
        <div className="slds-card__header">
          <h1 id="orgdesk-recovery-title" className="slds-text-heading_medium">
            {status.problem === 'damaged' ? "OrgDesk can't open its local database" : 'This local database is from a newer OrgDesk'}
          </h1>
        </div>
        <div className="slds-card__body slds-card__body_inner">
          <p className="slds-m-bottom_small">{status.message}</p>
          <p className="slds-text-title slds-m-bottom_xx-small">The file</p>
          <p className="slds-m-bottom_small">
            <code className="orgdesk-recovery__path">{status.path}</code>
          </p>
          <p className="slds-m-bottom_small">
            <strong>Nothing has been deleted:</strong> the file is still there.
          </p>
          <p>{status.hint}</p>
          {error === null ? null : <InlineError error={error} className="slds-m-top_medium orgdesk-recovery__error" />}
        </div>
        <footer className="slds-card__footer orgdesk-recovery__actions">
          <button type="button" className="slds-button slds-button_brand" onClick={() => setConfirming(true)}>
            Move it aside and start fresh
          </button>
        </footer>
      </article>
      {confirming ? (
        <ConfirmMoveAside asideName={asideName} busy={busy} onConfirm={() => void moveAside()} onCancel={() => setConfirming(false)} />
      ) : null}
    </main>
  );
}

/** The note shown in the shell after a recovery: where the old file went (kept, not deleted). */
export function RecoveredNotice({ recovered, onDismiss }: { recovered: Recovered; onDismiss: () => void }): ReactNode {
  return (
    <DismissibleAlert tone="info" className="orgdesk-recovered-notice" onDismiss={onDismiss}>
      <p>
        OrgDesk started with a fresh database.{' '}
        {recovered.movedTo === null ? (
          'The old file was already gone.'
        ) : (
          <>
            The old file is kept at <code>{recovered.movedTo}</code>.
          </>
        )}
      </p>
    </DismissibleAlert>
  );
}

function ConfirmMoveAside({ asideName, busy, onConfirm, onCancel }: { asideName: string; busy: boolean; onConfirm: () => void; onCancel: () => void }): ReactNode {
  return (
    <ModalDialog title="Move the database aside?" confirmLabel="Move it aside" busyLabel="Moving it aside…" alert busy={busy} onConfirm={onConfirm} onCancel={onCancel}>
      <p>
        OrgDesk renames the file to {asideName} (it is not deleted) and starts with an empty database. Org profiles will need to be
        added again; their keys stay in the OS keychain.
      </p>
    </ModalDialog>
  );
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
