import type { LoadField, LoadObject, LoadOperation, ObjectSummary } from '../../../../shared/ipc/contract';
import { assertNever } from '../../../../shared/ipc/result';

/**
 * Whether an operation can write records of an object, from the global describe's flags: insert needs `createable`,
 * update `updateable`, upsert both, delete and hard delete `deletable` (so `Organization` is offered to none of them).
 */
export function objectAllows(object: ObjectSummary, operation: LoadOperation): boolean {
  switch (operation) {
    case 'insert':
      return object.createable;
    case 'update':
      return object.updateable;
    case 'upsert':
      return object.createable && object.updateable;
    case 'delete':
    case 'hardDelete':
      return object.deletable;
    default:
      return assertNever(operation);
  }
}

/**
 * A field an upsert can match records on: `Id`, an External ID field, or a field Salesforce marks `idLookup` (Contact.Email,
 * an auto-number Name), which Salesforce's upsert accepts too but which is not unique, so a value may match several records.
 */
type UpsertKey = { field: LoadField; kind: 'id' | 'external-id' | 'lookup' };

/** The upsert keys of an object: Id first, then its external id fields, then its other lookup fields. */
export function upsertKeys(object: LoadObject | null): UpsertKey[] {
  const keys = (object?.fields ?? []).flatMap((field): UpsertKey[] => {
    if (field.type === 'id' || field.name === 'Id') return [{ field, kind: 'id' }];
    if (field.externalId) return [{ field, kind: 'external-id' }];
    return field.idLookup ? [{ field, kind: 'lookup' }] : [];
  });
  const order: Record<UpsertKey['kind'], number> = { id: 0, 'external-id': 1, lookup: 2 };
  return keys.sort((a, b) => order[a.kind] - order[b.kind]);
}

/** How the upsert key picker names a key, saying when it is a lookup field that may match several records. */
export function upsertKeyLabel(key: UpsertKey): string {
  const name = `${key.field.label} (${key.field.name})`;
  switch (key.kind) {
    case 'id':
      return name;
    case 'external-id':
      return `${name} · external id`;
    case 'lookup':
      return `${name} · lookup field, may match several records`;
    default:
      return assertNever(key.kind);
  }
}

/** What the upsert key picker says of the chosen key. */
export function upsertKeyHelp(key: UpsertKey | undefined): string {
  if (key?.kind === 'lookup') {
    return `${key.field.name} is a lookup field, not an external id: it need not be unique. A row whose ${key.field.name} matches several records fails (its error lists them); one that matches a record updates it, the others insert.`;
  }
  return 'An external id field, Id, or a lookup field: a row whose key exists updates that record, the others insert.';
}
