import type { ReactNode } from 'react';

/** The Load area (placeholder until its feature lands). */
export function LoadArea(): ReactNode {
  return (
    <div className="slds-p-around_medium">
      <h1 className="slds-text-heading_medium">Load</h1>
      <p className="slds-m-top_small slds-text-color_weak">Insert, update, upsert or delete records from a CSV file with Bulk API 2.0.</p>
    </div>
  );
}
