import { parseQuery, type FieldType, type Query } from '@jetstreamapp/soql-parser-js';
import type { ResultColumn } from '../../shared/ipc/domains/query';

/**
 * A result column and where its value sits in a REST record: `read` is the key path in the JSON record, which differs
 * from the displayed path for aggregates (`expr0`) and grouped parent fields (`GROUP BY Account.Name` comes back as `Name`).
 */
export type ColumnSpec = ResultColumn & { read: string[]; children?: ColumnSpec[] | undefined };

/** What the SOQL text says about the result: its object, its columns in SELECT order, and which paths it can take. */
export type QueryShape = {
  /** The FROM object, or null when the text could not be parsed. */
  object: string | null;
  /** Columns in SELECT order; empty when they can only be known from the records (FIELDS(), unparsable text). */
  columns: ColumnSpec[];
  /** True when the columns must come from the records themselves. */
  columnsFromRecords: boolean;
  /** True for `SELECT COUNT() FROM …`: no records come back, only totalSize. */
  countOnly: boolean;
  /** Why Bulk API 2.0 cannot run it (subqueries, aggregates, GROUP BY, OFFSET, TYPEOF), or null when it can. */
  bulkBlocker: string | null;
};

/** Reads a SOQL statement's shape with soql-parser-js; never throws (unparsable text gives a shape with no columns). */
export function readQueryShape(soql: string): QueryShape {
  let query: Query;
  try {
    query = parseQuery(soql, { allowApexBindVariables: true, ignoreParseErrors: false });
  } catch {
    return { object: null, columns: [], columnsFromRecords: true, countOnly: false, bulkBlocker: null };
  }
  const object = query.sObject ?? null;
  const fields = query.fields ?? [];
  const built = columnsOf(fields, [object, query.sObjectAlias]);
  if (built.hasAggregate || query.groupBy !== undefined) {
    // Grouping by Account.Name yields a flat key "Name" (salesforce-api.md, "Aggregates").
    for (const column of built.columns) {
      const last = column.read[column.read.length - 1];
      if (column.kind === 'field' && last !== undefined) column.read = [last];
    }
  }
  return {
    object,
    columns: built.columns,
    columnsFromRecords: built.fromRecords,
    countOnly: fields.length === 1 && fields[0]?.type === 'FieldFunctionExpression' && fields[0].functionName.toUpperCase() === 'COUNT' && fields[0].parameters.length === 0,
    bulkBlocker: bulkBlocker(query, built),
  };
}

type Built = { columns: ColumnSpec[]; fromRecords: boolean; hasSubquery: boolean; hasAggregate: boolean; hasTypeOf: boolean };

