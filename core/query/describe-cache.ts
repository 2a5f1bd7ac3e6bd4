import type { ChildRelationshipInfo, FieldInfo, ObjectInfo, ObjectSummary } from '../../shared/ipc/domains/query';
import type { GlobalDescribe, SObjectDescribe } from '../../shared/salesforce/rest';
import { createRestApi } from '../salesforce';
import type { QueryConnections } from './ports';

/** Global and per-object describes for the editor, cached per org and API version. */
export interface DescribeCache {
  /** The org's queryable-or-not object list (`query:objects`); `refresh` bypasses the cache. */
  objects(orgId: string, refresh?: boolean): Promise<ObjectSummary[]>;
  /** One object's trimmed describe (`query:describe`); `refresh` bypasses the cache. */
  describe(orgId: string, objectName: string, refresh?: boolean): Promise<ObjectInfo>;
  /** Forgets everything cached for an org (after its profile changed). */
  forget(orgId: string): void;
}

/**
 * Creates the describe cache. Entries are promises, so concurrent asks for the same object share one request; a failed
 * request is not cached.
 */
export function createDescribeCache({ connections }: { connections: QueryConnections }): DescribeCache {
  const cache = new Map<string, Promise<unknown>>();

  async function cached<T>(orgId: string, what: string, refresh: boolean, load: (version: string) => Promise<T>): Promise<T> {
    const { apiVersion } = await connections.connectionFor(orgId);
    const key = `${orgId}\u0000${apiVersion}\u0000${what.toLowerCase()}`;
    const hit = cache.get(key);
    if (hit !== undefined && !refresh) return hit as Promise<T>;
    const pending = load(apiVersion);
    cache.set(key, pending);
    pending.catch(() => {
      if (cache.get(key) === pending) cache.delete(key);
    });
    return pending;
  }

  return {
    objects: (orgId, refresh = false) =>
      cached(orgId, '\u0001global', refresh, async () => {
        const { client, apiVersion } = await connections.connectionFor(orgId);
        const global = await createRestApi(client, apiVersion).describeGlobal();
        return trimGlobal(global);
      }),
    describe: (orgId, objectName, refresh = false) =>
      cached(orgId, objectName, refresh, async () => {
        const { client, apiVersion } = await connections.connectionFor(orgId);
        const describe = await createRestApi(client, apiVersion).describe(objectName);
        return trimDescribe(describe);
      }),
    forget(orgId) {
      for (const key of [...cache.keys()]) if (key.startsWith(`${orgId}\u0000`)) cache.delete(key);
    },
  };
}

/** Trims a global describe to the contract's ObjectSummary list. */
function trimGlobal(global: GlobalDescribe): ObjectSummary[] {
  return global.sobjects.map((o) => ({
    name: o.name,
    label: o.label,
    keyPrefix: o.keyPrefix ?? null,
    custom: o.custom,
    queryable: o.queryable,
    createable: o.createable === true,
    updateable: o.updateable === true,
    deletable: o.deletable === true,
  }));
}

/** Trims an object describe to the contract's ObjectInfo. */
function trimDescribe(describe: SObjectDescribe): ObjectInfo {
  const raw = describe as SObjectDescribe & { keyPrefix?: string | null; custom?: boolean; childRelationships?: unknown[] };
  const fields: FieldInfo[] = describe.fields.map((f) => ({
    name: f.name,
    label: f.label,
    type: f.type,
    referenceTo: stringArray(f['referenceTo']),
    relationshipName: typeof f['relationshipName'] === 'string' ? f['relationshipName'] : null,
    picklistValues: Array.isArray(f['picklistValues'])
      ? (f['picklistValues'] as unknown[]).flatMap((p) => {
          const v = p as { value?: unknown; label?: unknown; active?: unknown };
          return typeof v.value === 'string' && v.active !== false ? [{ value: v.value, label: typeof v.label === 'string' ? v.label : v.value }] : [];
        })
      : [],
    filterable: f['filterable'] !== false,
    sortable: f['sortable'] !== false,
    groupable: f['groupable'] === true,
    aggregatable: f['aggregatable'] === true,
    nillable: f['nillable'] === true,
  }));
  const childRelationships: ChildRelationshipInfo[] = (raw.childRelationships ?? []).flatMap((c) => {
    const r = c as { relationshipName?: unknown; childSObject?: unknown; field?: unknown };
    return typeof r.relationshipName === 'string' && typeof r.childSObject === 'string' && typeof r.field === 'string'
      ? [{ relationshipName: r.relationshipName, childSObject: r.childSObject, field: r.field }]
      : [];
  });
  return {
    name: describe.name,
    label: describe.label,
    keyPrefix: typeof raw.keyPrefix === 'string' ? raw.keyPrefix : null,
    custom: raw.custom === true,
    fields,
    childRelationships,
  };
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
