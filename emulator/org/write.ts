/**
 * The write layer: create, update, delete and upsert with the validation a real org applies, used by REST and by Bulk API
 * 2.0 jobs. Errors are thrown as `RecordWriteError` carrying Salesforce status codes (`REQUIRED_FIELD_MISSING`, ...).
 */
import { AUTO_NUMBER_FORMATS, isTextType } from './schema';
import { keyPrefixOf, normalizeId } from './ids';
import type { MutationOptions, OrgStore } from './store';
import type { FieldSchema, FieldValue, ObjectSchema, RecordRow } from './types';
import { formatDateTime } from './values';
import { coerceFieldValue } from './field-coercion';
import { displayValue, RecordWriteError } from './write-error';

export { RecordWriteError } from './write-error';
export type { FieldError } from './write-error';

/** A lookup given by a parent's external id instead of its Id (`{"Account": {"External_Id__c": "A-1"}}`, Bulk `Account.External_Id__c`). */
export type ParentReference = {
  kind: 'parentReference';
  /** The parent object, required for polymorphic lookups (Bulk `Owner:User.Username`). */
  type?: string;
  /** The parent's external-id (or Id / idLookup) field. */
  field: string;
  value: FieldValue;
};

/** Values of one record to write: field name (any case) → value, or relationship name → parent reference. */
export type WriteInput = Record<string, FieldValue | ParentReference>;

/** Who writes and why; `origin` reaches change listeners (`rest`, `bulk`, ...). */
export type WriteContext = { userId: string; origin: string; transactionKey?: string; client?: string; apiVersion?: string };

/** The outcome of an upsert. */
type UpsertResult = { id: string; created: boolean };

/** The org's write API. */
export interface RecordWriter {
  /** Creates a record; returns its id. */
  createRecord(objectName: string, values: WriteInput, ctx: WriteContext): { id: string };
  /** Updates a record by id. */
  updateRecord(objectName: string, id: string, values: WriteInput, ctx: WriteContext): { id: string };
  /** Deletes a record by id (soft: kept for queryAll); cascades to master-detail-like children. `objectName` null means any object. */
  deleteRecord(objectName: string | null, id: string, ctx: WriteContext): { id: string };
  /** Deletes a record for good (Bulk hardDelete). */
  hardDeleteRecord(objectName: string | null, id: string, ctx: WriteContext): { id: string };
  /** Creates or updates by an external-id field (or `Id`); several matches throw DUPLICATE_EXTERNAL_ID with status 300. */
  upsertByExternalId(objectName: string, externalIdField: string, externalIdValue: string | null, values: WriteInput, ctx: WriteContext): UpsertResult;
  /** Runs writes all-or-none: if `work` throws, every write it made is undone and no change is published. */
  transaction<T>(work: () => T): T;
}

/** Ports of the write layer. */
export type RecordWriterDeps = { store: OrgStore; now: () => Date };

type UndoStep = () => void;

/** What the write layer derives once per object rather than once per row (schemas do not change while the org runs). */
type ObjectFacts = {
  /** A new row's defaults (see rowTemplate). */
  template: RecordRow;
  /** Fields a create must fill, in schema order: not nillable, createable, not defaulted, not boolean. */
  required: FieldSchema[];
  /** Auto-number fields with their counter key and format. */
  autoNumbers: { field: FieldSchema; key: string; format: { format: string; width: number } }[];
  /** Field names as callers wrote them (any case) → the field; filled as names are met, found names only. */
  byKey: Map<string, FieldSchema>;
  /** Relationship names as callers wrote them (any case) → the reference field; filled the same way. */
  byRelationship: Map<string, FieldSchema>;
};

function isParentReference(value: unknown): value is ParentReference {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'parentReference';
}


