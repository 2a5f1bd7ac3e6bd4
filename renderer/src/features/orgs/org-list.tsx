import type { ReactNode } from 'react';
import type { DemoOrgStatus, OrgSummary } from '../../../../shared/ipc/domains/orgs';
import { environmentLabel, orgDot } from './org-text';

/** The org profiles as a list: colour dot (the demo org's follows its state), label, environment, username, and badges for the demo org and the active one. */
export function OrgList({
  orgs,
  activeOrgId,
  selectedId,
  demoState,
  onSelect,
}: {
  orgs: readonly OrgSummary[];
  activeOrgId: string | null;
  selectedId: string | null;
  demoState: DemoOrgStatus['state'] | null;
  onSelect: (id: string) => void;
}): ReactNode {
  if (orgs.length === 0) {
    return <p className="slds-text-color_weak slds-p-around_small">No org profiles yet. Add one, or start the demo org.</p>;
  }
  return (
    <ul className="orgdesk-org-list" aria-label="Org profiles">
      {orgs.map((org) => {
        const dot = orgDot(org, demoState);
        return (
          <li key={org.id}>
            <button
              type="button"
              className={`orgdesk-org-list__item${org.id === selectedId ? ' orgdesk-org-list__item_selected' : ''}`}
              aria-current={org.id === selectedId ? 'true' : undefined}
              onClick={() => onSelect(org.id)}
            >
              <span className="orgdesk-org-swatch" style={{ backgroundColor: dot.color }} title={dot.title} data-testid={org.isDemo ? 'demo-org-dot' : undefined} aria-hidden="true" />
              <span className="orgdesk-org-list__text">
                <span className="orgdesk-org-list__label">{org.label}</span>
                <span className="slds-text-color_weak slds-truncate orgdesk-org-list__meta">
                  {environmentLabel(org)} · {org.username}
                </span>
              </span>
              <span className="orgdesk-org-list__badges">
                {org.isDemo ? <span className="slds-badge">Demo</span> : null}
                {org.id === activeOrgId ? <span className="slds-badge slds-theme_success">Active</span> : null}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
