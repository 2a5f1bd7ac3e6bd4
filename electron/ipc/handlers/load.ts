import type { LoadInvoke } from '../../../shared/ipc/domains/load';
import type { LoadService } from '../../../core/load';
import type { HandlersFor } from '../handler-table';

/** What the load handlers need: the load service. */
export type LoadHandlerPorts = { load: LoadService };

/** The handlers of the load domain: arguments arrive validated; each one calls the load service (long reads stop with the sender's scope). */
export function createLoadHandlers({ load }: LoadHandlerPorts): HandlersFor<LoadInvoke> {
  return {
    'load:open': ({ file, name, encoding }, sender) => load.open(file, name, encoding, { signal: sender.scope.signal }),
    'load:close': ({ fileId }) => load.close(fileId),
    'load:choose-file': () => load.chooseFile(),
    'load:object': ({ orgId, objectName, refresh }) => load.object(orgId, objectName, refresh),
    'load:suggest-mapping': ({ orgId, fileId, objectName, operation }) => load.suggestMapping(orgId, fileId, objectName, operation),
    'load:validate': ({ orgId, fileId, plan }, sender) => load.validate(orgId, fileId, plan, { signal: sender.scope.signal }),
    'load:capacity': ({ orgId, fileId, plan, options }) => load.capacity(orgId, fileId, plan, options),
    'load:start': ({ orgId, fileId, plan, options }) => load.start(orgId, fileId, plan, options),
    'load:cancel': ({ loadId }) => load.cancel(loadId),
    'load:resume': ({ loadId }) => load.resume(loadId),
    'load:retry-failed': ({ loadId }) => load.retryFailed(loadId),
    'load:history': ({ limit }) => load.history(limit),
    'load:get': ({ loadId }) => load.get(loadId),
  };
}
