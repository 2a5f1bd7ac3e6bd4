import type { ReactNode } from 'react';
import { useActiveOrg } from '../lib/active-org';

const SWATCH = { display: 'inline-block', flex: 'none', width: '0.875rem', height: '0.875rem', borderRadius: '50%' } as const;

/** The header's org picker: every area works in the org chosen here; the active org's colour shows beside it. */
export function OrgSwitcher(): ReactNode {
  const { orgs, activeOrgId, activeOrg, selectOrg } = useActiveOrg();
  return (
    <div className="slds-form-element orgdesk-org-switcher" style={{ display: 'flex', alignItems: 'center', gap: '0.5rem' }}>
      {activeOrg === null ? null : (
        <span
          style={{ ...SWATCH, backgroundColor: activeOrg.color }}
          title={`${activeOrg.label}${activeOrg.isDemo ? ' (demo org)' : ''}`}
          data-testid="active-org-color"
          aria-hidden="true"
        />
      )}
      <label className="slds-form-element__label slds-assistive-text" htmlFor="orgdesk-org-switcher">
        Org
      </label>
      <div className="slds-form-element__control" style={{ flex: 1 }}>
        <div className="slds-select_container">
          <select
            id="orgdesk-org-switcher"
            className="slds-select"
            value={activeOrgId ?? ''}
            disabled={orgs.length === 0}
            onChange={(event) => void selectOrg(event.target.value === '' ? null : event.target.value)}
          >
            {orgs.length === 0 ? <option value="">No org connected</option> : null}
            {orgs.length > 0 && activeOrgId === null ? <option value="">Choose an org…</option> : null}
            {orgs.map((org) => (
              <option key={org.id} value={org.id}>
                {org.label} ({org.username})
              </option>
            ))}
          </select>
        </div>
      </div>
    </div>
  );
}
