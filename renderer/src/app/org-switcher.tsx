import type { ReactNode } from 'react';
import { useActiveOrg } from '../lib/active-org';

/** The header's org picker: every area works in the org chosen here. */
export function OrgSwitcher(): ReactNode {
  const { orgs, activeOrgId, selectOrg } = useActiveOrg();
  return (
    <div className="slds-form-element orgdesk-org-switcher">
      <label className="slds-form-element__label slds-assistive-text" htmlFor="orgdesk-org-switcher">
        Org
      </label>
      <div className="slds-form-element__control">
        <div className="slds-select_container">
          <select
            id="orgdesk-org-switcher"
            className="slds-select"
            value={activeOrgId ?? ''}
            disabled={orgs.length === 0}
            onChange={(event) => void selectOrg(event.target.value === '' ? null : event.target.value)}
          >
            {orgs.length === 0 ? <option value="">No org connected</option> : null}
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
