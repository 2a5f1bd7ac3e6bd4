/**
 * Mapping a CSV's columns to the target object's fields: the automatic suggestion (API name, then label, ignoring case,
 * spaces and underscores; relationship columns resolved to lookups through a parent's external id), how a mapping target
 * reads, and the mappings saved per object and header set.
 */
import type { FieldMapping, LoadField, LoadObject, LoadOperation, SavedMapping } from '../../shared/ipc/domains/load';
import type { SqliteDatabase } from '../store';
import { ServiceError } from '../errors';
import { findLoadField } from './load-object';

/** What a mapping's `field` stands for once read against the object. */
export type MappingTarget =
  | { kind: 'field'; field: LoadField }
  | {
      kind: 'lookup';
      /** The reference field on the target object that receives the parent's id. */
      field: LoadField;
      /** The parent object named by a polymorphic `Type:` prefix; null for a lookup with one possible parent. */
      parentType: string | null;
      /** The parent's external-id (or idLookup) field, as written. */
      parentField: string;
      /** The job CSV header, as Bulk API 2.0 wants it (`Account.External_Id__c`, `What:Account.External_Id__c`). */
      header: string;
    };

/** The auto-mapping of a file's headers, and the columns left out. */
export type MappingSuggestion = { mappings: FieldMapping[]; unmappedColumns: string[] };

/** A header or name compared loosely: lower case, without spaces and underscores (`Last_Name`, `last name` → `lastname`). */
function looseName(text: string): string {
  return text.toLowerCase().replace(/[\s_]+/g, '');
}

/** Whether a lookup field can point at several objects, so its relationship column needs a `Type:` prefix (§4.7). */
function isPolymorphic(field: LoadField): boolean {
  return field.referenceTo.length > 1;
}

function findRelationship(object: LoadObject, name: string): LoadField | undefined {
  const loose = looseName(name);
  const references = object.fields.filter((f) => f.type === 'reference');
  return (
    references.find((f) => f.relationshipName !== null && looseName(f.relationshipName) === loose) ??
    // People often write the lookup's field name (`AccountId`, `Parent__c`) where the relationship name belongs.
    references.find((f) => looseName(f.name) === loose)
  );
}

/**
 * Reads a mapping's `field` against the object: a field's API name, or a lookup through a parent's external id written
 * `Relationship.Field` (`Account.External_Id__c`) or, for a polymorphic lookup, `Type:Relationship.Field`
 * (`Account:What.External_Id__c`). Names are matched ignoring case; the returned header uses the describe's spelling.
 * Throws VALIDATION naming the problem (unknown field or relationship, a missing or needless `Type:`).
 */
export function readMappingTarget(object: LoadObject, target: string): MappingTarget {
  const dot = target.indexOf('.');
  if (dot === -1) {
    const field = findLoadField(object, target);
    if (field === undefined) {
      throw new ServiceError('VALIDATION', `${object.name} has no field named ${target}.`, `Pick one of ${object.name}'s fields for this column, or leave the column out.`);
    }
    return { kind: 'field', field };
  }
  const colon = target.indexOf(':');
  let typeName = colon !== -1 && colon < dot ? target.slice(0, colon) : null;
  let relationship = target.slice(typeName === null ? 0 : colon + 1, dot);
  const parentField = target.slice(dot + 1);
  let field = findRelationship(object, relationship);
  if (field === undefined && typeName !== null) {
    // `What:Account.Ext__c` (relationship first) is a common slip for §4.7's `Account:What.Ext__c`: read it the right way round.
    const swapped = findRelationship(object, typeName);
    if (swapped !== undefined && isPolymorphic(swapped)) [field, typeName, relationship] = [swapped, relationship, typeName];
  }
  if (field === undefined || parentField === '' || parentField.includes('.')) {
    throw new ServiceError(
      'VALIDATION',
      `${object.name} has no lookup named ${relationship} for the column ${target}.`,
      'Write a lookup column as Relationship.ExternalIdField (e.g. Account.External_Id__c), one level deep.',
    );
  }
  const relationshipName = field.relationshipName ?? field.name;
  if (isPolymorphic(field)) {
    const parent = typeName === null ? undefined : field.referenceTo.find((t) => t.toLowerCase() === typeName.toLowerCase());
    if (parent === undefined) {
      throw new ServiceError(
        'VALIDATION',
        typeName === null
          ? `${relationshipName} can point at ${field.referenceTo.join(', ')}: the column ${target} must name which.`
          : `${relationshipName} cannot point at ${typeName}; it points at ${field.referenceTo.join(', ')}.`,
        `Write it as Type:${relationshipName}.${parentField}, e.g. ${field.referenceTo[0] ?? 'Account'}:${relationshipName}.${parentField}.`,
      );
    }
    return { kind: 'lookup', field, parentType: parent, parentField, header: `${parent}:${relationshipName}.${parentField}` };
  }
  // Bulk API 2.0 refuses a type prefix on a lookup with one possible parent (§4.7), so a needless one is dropped.
  return { kind: 'lookup', field, parentType: null, parentField, header: `${relationshipName}.${parentField}` };
}