/** Creates the write layer over a store. */
export function createRecordWriter({ store, now }: RecordWriterDeps): RecordWriter {
  let undoLog: UndoStep[] | undefined;
  const factsByObject = new Map<ObjectSchema, ObjectFacts>();
  let lastStampMs = Number.NaN;
  let lastStamp = '';

  /**
   * A new row's defaults, built once per object. Rows are spread from it because an object given 25+ properties one
   * computed key at a time drops to V8's dictionary mode (about 2 KB per row, slower reads), which a 1M-row Bulk load feels.
   */
  function rowTemplate(schema: ObjectSchema): RecordRow {
    const defaults: RecordRow = {};
    for (const f of schema.fields) defaults[f.name] = f.defaultValue !== null && f.defaultedOnCreate ? f.defaultValue : f.type === 'boolean' ? false : null;
    // JSON.parse builds the object with fast properties, and a spread of a fast object stays fast.
    return JSON.parse(JSON.stringify(defaults)) as RecordRow;
  }

  function factsOf(schema: ObjectSchema): ObjectFacts {
    let facts = factsByObject.get(schema);
    if (!facts) {
      facts = {
        template: rowTemplate(schema),
        required: schema.fields.filter((f) => !f.nillable && f.createable && !f.defaultedOnCreate && f.type !== 'boolean'),
        autoNumbers: schema.fields
          .filter((f) => f.autoNumber)
          .map((f) => ({ field: f, key: `${schema.name}.${f.name}`, format: AUTO_NUMBER_FORMATS[`${schema.name}.${f.name}`] ?? { format: '', width: 8 } })),
        byKey: new Map(),
        byRelationship: new Map(),
      };
      factsByObject.set(schema, facts);
    }
    return facts;
  }

  /** The field a caller's key names (any case), as `store.fieldSchema` finds it, remembered per object. */
  function fieldOf(schema: ObjectSchema, key: string): FieldSchema | undefined {
    const facts = factsOf(schema);
    let f = facts.byKey.get(key);
    if (f === undefined) {
      f = store.fieldSchema(schema.name, key);
      if (f !== undefined) facts.byKey.set(key, f);
    }
    return f;
  }

  /** `now()` as a datetime value; a Bulk chunk's rows written within the same millisecond share one string. */
  function stampNow(): string {
    const date = now();
    const ms = date.getTime();
    if (ms !== lastStampMs) {
      lastStampMs = ms;
      lastStamp = formatDateTime(date);
    }
    return lastStamp;
  }

  function objectOrThrow(objectName: string): ObjectSchema {
    const schema = store.objectSchema(objectName);
    if (!schema) throw new RecordWriteError({ statusCode: 'NOT_FOUND', message: 'The requested resource does not exist', fields: [] }, 404);
    return schema;
  }

  function mutation(ctx: WriteContext): MutationOptions {
    const options: MutationOptions = { origin: ctx.origin, userId: ctx.userId };
    if (ctx.transactionKey !== undefined) options.transactionKey = ctx.transactionKey;
    if (ctx.client !== undefined) options.client = ctx.client;
    if (ctx.apiVersion !== undefined) options.apiVersion = ctx.apiVersion;
    return options;
  }


  function resolveParent(schema: ObjectSchema, key: string, ref: ParentReference): { field: FieldSchema; id: string } {
    const relationships = factsOf(schema).byRelationship;
    let f = relationships.get(key);
    if (f === undefined) {
      const lower = key.toLowerCase();
      f = schema.fields.find((x) => x.type === 'reference' && x.relationshipName !== null && x.relationshipName.toLowerCase() === lower);
      if (f !== undefined) relationships.set(key, f);
    }
    if (!f) throw new RecordWriteError({ statusCode: 'INVALID_FIELD', message: `No such column '${key}' on sobject of type ${schema.name}`, fields: [] });
    if (ref.type === undefined && f.referenceTo.length > 1) {
      throw new RecordWriteError({ statusCode: 'INVALID_FIELD', message: `The polymorphic relationship ${key} needs the parent type (Type:${key}.${ref.field}).`, fields: [f.name] });
    }
    const targetName = ref.type ?? f.referenceTo[0] ?? '';
    const target = store.objectSchema(targetName);
    if (!target || !f.referenceTo.includes(target.name)) {
      throw new RecordWriteError({ statusCode: 'INVALID_FIELD', message: `Unable to find relationship: ${key}`, fields: [f.name] });
    }
    const lookupField = fieldOf(target, ref.field);
    if (!lookupField || !(lookupField.externalId || lookupField.idLookup)) {
      throw new RecordWriteError({ statusCode: 'INVALID_FIELD', message: `Field ${ref.field} is not an External ID or indexed field for ${target.name}`, fields: [f.name] });
    }
    if (ref.value === null || ref.value === '') return { field: f, id: '' };
    let matches: RecordRow[];
    if (lookupField.type === 'id') {
      const hit = store.findById(String(ref.value));
      matches = hit && hit.objectName === target.name && hit.row.IsDeleted !== true ? [hit.row] : [];
    } else {
      matches = store.findByIndexedValue(target.name, lookupField.name, String(ref.value));
    }
    if (matches.length === 0) {
      throw new RecordWriteError({ statusCode: 'INVALID_FIELD', message: `Foreign key external ID: ${displayValue(ref.value)} not found for field ${lookupField.name} in entity ${target.name}`, fields: [] });
    }
    if (matches.length > 1) {
      throw new RecordWriteError({ statusCode: 'DUPLICATE_EXTERNAL_ID', message: `Foreign key external ID: ${displayValue(ref.value)} matched more than one record in entity ${target.name}`, fields: [] });
    }
    return { field: f, id: (matches[0] as RecordRow).Id as string };
  }

  /** Turns input into stored values keyed by exact field names, checking names, access, types, lengths and picklists. */
  function normalizeInput(schema: ObjectSchema, values: WriteInput, mode: 'create' | 'update', targetId?: string): RecordRow {
    const out: RecordRow = {};
    const locked: string[] = [];
    for (const key of Object.keys(values)) {
      if (key === 'attributes') continue;
      const raw = values[key] as FieldValue | ParentReference;
      if (isParentReference(raw)) {
        const { field, id } = resolveParent(schema, key, raw);
        out[field.name] = id === '' ? null : id;
        continue;
      }
      const f = fieldOf(schema, key);
      if (!f) throw new RecordWriteError({ statusCode: 'INVALID_FIELD', message: `No such column '${key}' on sobject of type ${schema.name}`, fields: [] });
      if (f.type === 'id' && mode === 'update' && raw !== null && targetId !== undefined && normalizeId(String(raw)) === targetId) continue;
      if (mode === 'create' ? !f.createable : !f.updateable) {
        locked.push(f.name);
        continue;
      }
      out[f.name] = raw;
    }
    if (locked.length > 0) {
      throw new RecordWriteError({
        statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
        message: `Unable to create/update fields: ${locked.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        fields: locked,
      });
    }
    for (const name of Object.keys(out)) {
      const f = fieldOf(schema, name) as FieldSchema;
      const value = coerceFieldValue(store, schema, f, out[name] as FieldValue);
      if (typeof value === 'string' && isTextType(f.type) && value.length > f.length) {
        throw new RecordWriteError({ statusCode: 'STRING_TOO_LONG', message: `${f.label}: data value too large: ${value.slice(0, 80)} (max length=${f.length})`, fields: [f.name] });
      }
      if (f.restrictedPicklist && value !== null) {
        const allowed = f.picklistValues.filter((p) => p.active).map((p) => p.value);
        const parts = f.type === 'multipicklist' ? String(value).split(';') : [String(value)];
        if (parts.some((part) => !allowed.includes(part))) {
          throw new RecordWriteError({ statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: `${f.label}: bad value for restricted picklist field: ${displayValue(value)}`, fields: [f.name] });
        }
      }
      out[name] = value;
    }
    return out;
  }

  function checkRequired(schema: ObjectSchema, row: RecordRow, only?: readonly string[]): void {
    let missing: string[] | undefined;
    for (const f of factsOf(schema).required) {
      if (only !== undefined && !only.includes(f.name)) continue;
      const value = row[f.name];
      if (value === null || value === undefined || value === '') (missing ??= []).push(f.name);
    }
    if (missing !== undefined) {
      throw new RecordWriteError({ statusCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${missing.join(', ')}]`, fields: missing });
    }
  }

  function checkUnique(schema: ObjectSchema, row: RecordRow, names: readonly string[]): void {
    for (const name of names) {
      const f = fieldOf(schema, name);
      const value = row[name];
      if (!f?.unique || value === null || value === undefined || value === '') continue;
      const other = store.findByIndexedValue(schema.name, f.name, String(value)).find((r) => r.Id !== row.Id);
      if (other) {
        throw new RecordWriteError({ statusCode: 'DUPLICATE_VALUE', message: `duplicate value found: ${f.name} duplicates value on record with id: ${String(other.Id)}`, fields: [] });
      }
    }
  }

  /** Fields Salesforce computes itself (names, closed flags). */
  function derive(schema: ObjectSchema, row: RecordRow): void {
    if ((schema.name === 'Contact' || schema.name === 'Lead' || schema.name === 'User') && ('FirstName' in row || 'LastName' in row)) {
      const first = row.FirstName;
      const last = row.LastName;
      const hasFirst = first !== null && first !== undefined && first !== '';
      const hasLast = last !== null && last !== undefined && last !== '';
      // join, not `+`: a stored name stays one flat string rather than a tree of pieces.
      row.Name = hasFirst && hasLast ? [first, last].join(' ') : hasFirst ? String(first) : hasLast ? String(last) : '';
    }
    if (schema.name === 'Opportunity' && 'StageName' in row) {
      row.IsClosed = row.StageName === 'Closed Won' || row.StageName === 'Closed Lost';
      row.IsWon = row.StageName === 'Closed Won';
    }
    if (schema.name === 'Case' && 'Status' in row) {
      row.IsClosed = row.Status === 'Closed';
    }
  }


  function findTarget(objectName: string | null, id: string): { schema: ObjectSchema; row: RecordRow; id: string } {
    const normalized = normalizeId(id);
    const expected = objectName === null ? undefined : objectOrThrow(objectName);
    if (normalized === undefined || (expected && keyPrefixOf(normalized) !== expected.keyPrefix)) {
      throw new RecordWriteError({ statusCode: 'MALFORMED_ID', message: `Record ID: id value of incorrect type: ${id}`, fields: ['Id'] });
    }
    const hit = store.findById(normalized);
    if (!hit) throw new RecordWriteError({ statusCode: 'NOT_FOUND', message: 'The requested resource does not exist', fields: [] }, 404);
    if (hit.row.IsDeleted === true) throw new RecordWriteError({ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }, 404);
    return { schema: objectOrThrow(hit.objectName), row: hit.row, id: normalized };
  }

  function createRecord(objectName: string, values: WriteInput, ctx: WriteContext): { id: string } {
    const schema = objectOrThrow(objectName);
    if (!schema.createable) throw new RecordWriteError({ statusCode: 'INVALID_TYPE', message: `entity type ${schema.name} does not support create`, fields: [] });
    const input = normalizeInput(schema, values, 'create');
    const facts = factsOf(schema);
    const row: RecordRow = { ...facts.template };
    Object.assign(row, input);
    derive(schema, row);
    checkRequired(schema, row);
    checkUnique(schema, row, Object.keys(input));
    const stamp = stampNow();
    const id = store.newId(schema.name);
    row.Id = id;
    row.IsDeleted = false;
    if ('OwnerId' in row && row.OwnerId === null) row.OwnerId = ctx.userId;
    for (const { field, key, format } of facts.autoNumbers) {
      row[field.name] = `${format.format}${String(store.nextAutoNumber(key)).padStart(format.width, '0')}`;
    }
    if ('CreatedDate' in row) {
      row.CreatedDate = stamp;
      row.CreatedById = ctx.userId;
      row.LastModifiedDate = stamp;
      row.LastModifiedById = ctx.userId;
      row.SystemModstamp = stamp;
    }
    store.insert(schema.name, row, mutation(ctx));
    undoLog?.push(() => store.purge(schema.name, id, { origin: 'rollback', userId: ctx.userId, silent: true }));
    return { id };
  }

  function applyUpdate(schema: ObjectSchema, row: RecordRow, input: RecordRow, ctx: WriteContext): void {
    const merged: RecordRow = { ...row, ...input };
    derive(schema, merged);
    checkRequired(schema, merged, Object.keys(input));
    checkUnique(schema, merged, Object.keys(input));
    const changes: RecordRow = {};
    for (const [name, value] of Object.entries(merged)) if (row[name] !== value) changes[name] = value;
    if ('LastModifiedDate' in row) {
      const stamp = stampNow();
      changes.LastModifiedDate = stamp;
      changes.LastModifiedById = ctx.userId;
      changes.SystemModstamp = stamp;
    }
    const previous: RecordRow = {};
    for (const name of Object.keys(changes)) previous[name] = row[name] ?? null;
    store.update(schema.name, row.Id as string, changes, mutation(ctx));
    undoLog?.push(() => store.update(schema.name, row.Id as string, previous, { origin: 'rollback', userId: ctx.userId, silent: true }));
  }

  /** Unknown field names are refused before the record is looked up, as real orgs do (a bad id with a bad field gives INVALID_FIELD). */
  function checkFieldNames(schema: ObjectSchema, values: WriteInput): void {
    for (const [key, raw] of Object.entries(values)) {
      if (key === 'attributes' || isParentReference(raw)) continue;
      if (!fieldOf(schema, key)) throw new RecordWriteError({ statusCode: 'INVALID_FIELD', message: `No such column '${key}' on sobject of type ${schema.name}`, fields: [] });
    }
  }

  function updateRecord(objectName: string, id: string, values: WriteInput, ctx: WriteContext): { id: string } {
    checkFieldNames(objectOrThrow(objectName), values);
    const target = findTarget(objectName, id);
    const input = normalizeInput(target.schema, values, 'update', target.id);
    applyUpdate(target.schema, target.row, input, ctx);
    return { id: target.id };
  }

  function cascade(schema: ObjectSchema, id: string, ctx: WriteContext): void {
    for (const rel of schema.childRelationships) {
      if (rel.field === 'OwnerId' || rel.field === 'CreatedById' || rel.field === 'LastModifiedById') continue;
      const children = [...store.childRows(rel.childSObject, rel.field, id, { includeDeleted: false })];
      for (const child of children) {
        const childSchema = objectOrThrow(rel.childSObject);
        if (rel.cascadeDelete) removeRow(childSchema, child, ctx);
        else applyUpdate(childSchema, child, { [rel.field]: null }, { ...ctx, origin: ctx.origin });
      }
    }
  }

  function removeRow(schema: ObjectSchema, row: RecordRow, ctx: WriteContext): void {
    const id = row.Id as string;
    store.markDeleted(schema.name, id, mutation(ctx));
    undoLog?.push(() => store.undelete(schema.name, id, { origin: 'rollback', userId: ctx.userId, silent: true }));
    cascade(schema, id, ctx);
  }

  function deleteRecord(objectName: string | null, id: string, ctx: WriteContext): { id: string } {
    const target = findTarget(objectName, id);
    if (!target.schema.deletable) {
      throw new RecordWriteError({ statusCode: 'INSUFFICIENT_ACCESS_OR_READONLY', message: 'insufficient access rights on object id', fields: [] });
    }
    removeRow(target.schema, target.row, ctx);
    return { id: target.id };
  }

  function hardDeleteRecord(objectName: string | null, id: string, ctx: WriteContext): { id: string } {
    const target = findTarget(objectName, id);
    if (!target.schema.deletable) {
      throw new RecordWriteError({ statusCode: 'INSUFFICIENT_ACCESS_OR_READONLY', message: 'insufficient access rights on object id', fields: [] });
    }
    cascade(target.schema, target.id, ctx);
    store.purge(target.schema.name, target.id, mutation(ctx));
    return { id: target.id };
  }

  function upsertByExternalId(objectName: string, externalIdField: string, externalIdValue: string | null, values: WriteInput, ctx: WriteContext): UpsertResult {
    const schema = objectOrThrow(objectName);
    const f = store.fieldSchema(schema.name, externalIdField);
    if (!f) throw new RecordWriteError({ statusCode: 'NOT_FOUND', message: 'The requested resource does not exist', fields: [] }, 404);
    if (!f.externalId && !f.idLookup) {
      throw new RecordWriteError({ statusCode: 'INVALID_FIELD', message: `Field ${f.name} is not an External ID or indexed field for ${schema.name}`, fields: [] });
    }
    const rest: WriteInput = {};
    for (const [key, value] of Object.entries(values)) if (key.toLowerCase() !== f.name.toLowerCase()) rest[key] = value;
    if (f.type === 'id') {
      if (externalIdValue === null || externalIdValue === '') return { ...createRecord(schema.name, rest, ctx), created: true };
      return { ...updateRecord(schema.name, externalIdValue, rest, ctx), created: false };
    }
    if (externalIdValue === null || externalIdValue === '') {
      throw new RecordWriteError({ statusCode: 'MISSING_ARGUMENT', message: `${f.name} not specified`, fields: [] });
    }
    const matches = store.findByIndexedValue(schema.name, f.name, externalIdValue);
    if (matches.length > 1) {
      const ids = matches.map((r) => r.Id as string);
      throw new RecordWriteError({ statusCode: 'DUPLICATE_EXTERNAL_ID', message: `${f.label}: more than one record found for external id field: [${ids.join(', ')}]`, fields: [f.name] }, 300, ids);
    }
    const match = matches[0];
    if (!match) return { ...createRecord(schema.name, { ...rest, [f.name]: externalIdValue }, ctx), created: true };
    const input = normalizeInput(schema, rest, 'update', match.Id as string);
    applyUpdate(schema, match, input, ctx);
    return { id: match.Id as string, created: false };
  }

  function transaction<T>(work: () => T): T {
    if (undoLog) return work();
    const held = store.holdChanges();
    const log: UndoStep[] = [];
    undoLog = log;
    try {
      const result = work();
      undoLog = undefined;
      held.commit();
      return result;
    } catch (error) {
      undoLog = undefined;
      for (const step of log.reverse()) step();
      held.discard();
      throw error;
    }
  }

  return { createRecord, updateRecord, deleteRecord, hardDeleteRecord, upsertByExternalId, transaction };
}
