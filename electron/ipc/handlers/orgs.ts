import type { OrgsInvoke } from '../../../shared/ipc/domains/orgs';
import type { DemoOrg } from '../../services/demo-org/demo-org';
import type { OrgsService } from '../../services/orgs/orgs-service';
import type { HandlersFor } from '../handler-table';

/** What the orgs handlers need: the org profiles service and the built-in demo org. */
export type OrgsHandlerPorts = { orgs: OrgsService; demo: DemoOrg };

/** The handlers of the orgs domain: arguments arrive validated; each one calls a service. */
export function createOrgsHandlers({ orgs, demo }: OrgsHandlerPorts): HandlersFor<OrgsInvoke> {
  return {
    'orgs:list': () => orgs.list(),
    'orgs:get': ({ id }) => orgs.get(id),
    'orgs:create': (input) => orgs.create(input),
    'orgs:update': ({ id, changes }) => orgs.update(id, changes),
    'orgs:delete': ({ id }) => orgs.delete(id),
    'orgs:active': () => ({ activeOrgId: orgs.activeOrgId() }),
    'orgs:set-active': ({ id }) => orgs.setActive(id),
    'orgs:generate-key': ({ id }) => orgs.generateKey(id),
    'orgs:import-key': ({ id, path, passphrase }) => orgs.importKey(id, path, passphrase),
    'orgs:certificate': ({ id }) => orgs.certificate(id),
    'orgs:save-certificate': ({ id, path }) => orgs.saveCertificate(id, path),
    'orgs:test-connection': ({ id }) => orgs.testConnection(id),
    'orgs:demo-status': () => demo.status(),
    'orgs:demo-start': () => demo.start(),
    'orgs:demo-reset': () => demo.reset(),
  };
}
