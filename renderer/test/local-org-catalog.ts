import { inject } from 'vitest';
import type { ObjectInfo, ObjectSummary } from '../../shared/ipc/contract';

declare module 'vitest' {
  // The same declaration as test/local-org-describe.ts (the globalSetup that provides it): each TypeScript project sees one.
  interface ProvidedContext {
    localOrgDescribe: { objects: ObjectSummary[]; describes: ObjectInfo[] };
  }
}

/** The local org's global describe and every queryable object's describe, as main's describe cache answered them. */
export function localOrgDescribe(): { objects: ObjectSummary[]; describes: ObjectInfo[] } {
  return inject('localOrgDescribe');
}

/** The describe of one object of the local org (throws when the org has no such object: the test is wrong then). */
export function localOrgObject(name: string): ObjectInfo {
  const found = localOrgDescribe().describes.find((o) => o.name.toLowerCase() === name.toLowerCase());
  if (found === undefined) throw new Error(`The local org serves no describe of ${name}.`);
  return found;
}

/** The SchemaCatalog shape (features/query/language/soql-schema.ts; test support reaches a feature only through its index). */
export type LocalOrgCatalog = {
  objects(): Promise<ObjectSummary[]>;
  describe(name: string): Promise<ObjectInfo | null>;
  describeCalls: string[];
};

/**
 * A catalog over the local org's real describes (read by test/local-org-describe.ts when the renderer tests start) that
 * records which objects were described, like the renderer's describe cache in front of `query:describe`. `adjust` lets a
 * test add what the org does not have (a value with a quote in it), on top of the real describe.
 */
export function createLocalOrgCatalog(adjust: (object: ObjectInfo) => ObjectInfo = (object) => object): LocalOrgCatalog {
  const { objects } = localOrgDescribe();
  const describes = localOrgDescribe().describes.map(adjust);
  const describeCalls: string[] = [];
  return {
    describeCalls,
    objects: () => Promise.resolve(objects),
    describe: (name) => {
      describeCalls.push(name);
      return Promise.resolve(describes.find((o) => o.name.toLowerCase() === name.toLowerCase()) ?? null);
    },
  };
}
