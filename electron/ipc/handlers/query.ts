import type { QueryInvoke } from '../../../shared/ipc/domains/query';
import type { QueryService } from '../../services/query';
import type { HandlersFor } from '../handler-table';

/** What the query handlers need: the query service. */
export type QueryHandlerPorts = { query: QueryService };

/** The handlers of the query domain: arguments arrive validated; each one calls the query service. */
export function createQueryHandlers({ query }: QueryHandlerPorts): HandlersFor<QueryInvoke> {
  return {
    'query:objects': ({ orgId, refresh }) => query.objects(orgId, refresh),
    'query:describe': ({ orgId, objectName, refresh }) => query.describe(orgId, objectName, refresh),
    // A run belongs to the window or tab that started it: it is cancelled and dropped when that one goes away.
    'query:run': (args, sender) => query.run(args, { signal: sender.scope.signal }),
    'query:cancel': ({ runId }) => query.cancel(runId),
    'query:rows': (args) => query.rows(args),
    'query:children': (args) => query.children(args),
    'query:explain': ({ orgId, soql }) => query.explain(orgId, soql),
    'query:export': ({ runId, format }) => query.exportRun(runId, format),
    'query:record-url': ({ orgId, recordId }) => query.recordUrl(orgId, recordId),
    'query:history': ({ search, limit }) => query.history(search, limit),
    'query:saved-list': () => query.savedList(),
    'query:saved-save': (input) => query.save(input),
    'query:saved-delete': ({ id }) => query.deleteSaved(id),
    'query:tabs-load': () => query.loadTabs(),
    'query:tabs-save': ({ tabs, activeId }) => query.saveTabs(tabs, activeId),
  };
}
