import type { OrgsInvoke } from '../../../shared/ipc/domains/orgs';
import type { DemoOrg } from '../../../core/demo-org';
import { ServiceError } from '../../../core/errors';
import type { OrgsService } from '../../../core/orgs/orgs-service';
import type { HandlersFor } from '../handler-table';

/**
 * What the orgs handlers need: the org profiles service, the built-in demo org, and whether a call may name a file path
 * itself (browser mode, which has no native dialog) or main's dialogs choose every path (Electron).
 */
export type OrgsHandlerPorts = { orgs: OrgsService; demo: DemoOrg; typedPaths: 'accepted' | 'refused' };

/**
 * Refuses a file path sent by the renderer where main's native dialogs choose paths (Electron security checklist: the
 * renderer is untrusted, so it must not pick which file main reads or writes). Returns the path to use (undefined: ask).
 */
function pathFromRenderer(path: string | undefined, typedPaths: OrgsHandlerPorts['typedPaths']): string | undefined {
  if (path !== undefined && typedPaths === 'refused') {
    throw new ServiceError('VALIDATION', 'In the desktop app OrgDesk asks where with its own file dialog.', 'Use the button again and pick the file in the dialog.');
  }
  return path;
}

/** The handlers of the orgs domain: arguments arrive validated; each one calls a service. */
export function createOrgsHandlers({ orgs, demo, typedPaths }: OrgsHandlerPorts): HandlersFor<OrgsInvoke> {
  return {
    'orgs:list': () => orgs.list(),
    'orgs:get': ({ id }) => orgs.get(id),
    'orgs:create': (input) => orgs.create(input),
    'orgs:update': ({ id, changes }) => orgs.update(id, changes),
    'orgs:delete': ({ id }) => orgs.delete(id),
    'orgs:active': () => ({ activeOrgId: orgs.activeOrgId() }),
    'orgs:set-active': ({ id }) => orgs.setActive(id),
    'orgs:generate-key': ({ id }) => orgs.generateKey(id),
    'orgs:import-key': ({ id, path, passphrase }) => orgs.importKey(id, pathFromRenderer(path, typedPaths), passphrase),
    'orgs:certificate': ({ id }) => orgs.certificate(id),
    'orgs:save-certificate': ({ id, path }) => orgs.saveCertificate(id, pathFromRenderer(path, typedPaths)),
    'orgs:test-connection': ({ id }) => orgs.testConnection(id),
    'orgs:demo-status': () => demo.status(),
    'orgs:demo-start': () => demo.start(),
    'orgs:demo-reset': () => demo.reset(),
  };
}
