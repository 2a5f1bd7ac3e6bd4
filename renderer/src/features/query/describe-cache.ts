import type { ObjectInfo, ObjectSummary } from '../../../../shared/ipc/contract';
import type { AppError } from '../../../../shared/ipc/result';
import type { invoke as invokeFn } from '../../lib/api';
import type { SchemaCatalog } from './language/soql-schema';

/** A schema catalog for one org that can be told to fetch everything again. */
type OrgCatalog = SchemaCatalog & { refresh: () => void };

/** The renderer's describe cache: one catalog per org, filled lazily through `query:objects` and `query:describe`. */
export type DescribeCache = { catalogFor: (orgId: string) => OrgCatalog };

/**
 * Builds the per-org describe cache. Main caches describes per org and API version on disk; this keeps the answers in
 * memory so completion never waits twice. A failed call is not cached, so the next keystroke tries again.
 */
export function createDescribeCache(invoke: typeof invokeFn, onError: (error: AppError) => void = () => undefined): DescribeCache {
  const catalogs = new Map<string, OrgCatalog>();
  const build = (orgId: string): OrgCatalog => {
    let objects: Promise<ObjectSummary[]> | null = null;
    let refreshNext = false;
    const describes = new Map<string, Promise<ObjectInfo | null>>();
    const catalog: OrgCatalog = {
      objects() {
        if (objects === null) {
          const refresh = refreshNext;
          refreshNext = false;
          objects = invoke('query:objects', refresh ? { orgId, refresh } : { orgId }).then((result) => {
            if (result.ok) return result.value;
            objects = null;
            onError(result.error);
            return [];
          });
        }
        return objects;
      },
      describe(name) {
        const key = name.toLowerCase();
        let pending = describes.get(key);
        if (pending === undefined) {
          pending = catalog.objects().then(async (list) => {
            const summary = list.find((o) => o.name.toLowerCase() === key);
            if (summary === undefined) {
              // Not cached: the list may have been empty because its call failed, and the object may exist after all.
              describes.delete(key);
              return null;
            }
            const result = await invoke('query:describe', { orgId, objectName: summary.name });
            if (result.ok) return result.value;
            describes.delete(key);
            if (result.error.code !== 'NOT_FOUND') onError(result.error);
            return null;
          });
          describes.set(key, pending);
        }
        return pending;
      },
      refresh() {
        objects = null;
        refreshNext = true;
        describes.clear();
      },
    };
    return catalog;
  };
  return {
    catalogFor(orgId) {
      let catalog = catalogs.get(orgId);
      if (catalog === undefined) {
        catalog = build(orgId);
        catalogs.set(orgId, catalog);
      }
      return catalog;
    },
  };
}
