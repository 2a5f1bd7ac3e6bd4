import type { OrgSummary } from '../../../../shared/ipc/domains/orgs';
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

