import type { ReactNode } from 'react';

/** The Orgs area (placeholder until its feature lands). */
export function OrgsArea(): ReactNode {
  return (
    <div className="slds-p-around_medium">
      <h1 className="slds-text-heading_medium">Orgs</h1>
      <p className="slds-m-top_small slds-text-color_weak">Connect orgs with the OAuth 2.0 JWT bearer flow and manage their keys.</p>
    </div>
  );
}
