import type { QueryInvoke } from '../../../shared/ipc/domains/query';
import { ServiceError } from '../../../core/errors';
import type { QueryService } from '../../../core/query';
import type { HandlersFor, HandlerSender } from '../handler-table';

/** What the query handlers need: the query service. */
export type QueryHandlerPorts = { query: QueryService };

/**
 * Whether `sender` may see or steer a run: only the window or tab that started it may (issue 10, "query:rows and
 * query:cancel answer only the sender scope that started the run"). An unknown run is nobody's.
 */
export function isRunOwnedBy(owner: string | undefined, sender: Pick<HandlerSender, 'id'>): boolean {
  return owner !== undefined && owner === sender.id;
}

/** The error another sender gets for a run it did not start: the same as for a run that does not exist, so it learns nothing. */
function runNotFound(): ServiceError {
  return new ServiceError('NOT_FOUND', 'This query result is no longer in memory.', 'Run the query again (OrgDesk keeps the latest few results).');
}

/** The handlers of the query domain: arguments arrive validated; each one calls the query service. */
export function createQueryHandlers({ query }: QueryHandlerPorts): HandlersFor<QueryInvoke> {
  const ownRun = (runId: string, sender: HandlerSender): void => {
    if (!isRunOwnedBy(query.ownerOf(runId), sender)) throw runNotFound();
  };
  return {
    'query:objects': ({ orgId, refresh }) => query.objects(orgId, refresh),
    'query:describe': ({ orgId, objectName, refresh }) => query.describe(orgId, objectName, refresh),
    // A run belongs to the window or tab that started it: it is cancelled and dropped when that one goes away, and only that
    // one may read its rows, cancel or export it.
    'query:run': (args, sender) => query.run(args, { signal: sender.scope.signal, owner: sender.id }),
    'query:cancel': ({ runId }, sender) => (isRunOwnedBy(query.ownerOf(runId), sender) ? query.cancel(runId) : { cancelled: false }),
    'query:rows': (args, sender) => {
      ownRun(args.runId, sender);
      return query.rows(args);
    },
    'query:children': (args, sender) => {
      ownRun(args.runId, sender);
      return query.children(args);
    },
    'query:explain': ({ orgId, soql }) => query.explain(orgId, soql),
    'query:export': ({ runId, format, formulaSafe }, sender) => {
      ownRun(runId, sender);
      return query.exportRun(runId, format, { formulaSafe: formulaSafe === true });
    },
    'query:record-url': ({ orgId, recordId }) => query.recordUrl(orgId, recordId),
    'query:history': ({ search, limit }) => query.history(search, limit),
    'query:saved-list': () => query.savedList(),
    'query:saved-save': (input) => query.save(input),
    'query:saved-delete': ({ id }) => query.deleteSaved(id),
    'query:tabs-load': () => query.loadTabs(),
    'query:tabs-save': ({ tabs, activeId }) => query.saveTabs(tabs, activeId),
  };
}
