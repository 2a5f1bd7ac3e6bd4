import { createHash } from 'node:crypto';
import type { LoadObject, LoadPlan } from '../../shared/ipc/domains/load';
import { createRestApi } from '../salesforce';
import type { QueryConnections } from '../query/ports';
import { toLoadObject } from './load-object';

/** An object's describe per org, fetched once (a failed fetch is forgotten, so the next ask tries again). */
export type ObjectCache = (orgId: string, objectName: string, refresh?: boolean) => Promise<LoadObject>;

/** Builds the describe cache over the org connections. */
export function createObjectCache(connections: QueryConnections): ObjectCache {
  const objects = new Map<string, Promise<LoadObject>>();
  return (orgId, objectName, refresh = false) => {
    const key = `${orgId}\n${objectName.toLowerCase()}`;
    const cached = objects.get(key);
    if (cached !== undefined && !refresh) return cached;
    const fetched = (async () => {
      const connection = await connections.connectionFor(orgId);
      return toLoadObject(await createRestApi(connection.client, connection.apiVersion).describe(objectName));
    })();
    objects.set(key, fetched);
    fetched.catch(() => objects.delete(key));
    return fetched;
  };
}

/** Pre-flight answers by file, org and plan, so a start right after a check does not read the whole file again. */
export type PreflightCache = {
  /** The invalid rows pre-flight found for this file, org and plan, if it ran. */
  invalidRows(fileId: string, orgId: string, plan: LoadPlan): number | undefined;
  /** Keeps an answer. */
  remember(fileId: string, orgId: string, plan: LoadPlan, invalidRows: number): void;
  /** Drops the answers about a file that was closed. */
  forgetFile(fileId: string): void;
};

/** The key of a pre-flight answer: the file, the org (its describe) and a hash of the plan. */
function preflightKey(fileId: string, orgId: string, plan: LoadPlan): string {
  return `${fileId}\n${orgId}\n${createHash('sha256').update(JSON.stringify(plan)).digest('hex')}`;
}

/** Builds an empty pre-flight cache. */
export function createPreflightCache(): PreflightCache {
  const answers = new Map<string, { fileId: string; invalidRows: number }>();
  return {
    invalidRows: (fileId, orgId, plan) => answers.get(preflightKey(fileId, orgId, plan))?.invalidRows,
    remember(fileId, orgId, plan, invalidRows) {
      answers.set(preflightKey(fileId, orgId, plan), { fileId, invalidRows });
    },
    forgetFile(fileId) {
      for (const [key, answer] of answers) if (answer.fileId === fileId) answers.delete(key);
    },
  };
}