function columnsOf(fields: FieldType[], prefixes: (string | null | undefined)[]): Built {
  const stripped = new Set(prefixes.filter((p): p is string => typeof p === 'string').map((p) => p.toLowerCase()));
  const columns: ColumnSpec[] = [];
  const seen = new Set<string>();
  const out: Built = { columns, fromRecords: false, hasSubquery: false, hasAggregate: false, hasTypeOf: false };
  let exprIndex = 0;
  const add = (column: ColumnSpec): void => {
    const key = column.path.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    columns.push(column);
  };
  const strip = (segments: string[]): string[] =>
    segments.length > 1 && stripped.has((segments[0] ?? '').toLowerCase()) ? segments.slice(1) : segments;

  for (const field of fields) {
    switch (field.type) {
      case 'Field': {
        const path = strip(['objectPrefix' in field ? String(field.objectPrefix) : '', field.field].filter((s) => s !== ''));
        add({ path: path.join('.'), kind: 'field', read: path });
        break;
      }
      case 'FieldRelationship': {
        const path = strip([...field.relationships, field.field]);
        const alias = 'alias' in field && typeof field.alias === 'string' ? field.alias : undefined;
        add({ path: alias ?? path.join('.'), kind: 'field', read: alias === undefined ? path : [alias] });
        break;
      }
      case 'FieldFunctionExpression': {
        if (field.functionName.toUpperCase() === 'FIELDS') {
          out.fromRecords = true;
          break;
        }
        if (field.isAggregateFn === true) {
          out.hasAggregate = true;
          // Unaliased aggregates come back as expr0, expr1, … in SELECT order (salesforce-api.md, "Aggregates").
          const name = field.alias ?? `expr${exprIndex++}`;
          if (field.functionName.toUpperCase() === 'COUNT' && field.parameters.length === 0) break;
          add({ path: field.alias ?? field.rawValue ?? name, kind: 'aggregate', read: [name] });
          break;
        }
        // toLabel(), FORMAT(), convertCurrency() keep the field's own name unless aliased.
        const parameter = field.parameters[0];
        const inner = typeof parameter === 'string' ? strip(parameter.split('.')) : [field.functionName];
        const read = field.alias === undefined ? inner : [field.alias];
        add({ path: field.alias ?? inner.join('.'), kind: 'field', read });
        break;
      }
      case 'FieldSubquery': {
        out.hasSubquery = true;
        const sub = field.subquery;
        const childPrefixes = [...(sub.sObjectPrefix ?? []), sub.relationshipName, sub.sObjectAlias];
        const child = columnsOf(sub.fields ?? [], childPrefixes);
        add({
          path: sub.relationshipName,
          kind: 'children',
          read: [sub.relationshipName],
          children: child.fromRecords ? undefined : child.columns,
        });
        break;
      }
      case 'FieldTypeof': {
        out.hasTypeOf = true;
        for (const condition of field.conditions) {
          for (const name of condition.fieldList) add({ path: `${field.field}.${name}`, kind: 'field', read: [field.field, name] });
        }
        break;
      }
    }
  }
  return out;
}

function bulkBlocker(query: Query, built: Built): string | null {
  // Bulk API 2.0 query jobs refuse these (salesforce-api.md §5, "Unsupported SOQL").
  if (built.hasSubquery) return 'parent-to-child subqueries';
  if (built.hasAggregate) return 'aggregate functions';
  if (query.groupBy !== undefined) return 'GROUP BY';
  if (query.offset !== undefined) return 'OFFSET';
  if (built.hasTypeOf) return 'TYPEOF';
  return null;
}

/**
 * Derives columns from records when the SOQL text cannot say (FIELDS(), text the parser refuses): keys in record order,
 * nested parents flattened to dotted paths, child subquery results as children columns. `attributes` is never a column.
 */
export function columnsFromRecords(records: readonly Record<string, unknown>[]): ColumnSpec[] {
  const columns: ColumnSpec[] = [];
  const index = new Map<string, ColumnSpec>();
  const childRecords = new Map<string, Record<string, unknown>[]>();
  const visit = (value: Record<string, unknown>, prefix: string[]): void => {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'attributes') continue;
      const path = [...prefix, key];
      if (isChildResult(inner)) {
        const name = path.join('.');
        if (!index.has(name)) {
          const column: ColumnSpec = { path: name, kind: 'children', read: path, children: [] };
          index.set(name, column);
          columns.push(column);
        }
        const list = childRecords.get(name) ?? [];
        list.push(...inner.records);
        childRecords.set(name, list);
      } else if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
        visit(inner as Record<string, unknown>, path);
      } else {
        const name = path.join('.');
        if (!index.has(name)) {
          const column: ColumnSpec = { path: name, kind: 'field', read: path };
          index.set(name, column);
          columns.push(column);
        }
      }
    }
  };
  for (const record of records) visit(record, []);
  for (const column of columns) {
    if (column.kind === 'children') column.children = columnsFromRecords(childRecords.get(column.path) ?? []);
  }
  return columns;
}

/** A child subquery result inside a record: `{totalSize, done, records}`. */
export type ChildResult = { totalSize: number; done: boolean; nextRecordsUrl?: string; records: Record<string, unknown>[] };

/** Tells whether a record value is a child subquery result. */
export function isChildResult(value: unknown): value is ChildResult {
  return (
    value !== null &&
    typeof value === 'object' &&
    Array.isArray((value as { records?: unknown }).records) &&
    typeof (value as { totalSize?: unknown }).totalSize === 'number'
  );
}
