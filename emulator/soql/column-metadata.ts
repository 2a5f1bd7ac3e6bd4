/**
 * `GET /query?q=<SOQL>&columns=true`: the column metadata the sf CLI asks for after every query that returns rows
 * (`{columnMetadata:[{columnName, displayName, aggregate, joinColumns, …}], entityName, groupBy, idSelected, keyPrefix}`).
 * [INF] the shape beyond the four keys the CLI reads is from memory of the Developer Console's call, not a recording.
 */
import type { FieldType as SoqlField, Query } from '@jetstreamapp/soql-parser-js';
import type { FieldSchema, FieldType, ObjectSchema, OrgData } from '../org/types';
import { describeQuery, type SoqlOptions } from './soql-engine';
import { parseSoql } from './soql-parse';

/** One column of the answer. */
type ColumnMetadata = {
  aggregate: boolean;
  apexType: string | null;
  booleanType: boolean;
  columnName: string;
  custom: boolean;
  displayName: string;
  foreignKeyName: null;
  insertable: boolean;
  joinColumns: ColumnMetadata[];
  numberType: boolean;
  textType: boolean;
  updatable: boolean;
};

const APEX_TYPES: Partial<Record<FieldType, string>> = {
  id: 'Id',
  reference: 'Id',
  boolean: 'Boolean',
  int: 'Integer',
  double: 'Double',
  currency: 'Decimal',
  percent: 'Double',
  date: 'Date',
  datetime: 'Datetime',
  time: 'Time',
  base64: 'Blob',
  address: 'Address',
  location: 'Location',
};

function apexType(type: FieldType): string {
  return APEX_TYPES[type] ?? 'String';
}

function fieldColumn(f: FieldSchema, displayName: string): ColumnMetadata {
  const numeric = f.type === 'int' || f.type === 'double' || f.type === 'currency' || f.type === 'percent';
  return {
    aggregate: false,
    apexType: apexType(f.type),
    booleanType: f.type === 'boolean',
    columnName: f.name,
    custom: f.custom,
    displayName,
    foreignKeyName: null,
    insertable: f.createable,
    joinColumns: [],
    numberType: numeric,
    textType: !numeric && f.type !== 'boolean' && !['date', 'datetime', 'time', 'id', 'reference'].includes(f.type),
    updatable: f.updateable,
  };
}

function groupColumn(name: string, aggregate: boolean, joinColumns: ColumnMetadata[], displayName = name): ColumnMetadata {
  return { aggregate, apexType: null, booleanType: false, columnName: name, custom: name.endsWith('__r'), displayName, foreignKeyName: null, insertable: false, joinColumns, numberType: false, textType: false, updatable: false };
}

function fieldOf(schema: ObjectSchema, name: string): FieldSchema | undefined {
  const lower = name.toLowerCase();
  return schema.fields.find((f) => f.name.toLowerCase() === lower);
}

function parentOf(org: OrgData, schema: ObjectSchema, relationship: string): { field: FieldSchema; parent: ObjectSchema } | undefined {
  const lower = relationship.toLowerCase();
  const field = schema.fields.find((f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === lower);
  const parent = field?.referenceTo[0] === undefined ? undefined : org.objectSchema(field.referenceTo[0]);
  return field && parent ? { field, parent } : undefined;
}

/** Adds `path` (relationships then a field) under `columns`, merging columns of the same relationship. */
function addPath(org: OrgData, columns: ColumnMetadata[], schema: ObjectSchema, relationships: string[], fieldName: string, prefix: string): void {
  const [first, ...rest] = relationships;
  if (first === undefined) {
    const f = fieldOf(schema, fieldName);
    if (f) columns.push(fieldColumn(f, prefix === '' ? f.name : `${prefix}.${f.name}`));
    return;
  }
  const hop = parentOf(org, schema, first);
  if (!hop) return;
  const name = hop.field.relationshipName as string;
  let group = columns.find((c) => c.columnName === name && c.joinColumns.length > 0 && !c.aggregate);
  if (!group) {
    group = groupColumn(name, false, [], prefix === '' ? name : `${prefix}.${name}`);
    columns.push(group);
  }
  addPath(org, group.joinColumns, hop.parent, rest, fieldName, prefix === '' ? name : `${prefix}.${name}`);
}

function columnsOf(org: OrgData, schema: ObjectSchema, fields: readonly SoqlField[], prefix: string): ColumnMetadata[] {
  const columns: ColumnMetadata[] = [];
  let expr = 0;
  for (const item of fields) {
    switch (item.type) {
      case 'Field':
        addPath(org, columns, schema, [], item.field, prefix);
        break;
      case 'FieldRelationship':
        addPath(org, columns, schema, item.relationships, item.field, prefix);
        break;
      case 'FieldFunctionExpression': {
        const firstParameter = typeof item.parameters[0] === 'string' ? item.parameters[0] : undefined;
        if (item.functionName.toUpperCase() === 'FIELDS') {
          const which = (firstParameter ?? '').toUpperCase();
          for (const f of schema.fields) if (which === 'ALL' || (which === 'CUSTOM') === f.custom) columns.push(fieldColumn(f, f.name));
          break;
        }
        const aggregate = item.isAggregateFn === true;
        const name = item.alias ?? (aggregate ? `expr${expr++}` : (firstParameter ?? item.functionName));
        const column = groupColumn(name, aggregate, [], item.alias ?? item.rawValue ?? name);
        if (aggregate && item.functionName.toUpperCase().startsWith('COUNT')) Object.assign(column, { apexType: 'Integer', numberType: true });
        columns.push(column);
        break;
      }
      case 'FieldSubquery': {
        const relationship = item.subquery.relationshipName;
        const child = org.objectSchemas().flatMap((s) => s.childRelationships.map((r) => ({ r, parent: s }))).find(({ r, parent }) => parent.name === schema.name && r.relationshipName?.toLowerCase() === relationship.toLowerCase());
        const childSchema = child === undefined ? undefined : org.objectSchema(child.r.childSObject);
        if (!child || !childSchema) break;
        columns.push(groupColumn(child.r.relationshipName as string, true, columnsOf(org, childSchema, item.subquery.fields ?? [], '')));
        break;
      }
      case 'FieldTypeof':
        columns.push(groupColumn(item.field, false, []));
        break;
      default:
        break;
    }
  }
  return columns;
}

/** The column metadata of a query, after validating it as a query would be (a bad field gives the same error). */
export function columnMetadata(org: OrgData, soql: string, options: SoqlOptions): Record<string, unknown> {
  const { object } = describeQuery(org, soql, options);
  const query: Query = parseSoql(soql);
  const fields = query.fields ?? [];
  return {
    columnMetadata: columnsOf(org, object, fields, ''),
    entityName: object.name,
    groupBy: query.groupBy !== undefined,
    idSelected: fields.some((f) => f.type === 'Field' && f.field.toLowerCase() === 'id'),
    keyPrefix: object.keyPrefix,
  };
}
