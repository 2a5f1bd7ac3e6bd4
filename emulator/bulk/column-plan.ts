/**
 * Reading a Bulk API 2.0 header row: each column is a field of the job's object, or a relationship column
 * (`Account.External_Id__c`, or `Lead:Who.Email` for a polymorphic lookup) resolved through an indexed field of the parent.
 */
import type { FieldSchema, ObjectSchema, OrgData } from '../org/types';

/** A column that sets a field directly. */
type FieldColumn = { kind: 'field'; header: string; index: number; field: FieldSchema };

/** A column that sets a lookup by matching an external-id or idLookup field of the parent object. */
type RelationshipColumn = {
  kind: 'relationship';
  header: string;
  index: number;
  /** The reference field on the job's object that receives the parent id. */
  field: FieldSchema;
  parentObject: string;
  parentField: FieldSchema;
};

/** One understood column of the upload. */
type Column = FieldColumn | RelationshipColumn;

/** The columns of an upload, in header order. */
export type ColumnPlan = { headers: string[]; columns: Column[] };

/** A header problem that fails the job, with the real `errorMessage`. */
export type HeaderError = { errorMessage: string };

/** Finds a field of an object by API name, case-insensitively (as the API does). */
function findField(schema: ObjectSchema, name: string): FieldSchema | undefined {
  const lower = name.toLowerCase();
  return schema.fields.find((f) => f.name.toLowerCase() === lower);
}

function planRelationship(header: string, index: number, schema: ObjectSchema, org: OrgData): Column | HeaderError {
  const colon = header.indexOf(':');
  const typeName = colon === -1 ? undefined : header.slice(0, colon);
  const path = colon === -1 ? header : header.slice(colon + 1);
  const dot = path.indexOf('.');
  const relName = path.slice(0, dot);
  const parentFieldName = path.slice(dot + 1);
  const lowerRel = relName.toLowerCase();
  const field = schema.fields.find((f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === lowerRel);
  if (!field || parentFieldName.includes('.')) return { errorMessage: `InvalidBatch : Unable to find relationship: ${relName}` };
  const polymorphic = field.polymorphicForeignKey || field.referenceTo.length > 1;
  if (typeName !== undefined && !polymorphic) {
    return { errorMessage: `InvalidBatch : type is not needed for non polymorphic foreign key references: ${relName}` };
  }
  if (typeName === undefined && polymorphic) {
    // [INF] the wording of this message; the rule (polymorphic columns need `Type:`) is documented.
    return { errorMessage: `InvalidBatch : Polymorphic foreign key references need an object type: ${relName}` };
  }
  const parentName = typeName ?? field.referenceTo[0] ?? '';
  const parent = org.objectSchema(parentName);
  if (!parent || !field.referenceTo.some((t) => t.toLowerCase() === parent.name.toLowerCase())) {
    return { errorMessage: `InvalidBatch : Unable to find relationship: ${typeName === undefined ? '' : `${typeName}:`}${relName}` };
  }
  const parentField = findField(parent, parentFieldName);
  if (!parentField) return { errorMessage: `InvalidBatch : Field name not found : ${header}` };
  if (!parentField.externalId && !parentField.idLookup) {
    // [INF] wording; only external-id and idLookup fields may identify a parent (docs, "Relationship Fields in a Header Row").
    return {
      errorMessage: `InvalidBatch : Invalid field for upsert, must be an External Id custom or standard indexed field: ${parentField.name} (${parent.name})`,
    };
  }
  return { kind: 'relationship', header, index, field, parentObject: parent.name, parentField };
}

/**
 * Resolves the header cells against the object. The first unknown column fails the job with
 * `InvalidBatch : Field name not found : X` (only the first is named, as on a real org); a UTF-8 BOM stays part of the
 * first name, so it is "not found" too. Delete jobs read only `Id`.
 */
export function planColumns(headers: string[], schema: ObjectSchema, org: OrgData, operation: string): ColumnPlan | HeaderError {
  const columns: Column[] = [];
  for (let index = 0; index < headers.length; index += 1) {
    const header = headers[index] ?? '';
    if (operation === 'delete' || operation === 'hardDelete') {
      if (header.toLowerCase() === 'id') columns.push({ kind: 'field', header, index, field: findField(schema, 'Id') ?? idField(schema) });
      continue;
    }
    if (header.includes('.')) {
      const column = planRelationship(header, index, schema, org);
      if ('errorMessage' in column) return column;
      columns.push(column);
      continue;
    }
    const field = header.includes(':') ? undefined : findField(schema, header);
    if (!field) return { errorMessage: `InvalidBatch : Field name not found : ${header}` };
    columns.push({ kind: 'field', header, index, field });
  }
  return { headers, columns };
}

function idField(schema: ObjectSchema): FieldSchema {
  const first = schema.fields[0];
  if (!first) throw new Error(`Object ${schema.name} has no fields: the emulator's schema must list Id first`);
  return first;
}
