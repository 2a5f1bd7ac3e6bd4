import type { ReactNode } from 'react';

/** The Query area (placeholder until its feature lands). */
export function QueryArea(): ReactNode {
  return (
    <div className="slds-p-around_medium">
      <h1 className="slds-text-heading_medium">Query</h1>
      <p className="slds-m-top_small slds-text-color_weak">Write SOQL, run it across every page and export the result.</p>
    </div>
  );
}
