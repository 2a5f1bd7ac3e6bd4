import { useState, type ReactNode } from 'react';
import { useActiveOrg } from '../../lib/active-org';
import { DemoOrgCard } from './demo-org-card';
import { OrgDetails } from './org-details';
import { EMPTY_ORG_FORM, OrgForm, formValuesOf } from './org-form';
import { OrgList } from './org-list';
import { useDemoOrg } from './use-demo-org';
import { useOrgActions } from './use-org-actions';
import './orgs-area.css';

type Mode = { kind: 'view' } | { kind: 'create' } | { kind: 'edit'; id: string };

/** The Orgs area: the profiles on the left with the demo org; the chosen profile (or the create/edit form) on the right. */
export function OrgsArea(): ReactNode {
  const { orgs, activeOrgId } = useActiveOrg();
  const actions = useOrgActions();
  const demo = useDemoOrg();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [saving, setSaving] = useState(false);

  // Until the person picks one, show the active org (or the first).
  const selected = orgs.find((org) => org.id === selectedId) ?? orgs.find((org) => org.id === activeOrgId) ?? orgs[0] ?? null;
  const editing = mode.kind === 'edit' ? orgs.find((org) => org.id === mode.id) : undefined;

  return (
    <div className="orgdesk-orgs">
      <aside className="orgdesk-orgs__side">
        <div className="slds-grid slds-grid_vertical-align-center orgdesk-orgs__side-header">
          <h1 className="slds-text-heading_medium slds-col">Orgs</h1>
          <button type="button" className="slds-button slds-button_brand" onClick={() => setMode({ kind: 'create' })}>
            New org
          </button>
        </div>
        <OrgList
          orgs={orgs}
          activeOrgId={activeOrgId}
          selectedId={mode.kind === 'create' ? null : (selected?.id ?? null)}
          demoState={demo.status?.state ?? null}
          onSelect={(id) => {
            setSelectedId(id);
            setMode({ kind: 'view' });
          }}
        />
        <DemoOrgCard demo={demo} />
      </aside>
      <div className="orgdesk-orgs__main">
        {mode.kind === 'create' ? (
          <OrgForm
            key="create"
            title="New org"
            submitLabel="Create"
            initial={EMPTY_ORG_FORM}
            busy={saving}
            onCancel={() => setMode({ kind: 'view' })}
            onSubmit={(input) => {
              setSaving(true);
              void actions.create(input).then((created) => {
                setSaving(false);
                if (created === null) return;
                setSelectedId(created.id);
                setMode({ kind: 'view' });
              });
            }}
          />
        ) : editing !== undefined ? (
          <OrgForm
            key={`edit-${editing.id}`}
            title={`Edit ${editing.label}`}
            submitLabel="Save"
            initial={formValuesOf(editing)}
            busy={saving}
            onCancel={() => setMode({ kind: 'view' })}
            onSubmit={(input) => {
              setSaving(true);
              void actions.update(editing.id, input).then((updated) => {
                setSaving(false);
                if (updated !== null) setMode({ kind: 'view' });
              });
            }}
          />
        ) : selected === null ? (
          <div className="slds-p-around_medium">
            <p className="slds-text-color_weak">
              Connect an org with the OAuth 2.0 JWT bearer flow: create a profile, generate a key, upload its certificate to your
              connected app, then test the connection.
            </p>
          </div>
        ) : (
          <OrgDetails
            key={selected.id}
            org={selected}
            active={selected.id === activeOrgId}
            demoState={demo.status?.state ?? null}
            actions={actions}
            onEdit={() => setMode({ kind: 'edit', id: selected.id })}
            onDeleted={() => setSelectedId(null)}
          />
        )}
      </div>
    </div>
  );
}