/** Whether the operation writes this field: insert needs createable, update updateable, upsert either. */
function writable(field: LoadField, operation: LoadOperation): boolean {
  switch (operation) {
    case 'insert':
      return field.createable;
    case 'update':
      return field.updateable || field.type === 'id';
    case 'upsert':
      return field.createable || field.updateable || field.type === 'id';
    case 'delete':
    case 'hardDelete':
      return field.type === 'id';
    default:
      return assertOperation(operation);
  }
}

function assertOperation(operation: never): never {
  throw new Error(`Unexpected operation: ${String(operation)}`);
}

/**
 * Suggests a mapping for the file's headers: each header to the field with the same API name, else the same label,
 * ignoring case, spaces and underscores (`last name` → LastName); `Rel.Field` and `Type:Rel.Field` headers to lookups
 * through the parent's external id. Only fields the operation writes are offered (and Id for update and upsert); each
 * field is taken once, by the first column that names it. Delete and hardDelete map only the Id column.
 */
export function suggestMapping(headers: readonly string[], object: LoadObject, operation: LoadOperation): MappingSuggestion {
  const mappings: FieldMapping[] = [];
  const unmappedColumns: string[] = [];
  const taken = new Set<string>();
  const byName = new Map<string, LoadField>();
  const byLabel = new Map<string, LoadField>();
  for (const field of object.fields) {
    if (!writable(field, operation)) continue;
    if (!byName.has(looseName(field.name))) byName.set(looseName(field.name), field);
    if (!byLabel.has(looseName(field.label))) byLabel.set(looseName(field.label), field);
  }
  for (const column of headers) {
    const target = suggestTarget(column, object, operation, byName, byLabel);
    if (target === undefined || taken.has(target.toLowerCase())) {
      unmappedColumns.push(column);
      continue;
    }
    taken.add(target.toLowerCase());
    mappings.push({ source: 'column', column, field: target });
  }
  return { mappings, unmappedColumns };
}

function suggestTarget(
  column: string,
  object: LoadObject,
  operation: LoadOperation,
  byName: ReadonlyMap<string, LoadField>,
  byLabel: ReadonlyMap<string, LoadField>,
): string | undefined {
  const trimmed = column.trim();
  if (operation === 'delete' || operation === 'hardDelete') {
    const id = byName.get(looseName(trimmed)) ?? byLabel.get(looseName(trimmed));
    return id?.type === 'id' ? id.name : undefined;
  }
  if (trimmed.includes('.')) {
    try {
      const target = readMappingTarget(object, trimmed.replace(/\s+/g, ''));
      return target.kind === 'lookup' && writable(target.field, operation) ? target.header : undefined;
    } catch {
      return undefined;
    }
  }
  const loose = looseName(trimmed);
  return (byName.get(loose) ?? byLabel.get(loose))?.name;
}

/** The saved mappings of one database: per object and header set. */
export type MappingStore = {
  /** The mapping saved for this object and these headers, with its columns spelt as in `headers`; null when none. */
  find(objectName: string, headers: readonly string[]): SavedMapping | null;
  /** Saves (or replaces) the mapping for this object and these headers. */
  save(objectName: string, headers: readonly string[], mappings: readonly FieldMapping[]): SavedMapping;
};

/**
 * The key of a header set in `load_mappings.header_key`: the headers trimmed, lower-cased and sorted, as a JSON array
 * (`["email","firstname","lastname"]`). The same columns in another order or case find the same mapping.
 */
export function headerKey(headers: readonly string[]): string {
  return JSON.stringify(headers.map((h) => h.trim().toLowerCase()).sort());
}

type MappingRow = { headers_json: string; mappings_json: string; saved_at: string };

/** The mapping store over the `load_mappings` table (created by the load journal migration). */
export function createMappingStore(db: SqliteDatabase, clock: { now(): number } = { now: () => Date.now() }): MappingStore {
  const select = db.prepare<[string, string], MappingRow>(
    'SELECT headers_json, mappings_json, saved_at FROM load_mappings WHERE object_name = ? AND header_key = ?',
  );
  const upsert = db.prepare<[string, string, string, string, string]>(
    `INSERT INTO load_mappings (object_name, header_key, headers_json, mappings_json, saved_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (object_name, header_key) DO UPDATE SET headers_json = excluded.headers_json,
       mappings_json = excluded.mappings_json, saved_at = excluded.saved_at`,
  );
  return {
    find(objectName, headers) {
      const row = select.get(objectName.toLowerCase(), headerKey(headers));
      if (row === undefined) return null;
      const spelling = new Map(headers.map((h) => [h.trim().toLowerCase(), h]));
      const saved = JSON.parse(row.mappings_json) as FieldMapping[];
      const mappings = saved.map((m) =>
        m.source === 'column' ? { ...m, column: spelling.get(m.column.trim().toLowerCase()) ?? m.column } : m,
      );
      return { objectName, headers: [...headers], mappings, savedAt: row.saved_at };
    },
    save(objectName, headers, mappings) {
      const savedAt = new Date(clock.now()).toISOString();
      upsert.run(objectName.toLowerCase(), headerKey(headers), JSON.stringify(headers), JSON.stringify(mappings), savedAt);
      return { objectName, headers: [...headers], mappings: [...mappings], savedAt };
    },
  };
}
