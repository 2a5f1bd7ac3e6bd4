import type { ReactNode } from 'react';
import type { LoadState } from '../../../../shared/ipc/contract';
import { stateBadge } from './load-text';

/** A load's state as an SLDS badge, toned like the state (success, error, warning, running). */
export function StateBadge({ state }: { state: LoadState }): ReactNode {
  const badge = stateBadge(state);
  return <span className={`slds-badge orgdesk-load-badge orgdesk-load-badge_${badge.tone}`}>{badge.label}</span>;
}
