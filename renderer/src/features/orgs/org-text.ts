import type { DemoOrgStatus, OrgSummary } from '../../../../shared/ipc/domains/orgs';
import { assertNever } from '../../../../shared/ipc/result';

/** How a profile's environment reads on screen: Production, Sandbox, or its My Domain host. */
export function environmentLabel(org: Pick<OrgSummary, 'environment' | 'myDomainUrl'>): string {
  switch (org.environment) {
    case 'production':
      return 'Production';
    case 'sandbox':
      return 'Sandbox';
    case 'mydomain':
      return org.myDomainUrl === null ? 'My Domain' : `My Domain ${org.myDomainUrl.replace(/^https?:\/\//, '')}`;
    default:
      return assertNever(org.environment);
  }
}

/** A date as a person reads it (2027-11-28), from an ISO timestamp. */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}


/** The colours of the demo org's dot, one per state (SLDS success, warning, error, and a neutral grey). */
const DEMO_STATE_COLORS: Record<DemoOrgStatus['state'], string> = { ready: '#2e844a', starting: '#dd7a01', failed: '#ba0516', stopped: '#939393' };

/**
 * A profile's dot: its own colour, except the demo org's, which follows the demo org's state (green only when it is ready),
 * so a failed demo org never sits beside a green dot. `demoState` is null until main answered.
 */
export function orgDot(org: Pick<OrgSummary, 'color' | 'isDemo'>, demoState: DemoOrgStatus['state'] | null): { color: string; title: string | undefined } {
  if (!org.isDemo) return { color: org.color, title: undefined };
  const state = demoState ?? 'stopped';
  return { color: DEMO_STATE_COLORS[state], title: `Demo org: ${state}` };
}
