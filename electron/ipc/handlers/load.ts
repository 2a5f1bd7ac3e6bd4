import type { LoadInvoke } from '../../../shared/ipc/domains/load';
import type { FileRefs } from '../../../core/files';
import { loadFileRefOf, loadSourceOf, runOptionsOf, type LoadService } from '../../../core/load';
import { ServiceError } from '../../../core/errors';
import type { HandlersFor } from '../handler-table';

/**
 * What the load handlers need: the load service, main's registry of file and folder refs (the page names no file, only
 * refs minted for its window), and main's folder dialog where there is one (Electron).
 */
export type LoadHandlerPorts = { load: LoadService; fileRefs: FileRefs; pickOutputFolder?: (() => Promise<string | null>) | undefined };

/** The handlers of the load domain: arguments arrive validated; refs resolve per sender; long reads stop with the sender's scope. */
export function createLoadHandlers({ load, fileRefs, pickOutputFolder }: LoadHandlerPorts): HandlersFor<LoadInvoke> {
  return {
    'load:open': ({ file, name, encoding }, sender) => load.open(loadSourceOf(fileRefs, sender.id, file), name, encoding, { signal: sender.scope.signal }),
    'load:close': ({ fileId }) => load.close(fileId),
    'load:choose-file': async (_args, sender) => ({ file: loadFileRefOf(fileRefs, sender.id, (await load.chooseFile()).file) }),
    'load:choose-output-folder': async (_args, sender) => {
      if (pickOutputFolder === undefined) {
        throw new ServiceError('VALIDATION', 'This window cannot open a folder dialog.', "Browser mode writes a load's result files to OrgDesk's own loads folder.");
      }
      const path = await pickOutputFolder();
      return { folder: path === null ? null : { ref: fileRefs.mint(sender.id, 'folder', path), path } };
    },
    'load:object': ({ orgId, objectName, refresh }) => load.object(orgId, objectName, refresh),
    'load:suggest-mapping': ({ orgId, fileId, objectName, operation }) => load.suggestMapping(orgId, fileId, objectName, operation),
    'load:validate': ({ orgId, fileId, plan }, sender) => load.validate(orgId, fileId, plan, { signal: sender.scope.signal }),
    'load:capacity': ({ orgId, fileId, plan, options }, sender) => load.capacity(orgId, fileId, plan, runOptionsOf(fileRefs, sender.id, options)),
    'load:start': ({ orgId, fileId, plan, options }, sender) => load.start(orgId, fileId, plan, runOptionsOf(fileRefs, sender.id, options)),
    'load:cancel': ({ loadId }) => load.cancel(loadId),
    'load:resume': ({ loadId }) => load.resume(loadId),
    'load:retry-failed': ({ loadId }) => load.retryFailed(loadId),
    'load:history': ({ limit }) => load.history(limit),
    'load:get': ({ loadId }) => load.get(loadId),
    'load:undo-preview': ({ loadId }) => load.undoPreview(loadId),
    'load:undo': ({ loadId, conflicts }) => load.undo(loadId, conflicts),
  };
}
