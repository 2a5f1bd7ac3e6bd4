import type { ReactNode } from 'react';

/** The Events area (placeholder until its feature lands). */
export function EventsArea(): ReactNode {
  return (
    <div className="slds-p-around_medium">
      <h1 className="slds-text-heading_medium">Events</h1>
      <p className="slds-m-top_small slds-text-color_weak">Watch Change Data Capture and platform events as they happen.</p>
    </div>
  );
}
