import type { FieldInfo, ObjectInfo, ObjectSummary } from '../../../../../shared/ipc/domains/query';
import type { ObjectRef } from './soql-context';

/** The org's schema as the SOQL language reads it: the object list and per-object describes (null when unknown). */
export interface SchemaCatalog {
  /** Every object of the org (global describe). */
  objects(): Promise<ObjectSummary[]>;
  /** One object's describe, or null when the org has no such object. */
  describe(name: string): Promise<ObjectInfo | null>;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Finds an object summary by name, case-insensitively. */
export async function findObject(catalog: SchemaCatalog, name: string): Promise<ObjectSummary | undefined> {
  return (await catalog.objects()).find((o) => same(o.name, name));
}

/** Resolves a scope's object reference to its describe: a top-level object, or the child object behind a child relationship. */
export async function resolveObjectRef(catalog: SchemaCatalog, ref: ObjectRef): Promise<ObjectInfo | null> {
  if (ref.kind === 'object') {
    const summary = await findObject(catalog, ref.name);
    return summary === undefined ? null : catalog.describe(summary.name);
  }
  const parent = await resolveObjectRef(catalog, ref.parent);
  if (parent === null) return null;
  const rel = parent.childRelationships.find((r) => same(r.relationshipName, ref.relationship));
  return rel === undefined ? null : catalog.describe(rel.childSObject);
}

/** Finds a field by API name, case-insensitively. */
export function findField(object: ObjectInfo, name: string): FieldInfo | undefined {
  return object.fields.find((f) => same(f.name, name));
}

/** Finds the reference field whose parent relationship is `name` (`Owner`, `Account__r`). */
function findRelationship(object: ObjectInfo, name: string): FieldInfo | undefined {
  return object.fields.find((f) => f.relationshipName !== null && same(f.relationshipName, name));
}

/** The lowercased parent relationship names of an object, to tell a relationship from an object-name prefix. */
export function relationshipNames(object: ObjectInfo): Set<string> {
  return new Set(object.fields.flatMap((f) => (f.relationshipName === null ? [] : [f.relationshipName.toLowerCase()])));
}

/** Why a path failed to resolve: the index of the bad segment and whether it was meant as a relationship. */
export type PathFailure = { index: number; asRelationship: boolean; object: ObjectInfo };

/**
 * Walks parent relationships (`Account.Owner`) from an object and returns the object at the end, or where it failed.
 * Polymorphic lookups follow their first target (`Owner` → User), as Salesforce allows only common fields there anyway.
 */
export async function walkRelationships(
  catalog: SchemaCatalog,
  object: ObjectInfo,
  relationships: string[],
): Promise<{ ok: true; object: ObjectInfo } | { ok: false; failure: PathFailure }> {
  let current = object;
  for (let i = 0; i < relationships.length; i += 1) {
    const rel = findRelationship(current, relationships[i]!);
    const target = rel?.referenceTo[0];
    const next = target === undefined ? null : await catalog.describe(target);
    if (next === null) return { ok: false, failure: { index: i, asRelationship: true, object: current } };
    current = next;
  }
  return { ok: true, object: current };
}

/**
 * The object a child relationship most likely reads, from its name alone (`Contacts` → Contact, `Opportunities` →
 * Opportunity, `Invoices__r` → Invoice__c), or null. Only for a subquery whose outer FROM is not typed yet: once it is,
 * the parent's describe names the real child object.
 */
export async function guessChildObject(catalog: SchemaCatalog, relationship: string): Promise<ObjectInfo | null> {
  const custom = /__r$/i.test(relationship);
  const stem = custom ? relationship.slice(0, -3) : relationship;
  const singulars = [stem.replace(/ies$/i, 'y'), stem.replace(/es$/i, ''), stem.replace(/s$/i, ''), stem];
  for (const singular of singulars) {
    const summary = await findObject(catalog, custom ? `${singular}__c` : singular);
    if (summary !== undefined && summary.queryable) return catalog.describe(summary.name);
  }
  return null;
}
