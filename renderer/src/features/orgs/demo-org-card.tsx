import { useId, useState, type ReactNode } from 'react';
import type { DemoOrgStatus } from '../../../../shared/ipc/domains/orgs';
import { assertNever } from '../../../../shared/ipc/result';
import { ModalDialog } from '../../components/modal-dialog';
import type { DemoOrgState } from './use-demo-org';

function stateText(status: DemoOrgStatus): { badge: string; theme: string; text: string } {
  switch (status.state) {
    case 'stopped':
      return { badge: 'Stopped', theme: '', text: 'The local org is not running.' };
    case 'starting':
      return { badge: 'Starting', theme: 'slds-theme_warning', text: 'Starting the local org and connecting…' };
    case 'ready':
      return { badge: 'Ready', theme: 'slds-theme_success', text: `Running at ${status.url ?? 'a loopback port'}.` };
    case 'failed':
      return { badge: 'Failed', theme: 'slds-theme_error', text: status.error?.message ?? 'The local org could not start.' };
    default:
      return assertNever(status.state);
  }
}

/** The built-in demo org: its status (starting, ready, failed), "Start demo org" and "Reset demo org to its seed" (confirmed first). */
export function DemoOrgCard({ demo }: { demo: DemoOrgState }): ReactNode {
  const id = useId();
  const [confirmReset, setConfirmReset] = useState(false);
  const { status } = demo;
  const shown = status === null ? null : stateText(status);
  const starting = status?.state === 'starting';

  return (
    <article className="slds-card orgdesk-org-card" aria-labelledby={`${id}-title`}>
      <div className="slds-card__header slds-grid">
        <h2 id={`${id}-title`} className="slds-card__header-title slds-text-heading_small slds-col">
          Demo org
        </h2>
        {shown === null ? null : (
          <span className={`slds-badge ${shown.theme}`} data-testid="demo-org-state">
            {shown.badge}
          </span>
        )}
      </div>
      <div className="slds-card__body slds-card__body_inner">
        <p className="slds-text-color_weak">A local Salesforce org on this computer, with sample data. Its data stays between launches.</p>
        {shown === null ? null : <p className="slds-m-top_x-small">{shown.text}</p>}
        {status?.state === 'failed' && status.error?.hint !== undefined ? <p className="slds-text-color_weak">{status.error.hint}</p> : null}
        {status?.keyInMemory === true ? (
          <p className="slds-text-color_weak" data-testid="demo-org-key-in-memory">
            No OS keychain on this computer, so the demo org&apos;s key is kept in memory until OrgDesk closes (your own orgs need a keychain).
          </p>
        ) : null}
        <div className="slds-m-top_small orgdesk-button-row">
          {status?.state === 'ready' ? null : (
            <button type="button" className="slds-button slds-button_neutral" disabled={starting} onClick={() => void demo.start()}>
              Start demo org
            </button>
          )}
          <button type="button" className="slds-button slds-button_neutral" disabled={starting} onClick={() => setConfirmReset(true)}>
            Reset demo org to its seed
          </button>
        </div>
      </div>
      {confirmReset ? (
        <ModalDialog
          title="Reset the demo org?"
          confirmLabel="Reset"
          confirmVariant="destructive"
          onConfirm={() => {
            setConfirmReset(false);
            void demo.reset();
          }}
          onCancel={() => setConfirmReset(false)}
        >
          <p>Every record in the demo org goes back to its sample data. Changes made in it since are lost. Your other orgs are not touched.</p>
        </ModalDialog>
      ) : null}
    </article>
  );
}
