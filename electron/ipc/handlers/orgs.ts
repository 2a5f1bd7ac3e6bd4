import type { OrgSummary, OrgsInvoke } from '../../../shared/ipc/domains/orgs';
import type { HandlersFor } from '../handler-table';

/** What the orgs handlers need: the org profiles (the org store, once org connections land). */
export type OrgsHandlerPorts = { listOrgs: () => Promise<OrgSummary[]> | OrgSummary[] };

/** The handlers of the orgs domain. */
export function createOrgsHandlers(ports: OrgsHandlerPorts): Pick<HandlersFor<OrgsInvoke>, 'orgs:list'> {
  return {
    'orgs:list': () => ports.listOrgs(),
  };
}
