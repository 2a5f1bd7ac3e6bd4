import { useId, useState, type ReactNode } from 'react';
import type { DemoOrgStatus, OrgSummary } from '../../../../shared/ipc/domains/orgs';
import { CertificatePanel } from './certificate-panel';
import { ConnectionTestPanel } from './connection-test-panel';
import { ModalDialog } from '../../components/modal-dialog';
import { environmentLabel, orgDot } from './org-text';
import type { OrgActions } from './use-org-actions';

/** One profile: its settings, "Set active", "Edit", "Delete" (confirmed, with its keychain entry), its key and the connection test. */
export function OrgDetails({
  org,
  active,
  demoState,
  actions,
  onEdit,
  onDeleted,
}: {
  org: OrgSummary;
  active: boolean;
  demoState: DemoOrgStatus['state'] | null;
  actions: OrgActions;
  onEdit: () => void;
  onDeleted: () => void;
}): ReactNode {
  const id = useId();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const dot = orgDot(org, demoState);

  const remove = async (): Promise<void> => {
    setDeleting(true);
    const removed = await actions.remove(org.id);
    setDeleting(false);
    setConfirmDelete(false);
    if (removed) onDeleted();
  };

  return (
    <div className="orgdesk-org-details">
      <div className="slds-page-header orgdesk-org-details__header">
        <div className="slds-grid slds-grid_vertical-align-center orgdesk-org-details__title">
          <span className="orgdesk-org-swatch orgdesk-org-swatch_large" style={{ backgroundColor: dot.color }} title={dot.title} aria-hidden="true" />
          <h2 id={`${id}-title`} className="slds-text-heading_medium">
            {org.label}
          </h2>
          {org.isDemo ? <span className="slds-badge">Demo</span> : null}
          {active ? <span className="slds-badge slds-theme_success">Active</span> : null}
        </div>
        <div className="orgdesk-button-row">
          <button type="button" className="slds-button slds-button_neutral" disabled={active} onClick={() => void actions.setActive(org.id)}>
            {active ? 'Active org' : 'Set active'}
          </button>
          <button type="button" className="slds-button slds-button_neutral" onClick={onEdit}>
            Edit
          </button>
          <button type="button" className="slds-button slds-button_text-destructive" onClick={() => setConfirmDelete(true)}>
            Delete
          </button>
        </div>
      </div>
      <article className="slds-card orgdesk-org-card" aria-labelledby={`${id}-settings`}>
        <div className="slds-card__header">
          <h2 id={`${id}-settings`} className="slds-card__header-title slds-text-heading_small">
            Settings
          </h2>
        </div>
        <div className="slds-card__body slds-card__body_inner">
          <dl className="slds-list_horizontal slds-wrap orgdesk-facts">
            <dt className="slds-item_label slds-text-color_weak">Environment</dt>
            <dd className="slds-item_detail">{environmentLabel(org)}</dd>
            <dt className="slds-item_label slds-text-color_weak">Username</dt>
            <dd className="slds-item_detail">{org.username}</dd>
            <dt className="slds-item_label slds-text-color_weak">Consumer key</dt>
            <dd className="slds-item_detail orgdesk-mono slds-truncate" title={org.consumerKey}>
              {org.consumerKey}
            </dd>
            <dt className="slds-item_label slds-text-color_weak">API version</dt>
            <dd className="slds-item_detail">{org.apiVersion ?? 'Newest the org offers'}</dd>
            <dt className="slds-item_label slds-text-color_weak">Pub/Sub endpoint</dt>
            <dd className="slds-item_detail">{org.pubsubEndpoint ?? 'api.pubsub.salesforce.com:7443'}</dd>
          </dl>
        </div>
      </article>
      <CertificatePanel key={`cert-${org.id}`} org={org} actions={actions} />
      <ConnectionTestPanel key={`test-${org.id}`} org={org} actions={actions} />
      {confirmDelete ? (
        <ModalDialog
          title={`Delete ${org.label}?`}
          confirmLabel="Delete"
          confirmVariant="destructive"
          busy={deleting}
          onConfirm={() => void remove()}
          onCancel={() => setConfirmDelete(false)}
        >
          <p>
            This deletes the profile and its private key from the OS keychain. The key cannot be recovered: to connect again you
            would generate a new key and upload its certificate to the connected app.
          </p>
          {org.isDemo ? <p className="slds-m-top_small">The demo org is not started again at launch once its profile is gone; “Start demo org” brings it back.</p> : null}
        </ModalDialog>
      ) : null}
    </div>
  );
}
