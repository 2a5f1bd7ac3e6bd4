import type {
  ConditionWithValueQuery,
  FieldType as ParsedField,
  FunctionExp,
  OrderByClause,
  Query,
  QueryBase,
  ValueQueryCondition,
} from '@jetstreamapp/soql-parser-js';
import type { FieldSchema, FieldType, FieldValue, ObjectSchema, OrgData, RecordRow } from '../org/types';
import { type Operand, compilePredicate, conditionTree, normalizerFor } from './condition-compiler';
import { type SchemaIndex, createSchemaIndex } from './schema-index';
import { SoqlError, caretMessage } from './soql-error';
import { parseSoql } from './soql-parse';
import { type SoqlToken, clauseStart, logicalOperatorOffsets, offsetOfWord, subqueryStart, tokenizeSoql } from './soql-tokens';

/** How a query runs: queryAll includes deleted rows; relative dates are evaluated at `now` (UTC); URLs carry the version. */
export type SoqlOptions = {
  includeDeleted: boolean;
  now: Date;
  apiVersion: string;
  /**
   * Where the REST routes park a child subquery result longer than one child batch: given the whole child result, returns
   * the `nextRecordsUrl` for the rows after the first CHILD_BATCH. Without it every child row is returned inline.
   */
  childCursor?: (run: QueryRun) => string;
};

/** Child rows a parent record carries inline before the rest moves behind a `nextRecordsUrl` (salesforce-api.md 2.3). */
export const CHILD_BATCH = 200;

/** One REST-shaped record: `attributes` first, then the selected fields in SELECT order. */
export type SoqlRecord = Record<string, unknown>;

/** A complete query result as `/query` returns it when everything fits in one page. */
export type SoqlResult = { totalSize: number; done: true; records: SoqlRecord[] };

/** A materialised query result that pages project lazily: `size` records are available through `recordAt`. */
export type QueryRun = {
  totalSize: number;
  size: number;
  recordAt(index: number): SoqlRecord;
  /** The child-subquery keys of each record (`Contacts`), whose inline rows count toward a page's batch size. */
  childKeys?: string[];
};

/** Flat rows for Bulk API 2.0 query results: dotted column names in SELECT order and one value array per record. */
export type SoqlRows = { object: string; columns: string[]; rows: Iterable<FieldValue[]> };

type Getter<T> = (item: T) => FieldValue;

type Context = {
  org: OrgData;
  index: SchemaIndex;
  soql: string;
  tokens: SoqlToken[];
  options: SoqlOptions;
  urlBase: string;
};

type Hop = { refField: string; relationshipName: string; target: ObjectSchema; polymorphic: boolean };

/** A resolved field path; `objectType` marks `What.Type`, the concrete type of a polymorphic parent. */
type ResolvedPath = { hops: Hop[]; field: FieldSchema; dotted: string; objectType?: true };

type OutputNode =
  | { kind: 'field'; key: string; name: string; binary?: true; objectType?: true }
  | { kind: 'parent'; key: string; refField: string; children: OutputNode[] }
  | { kind: 'child'; key: string; plan: RecordsPlan; parentField: string }
  | { kind: 'typeof'; key: string; refField: string; byType: Map<string, string[]>; otherwise: string[] };

/** Sorts items; with `take`, only the first `take` of the sorted order are returned (a bounded heap, not a full sort). */
type Sorter<T> = (items: T[], take?: number) => T[];

type RecordsPlan = {
  object: ObjectSchema;
  nodes: OutputNode[];
  predicate: ((row: RecordRow) => boolean) | null;
  sorter: Sorter<RecordRow> | null;
  limit: number | undefined;
  offset: number;
};

/** One SELECT being compiled: its object, FROM alias, parsed query and where its text starts (for carets). */
type Scope = { object: ObjectSchema; alias: string | undefined; query: QueryBase; from: number };

const DAY_MS = 86_400_000;

/** The INVALID_TYPE text of an unknown FROM object. */
export const NOT_SUPPORTED_TYPE = (name: string): string =>
  `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`;

/** Date functions usable in WHERE, GROUP BY and SELECT of aggregate queries, evaluated in UTC. */
const DATE_FUNCTIONS: Record<string, { type: FieldType; apply: (value: string) => FieldValue }> = {
  CALENDAR_YEAR: { type: 'int', apply: (value) => Number(value.slice(0, 4)) },
  FISCAL_YEAR: { type: 'int', apply: (value) => Number(value.slice(0, 4)) },
  CALENDAR_MONTH: { type: 'int', apply: (value) => Number(value.slice(5, 7)) },
  FISCAL_MONTH: { type: 'int', apply: (value) => Number(value.slice(5, 7)) },
  CALENDAR_QUARTER: { type: 'int', apply: (value) => Math.ceil(Number(value.slice(5, 7)) / 3) },
  FISCAL_QUARTER: { type: 'int', apply: (value) => Math.ceil(Number(value.slice(5, 7)) / 3) },
  DAY_IN_MONTH: { type: 'int', apply: (value) => Number(value.slice(8, 10)) },
  DAY_IN_WEEK: { type: 'int', apply: (value) => new Date(`${value.slice(0, 10)}T00:00:00Z`).getUTCDay() + 1 },
  DAY_IN_YEAR: {
    type: 'int',
    apply: (value) => (Date.parse(`${value.slice(0, 10)}T00:00:00Z`) - Date.UTC(Number(value.slice(0, 4)), 0, 1)) / DAY_MS + 1,
  },
  HOUR_IN_DAY: { type: 'int', apply: (value) => (value.length > 10 ? Number(value.slice(11, 13)) : 0) },
  DAY_ONLY: { type: 'date', apply: (value) => value.slice(0, 10) },
};

const AGGREGATES = new Set(['COUNT', 'COUNT_DISTINCT', 'SUM', 'AVG', 'MIN', 'MAX']);
const PASS_THROUGH_FUNCTIONS = new Set(['TOLABEL', 'FORMAT', 'CONVERTCURRENCY']);

function apiPath(apiVersion: string): string {
  return `/services/data/v${apiVersion.replace(/^v/i, '')}`;
}

function fail(ctx: Context, code: SoqlError['errorCode'], offset: number, text: string): never {
  throw new SoqlError(code, caretMessage(ctx.soql, offset, text));
}

function clauseOffset(ctx: Context, scope: Scope, keyword: string): number {
  return clauseStart(ctx.tokens, scope.from, keyword) ?? scope.from;
}

/** The offset of the first word equal to `text` (case-insensitively) at or after `from`, else `from`. */
function wordOffset(ctx: Context, text: string, from = 0): number {
  const wanted = text.toLowerCase();
  for (const token of ctx.tokens) {
    if (token.start >= from && token.kind === 'word' && token.text.toLowerCase() === wanted) return token.start;
  }
  return from;
}

/** Resolves `Account.Owner.Name` (optionally alias- or object-qualified) against a scope, or throws INVALID_FIELD. */
function resolvePath(ctx: Context, scope: Scope, raw: string, offset: number): ResolvedPath {
  let segments = raw.split('.');
  const first = segments[0]?.toLowerCase() ?? '';
  if (segments.length > 1) {
    if (scope.alias !== undefined && first === scope.alias.toLowerCase()) segments = segments.slice(1);
    else if (first === scope.object.name.toLowerCase() && ctx.index.parentRelationship(scope.object, first) === undefined) {
      segments = segments.slice(1);
    }
  }
  let object = scope.object;
  const hops: Hop[] = [];
  for (const segment of segments.slice(0, -1)) {
    const reference = ctx.index.parentRelationship(object, segment);
    const target = reference === undefined ? undefined : ctx.index.object(reference.referenceTo[0] ?? '');
    if (reference === undefined || target === undefined || reference.relationshipName === null) {
      fail(
        ctx,
        'INVALID_FIELD',
        offset,
        `Didn't understand relationship '${segment}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    hops.push({
      refField: reference.name,
      relationshipName: reference.relationshipName,
      target,
      polymorphic: reference.referenceTo.length > 1 || reference.polymorphicForeignKey,
    });
    object = target;
  }
  const last = segments[segments.length - 1] ?? '';
  const field = ctx.index.field(object, last);
  const lastHop = hops[hops.length - 1];
  if (field === undefined && lastHop?.polymorphic === true && last.toLowerCase() === 'type') {
    // Polymorphic parents are queried through the Name entity, whose Type is the parent's object name.
    const typeField: FieldSchema = { ...(ctx.index.field(object, 'Id') ?? object.fields[0]), name: 'Type', label: 'Object Type', type: 'picklist' } as FieldSchema;
    return { hops, field: typeField, dotted: [...hops.map((hop) => hop.relationshipName), 'Type'].join('.'), objectType: true };
  }
  if (field === undefined) {
    fail(
      ctx,
      'INVALID_FIELD',
      offset,
      `No such column '${last}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  return { hops, field, dotted: [...hops.map((hop) => hop.relationshipName), field.name].join('.') };
}

function rowGetter(ctx: Context, path: ResolvedPath): Getter<RecordRow> {
  const name = path.field.name;
  if (path.hops.length === 0) return (row) => row[name] ?? null;
  const references = path.hops.map((hop) => hop.refField);
  const objectType = path.objectType === true;
  const { org } = ctx;
  return (row) => {
    let current: RecordRow = row;
    let type = '';
    for (const reference of references) {
      const id = current[reference];
      if (id === null || id === undefined) return null;
      const parent = org.findById(String(id));
      if (parent === undefined) return null;
      current = parent.row;
      type = parent.objectName;
    }
    return objectType ? type : (current[name] ?? null);
  };
}

function withDateFunction<T>(ctx: Context, fn: FunctionExp, offset: number, base: Getter<T>): { get: Getter<T>; type: FieldType } {
  const spec = DATE_FUNCTIONS[(fn.functionName ?? '').toUpperCase()];
  if (spec === undefined) fail(ctx, 'MALFORMED_QUERY', offset, `unexpected token: '${fn.functionName ?? ''}'`);
  const { apply } = spec;
  return { get: (item) => {
    const value = base(item);
    return value === null ? null : apply(String(value));
  }, type: spec.type };
}

function functionParameter(fn: FunctionExp): string {
  const parameter = fn.parameters?.[0];
  return typeof parameter === 'string' ? parameter : '';
}

/** Compiles a WHERE-style operand on rows: a field path or a date function of one. */
function rowOperand(ctx: Context, scope: Scope, condition: ConditionWithValueQuery, from: number): Operand<RecordRow> {
  if ('fn' in condition) {
    const raw = functionParameter(condition.fn);
    const offset = wordOffset(ctx, condition.fn.functionName ?? raw, from);
    if (AGGREGATES.has((condition.fn.functionName ?? '').toUpperCase())) {
      fail(ctx, 'MALFORMED_QUERY', offset, 'Aggregate functions are not supported in a WHERE clause');
    }
    const path = resolvePath(ctx, scope, raw, offset);
    const { get, type } = withDateFunction(ctx, condition.fn, offset, rowGetter(ctx, path));
    return { get, type, name: path.field.name, offset };
  }
  const raw = (condition as { field: string }).field;
  const offset = wordOffset(ctx, raw, from);
  const path = resolvePath(ctx, scope, raw, offset);
  if (!path.field.filterable) {
    fail(ctx, 'INVALID_FIELD', offset, `field '${path.field.name}' can not be filtered in a query call`);
  }
  return { get: rowGetter(ctx, path), type: path.field.type, name: path.field.name, offset };
}

function semiJoinValues(ctx: Context, outer: Scope, condition: ValueQueryCondition): FieldValue[] {
  const inner = condition.valueQuery;
  const start = subqueryStart(ctx.tokens, inner.sObject ?? '') ?? outer.from;
  const from = wordOffset(ctx, inner.sObject ?? '', start);
  const object = ctx.index.object(inner.sObject ?? '');
  if (object === undefined) fail(ctx, 'INVALID_TYPE', from, NOT_SUPPORTED_TYPE(inner.sObject ?? ''));
  const scope: Scope = { object, alias: inner.sObjectAlias, query: inner, from: start };
  const field = inner.fields?.[0];
  const raw = field?.type === 'Field' ? field.field : field?.type === 'FieldRelationship' ? (field.rawValue ?? field.field) : '';
  if (inner.fields?.length !== 1 || raw === '') {
    fail(ctx, 'MALFORMED_QUERY', from, 'The inner select field must be a single Id or reference field');
  }
  const path = resolvePath(ctx, scope, raw, wordOffset(ctx, raw, from));
  const get = rowGetter(ctx, path);
  const predicate = compileWhere(ctx, scope);
  const values: FieldValue[] = [];
  for (const row of ctx.org.rows(object.name, { includeDeleted: ctx.options.includeDeleted })) {
    if (predicate === null || predicate(row)) values.push(get(row));
  }
  return values;
}

function compileWhere(ctx: Context, scope: Scope): ((row: RecordRow) => boolean) | null {
  if (scope.query.where === undefined) return null;
  const from = clauseOffset(ctx, scope, 'where');
  const positions = { clause: from, operators: logicalOperatorOffsets(ctx.tokens, from) };
  return compilePredicate<RecordRow>(conditionTree(scope.query.where, ctx.soql, positions), {
    soql: ctx.soql,
    now: ctx.options.now,
    operand: (condition) => rowOperand(ctx, scope, condition, from),
    semiJoin: (condition) => semiJoinValues(ctx, scope, condition),
  });
}

type SortKey<T> = { get: Getter<T>; type: FieldType; descending: boolean; nullsFirst: boolean };

/** Builds a decorate-sort-undecorate sorter: keys are normalised once per item, ties keep insertion order. */
function makeSorter<T>(keys: SortKey<T>[]): Sorter<T> {
  const normalizers = keys.map((key) => normalizerFor(key.type));
  const descending = keys.map((key) => key.descending);
  const nullsFirst = keys.map((key) => key.nullsFirst);
  return (items, take) => {
    const count = items.length;
    const columns = keys.map((key, column) => {
      const normalize = normalizers[column] ?? ((value: FieldValue) => value);
      const values = new Array<FieldValue>(count);
      for (let i = 0; i < count; i++) {
        const value = key.get(items[i] as T);
        values[i] = value === null ? null : normalize(value);
      }
      return values;
    });
    const compare = (a: number, b: number): number => {
      for (let column = 0; column < columns.length; column++) {
        const values = columns[column] as FieldValue[];
        const x = values[a] ?? null;
        const y = values[b] ?? null;
        if (x === y) continue;
        if (x === null) return nullsFirst[column] === true ? -1 : 1;
        if (y === null) return nullsFirst[column] === true ? 1 : -1;
        const result = x < y ? -1 : 1;
        return descending[column] === true ? -result : result;
      }
      return a - b;
    };
    const order = take !== undefined && take < count / 4 ? smallest(count, take, compare) : new Uint32Array(count).map((_, i) => i);
    order.sort(compare);
    const sorted = new Array<T>(order.length);
    for (let i = 0; i < order.length; i++) sorted[i] = items[order[i] as number] as T;
    return sorted;
  };
}

/** The indices of the `take` smallest of `0..count-1` under `compare`, unordered, kept in a bounded max-heap. */
function smallest(count: number, take: number, compare: (a: number, b: number) => number): Uint32Array {
  const heap = new Uint32Array(take);
  let size = 0;
  const siftDown = (): void => {
    let parent = 0;
    for (;;) {
      const left = 2 * parent + 1;
      if (left >= size) return;
      const right = left + 1;
      const larger = right < size && compare(heap[right] as number, heap[left] as number) > 0 ? right : left;
      if (compare(heap[larger] as number, heap[parent] as number) <= 0) return;
      const swap = heap[parent] as number;
      heap[parent] = heap[larger] as number;
      heap[larger] = swap;
      parent = larger;
    }
  };
  for (let i = 0; i < count && take > 0; i++) {
    if (size < take) {
      let child = size++;
      heap[child] = i;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if (compare(heap[child] as number, heap[parent] as number) <= 0) break;
        const swap = heap[parent] as number;
        heap[parent] = heap[child] as number;
        heap[child] = swap;
        child = parent;
      }
    } else if (compare(i, heap[0] as number) < 0) {
      heap[0] = i;
      siftDown();
    }
  }
  return heap.subarray(0, size);
}

function orderClauses(query: QueryBase): OrderByClause[] {
  if (query.orderBy === undefined) return [];
  return Array.isArray(query.orderBy) ? query.orderBy : [query.orderBy];
}

function sortDirection(clause: OrderByClause): { descending: boolean; nullsFirst: boolean } {
  const descending = clause.order === 'DESC';
  return { descending, nullsFirst: clause.nulls === undefined ? !descending : clause.nulls === 'FIRST' };
}

function compileRowSorter(ctx: Context, scope: Scope): Sorter<RecordRow> | null {
  const clauses = orderClauses(scope.query);
  if (clauses.length === 0) return null;
  const from = clauseOffset(ctx, scope, 'order');
  return makeSorter(
    clauses.map((clause) => {
      if ('fn' in clause) {
        const raw = functionParameter(clause.fn);
        const offset = wordOffset(ctx, clause.fn.functionName ?? raw, from);
        const path = resolvePath(ctx, scope, raw, offset);
        return { ...withDateFunction(ctx, clause.fn, offset, rowGetter(ctx, path)), ...sortDirection(clause) };
      }
      const offset = wordOffset(ctx, clause.field, from);
      const path = resolvePath(ctx, scope, clause.field, offset);
      if (!path.field.sortable) fail(ctx, 'INVALID_FIELD', offset, `field '${path.field.name}' can not be sorted in a query call`);
      return { get: rowGetter(ctx, path), type: path.field.type, ...sortDirection(clause) };
    }),
  );
}

function checkLimits(ctx: Context, scope: Scope): void {
  if (scope.query.offset !== undefined && scope.query.offset > 2000) {
    fail(ctx, 'NUMBER_OUTSIDE_VALID_RANGE', wordOffset(ctx, String(scope.query.offset), clauseOffset(ctx, scope, 'offset')), 'maximum SOQL offset allowed is 2000');
  }
}

function addPath(ctx: Context, nodes: OutputNode[], path: ResolvedPath, offset: number, depth = 0): void {
  const hop = path.hops[depth];
  if (hop === undefined) {
    const key = path.field.name;
    if (nodes.some((node) => node.kind === 'field' && node.key === key)) {
      fail(ctx, 'MALFORMED_QUERY', offset, `duplicate field selected: ${path.dotted}`);
    }
    if (path.objectType === true) nodes.push({ kind: 'field', key, name: key, objectType: true });
    else nodes.push(path.field.type === 'base64' ? { kind: 'field', key, name: key, binary: true } : { kind: 'field', key, name: key });
    return;
  }
  let parent = nodes.find((node) => node.kind === 'parent' && node.key === hop.relationshipName);
  if (parent === undefined) {
    parent = { kind: 'parent', key: hop.relationshipName, refField: hop.refField, children: [] };
    nodes.push(parent);
  }
  if (parent.kind === 'parent') addPath(ctx, parent.children, path, offset, depth + 1);
}

function expandFields(ctx: Context, scope: Scope, fn: FunctionExp, offset: number): FieldSchema[] {
  const which = functionParameter(fn).toUpperCase();
  if (which !== 'STANDARD' && (scope.query.limit === undefined || scope.query.limit > 200)) {
    fail(ctx, 'MALFORMED_QUERY', offset, 'The SOQL FIELDS function must have a LIMIT of at most 200');
  }
  if (which === 'ALL') return scope.object.fields;
  if (which === 'CUSTOM') return scope.object.fields.filter((field) => field.custom);
  if (which === 'STANDARD') return scope.object.fields.filter((field) => !field.custom);
  return fail(ctx, 'MALFORMED_QUERY', offset, `unexpected token: '${functionParameter(fn)}'`);
}

function fieldRaw(field: ParsedField): string {
  if (field.type === 'Field') return 'rawValue' in field && typeof field.rawValue === 'string' ? field.rawValue : field.field;
  if (field.type === 'FieldRelationship') return field.rawValue ?? [...field.relationships, field.field].join('.');
  return '';
}

function compileRecordsPlan(ctx: Context, scope: Scope, from: number): RecordsPlan {
  checkLimits(ctx, scope);
  const nodes: OutputNode[] = [];
  for (const field of scope.query.fields ?? []) {
    switch (field.type) {
      case 'Field':
      case 'FieldRelationship': {
        const raw = fieldRaw(field);
        const offset = wordOffset(ctx, raw, from);
        addPath(ctx, nodes, resolvePath(ctx, scope, raw, offset), offset);
        break;
      }
      case 'FieldFunctionExpression': {
        const name = field.functionName.toUpperCase();
        const offset = wordOffset(ctx, field.functionName, from);
        if (name === 'FIELDS') {
          for (const schemaField of expandFields(ctx, scope, field, offset)) {
            addPath(ctx, nodes, { hops: [], field: schemaField, dotted: schemaField.name }, offset);
          }
        } else if (PASS_THROUGH_FUNCTIONS.has(name)) {
          const path = resolvePath(ctx, scope, functionParameter(field), offset);
          // `FORMAT(Amount__c) amt` comes back under its alias.
          if (field.alias !== undefined && path.hops.length === 0) nodes.push({ kind: 'field', key: field.alias, name: path.field.name });
          else addPath(ctx, nodes, path, offset);
        } else {
          fail(ctx, 'MALFORMED_QUERY', offset, `unexpected token: '${field.functionName}'`);
        }
        break;
      }
      case 'FieldSubquery': {
        const subquery = field.subquery;
        const offset = wordOffset(ctx, [...(subquery.sObjectPrefix ?? []), subquery.relationshipName].join('.'), from);
        const relationship = ctx.index.childRelationship(scope.object, subquery.relationshipName);
        const child = relationship === undefined ? undefined : ctx.index.object(relationship.childSObject);
        if (relationship === undefined || child === undefined || relationship.relationshipName === null) {
          fail(
            ctx,
            'INVALID_TYPE',
            offset,
            `Didn't understand relationship '${subquery.relationshipName}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
          );
        }
        const subFrom = subqueryStart(ctx.tokens, [...(subquery.sObjectPrefix ?? []), subquery.relationshipName].join('.')) ?? offset;
        const plan = compileRecordsPlan(ctx, { object: child, alias: undefined, query: subquery, from: subFrom }, subFrom);
        nodes.push({ kind: 'child', key: relationship.relationshipName, plan, parentField: relationship.field });
        break;
      }
      case 'FieldTypeof': {
        const offset = wordOffset(ctx, field.field, from);
        const reference = ctx.index.parentRelationship(scope.object, field.field);
        if (reference === undefined || reference.relationshipName === null) {
          fail(
            ctx,
            'INVALID_FIELD',
            offset,
            `Didn't understand relationship '${field.field}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
          );
        }
        const byType = new Map<string, string[]>();
        let otherwise: string[] = [];
        for (const condition of field.conditions) {
          if (condition.type === 'ELSE') otherwise = condition.fieldList;
          else byType.set((condition.objectType ?? '').toLowerCase(), condition.fieldList);
        }
        nodes.push({ kind: 'typeof', key: reference.relationshipName, refField: reference.name, byType, otherwise });
        break;
      }
    }
  }
  return {
    object: scope.object,
    nodes,
    predicate: compileWhere(ctx, scope),
    sorter: compileRowSorter(ctx, scope),
    limit: scope.query.limit,
    offset: scope.query.offset ?? 0,
  };
}

function selectRows(plan: RecordsPlan, source: Iterable<RecordRow>): RecordRow[] {
  const { predicate, sorter, limit, offset } = plan;
  // Without ORDER BY the scan can stop as soon as OFFSET + LIMIT rows matched.
  const stopAt = sorter === null && limit !== undefined ? offset + limit : Number.POSITIVE_INFINITY;
  let rows: RecordRow[] = [];
  if (stopAt > 0) {
    for (const row of source) {
      if (predicate === null || predicate(row)) {
        rows.push(row);
        if (rows.length >= stopAt) break;
      }
    }
  }
  if (sorter !== null) rows = sorter(rows, limit === undefined ? undefined : offset + limit);
  if (offset > 0 || (limit !== undefined && rows.length > limit)) {
    rows = rows.slice(offset, limit === undefined ? undefined : offset + limit);
  }
  return rows;
}

function project(ctx: Context, nodes: OutputNode[], row: RecordRow, type: string): SoqlRecord {
  const record: SoqlRecord = { attributes: { type, url: `${ctx.urlBase}/sobjects/${type}/${String(row.Id)}` } };
  for (const node of nodes) {
    switch (node.kind) {
      case 'field': {
        const value = node.objectType === true ? type : (row[node.name] ?? null);
        // Binary fields come back as the URL of their content, not the bytes (recorded from a v55 org).
        record[node.key] = node.binary === true && value !== null ? `${ctx.urlBase}/sobjects/${type}/${String(row.Id)}/${node.name}` : value;
        break;
      }
      case 'parent': {
        const id = row[node.refField];
        const parent = id === null || id === undefined ? undefined : ctx.org.findById(String(id));
        record[node.key] = parent === undefined ? null : project(ctx, node.children, parent.row, parent.objectName);
        break;
      }
      case 'child': {
        const children = selectRows(
          node.plan,
          ctx.org.childRows(node.plan.object.name, node.parentField, String(row.Id), { includeDeleted: ctx.options.includeDeleted }),
        );
        const { plan } = node;
        const childCursor = ctx.options.childCursor;
        if (children.length === 0) record[node.key] = null;
        else if (childCursor === undefined || children.length <= CHILD_BATCH) {
          record[node.key] = { totalSize: children.length, done: true, records: children.map((child) => project(ctx, plan.nodes, child, plan.object.name)) };
        } else {
          const run: QueryRun = {
            totalSize: children.length,
            size: children.length,
            recordAt: (index) => project(ctx, plan.nodes, children[index] ?? { Id: null }, plan.object.name),
          };
          record[node.key] = {
            totalSize: children.length,
            done: false,
            nextRecordsUrl: childCursor(run),
            records: children.slice(0, CHILD_BATCH).map((child) => project(ctx, plan.nodes, child, plan.object.name)),
          };
        }
        break;
      }
      case 'typeof': {
        const id = row[node.refField];
        const parent = id === null || id === undefined ? undefined : ctx.org.findById(String(id));
        if (parent === undefined) {
          record[node.key] = null;
          break;
        }
        const schema = ctx.index.object(parent.objectName);
        const names = node.byType.get(parent.objectName.toLowerCase()) ?? node.otherwise;
        const nested: OutputNode[] = names.map((name) => {
          const exact = schema === undefined ? name : (ctx.index.field(schema, name)?.name ?? name);
          return { kind: 'field', key: exact, name: exact };
        });
        record[node.key] = project(ctx, nested, parent.row, parent.objectName);
        break;
      }
    }
  }
  return record;
}

// ---------------------------------------------------------------------------------------------------------------------
// Aggregate queries

type Group = { values: FieldValue[]; rows: RecordRow[] };

type GroupItem = { lower: string; key: string; get: Getter<RecordRow>; type: FieldType };

type AggregateColumn =
  | { kind: 'group'; key: string; index: number }
  | { kind: 'aggregate'; key: string; compute: (rows: RecordRow[]) => FieldValue };

function aggregateOf(
  ctx: Context,
  scope: Scope,
  fn: FunctionExp,
  offset: number,
): { compute: (rows: RecordRow[]) => FieldValue; type: FieldType } {
  const name = (fn.functionName ?? '').toUpperCase();
  const raw = functionParameter(fn);
  if (raw === '') {
    if (name !== 'COUNT') fail(ctx, 'MALFORMED_QUERY', offset, `unexpected token: ')'`);
    return { compute: (rows) => rows.length, type: 'int' };
  }
  const path = resolvePath(ctx, scope, raw, offset);
  const get = rowGetter(ctx, path);
  const { field } = path;
  const normalize = normalizerFor(field.type);
  const numeric = field.type === 'int' || field.type === 'double' || field.type === 'currency' || field.type === 'percent';
  const ordered = numeric || field.type === 'date' || field.type === 'datetime' || field.type === 'time' || field.type === 'string' ||
    field.type === 'id' || field.type === 'reference' || field.type === 'picklist' || field.type === 'email' || field.type === 'phone' || field.type === 'url';
  const unsupported = (): never =>
    fail(ctx, 'INVALID_FIELD', offset, `field ${field.name} does not support aggregate operator ${name}`);
  switch (name) {
    case 'COUNT':
      return { compute: (rows) => rows.reduce((count, row) => (get(row) === null ? count : count + 1), 0), type: 'int' };
    case 'COUNT_DISTINCT':
      return {
        compute: (rows) => {
          const seen = new Set<FieldValue>();
          for (const row of rows) {
            const value = get(row);
            if (value !== null) seen.add(normalize(value));
          }
          return seen.size;
        },
        type: 'int',
      };
    case 'SUM':
    case 'AVG': {
      if (!numeric) unsupported();
      const average = name === 'AVG';
      return {
        compute: (rows) => {
          let total = 0;
          let count = 0;
          for (const row of rows) {
            const value = get(row);
            if (value !== null) {
              total += Number(value);
              count++;
            }
          }
          return count === 0 ? null : average ? total / count : total;
        },
        type: 'double',
      };
    }
    case 'MIN':
    case 'MAX': {
      if (!ordered || !field.aggregatable) unsupported();
      const wantMax = name === 'MAX';
      return {
        compute: (rows) => {
          let best: FieldValue = null;
          let bestKey: FieldValue = null;
          for (const row of rows) {
            const value = get(row);
            if (value === null) continue;
            const key = normalize(value) as string | number | boolean;
            if (bestKey === null || (wantMax ? key > bestKey : key < bestKey)) {
              best = value;
              bestKey = key;
            }
          }
          return best;
        },
        type: field.type,
      };
    }
    default:
      return fail(ctx, 'MALFORMED_QUERY', offset, `unexpected token: '${fn.functionName ?? ''}'`);
  }
}

function groupItems(ctx: Context, scope: Scope): GroupItem[] {
  const clauses = scope.query.groupBy === undefined ? [] : Array.isArray(scope.query.groupBy) ? scope.query.groupBy : [scope.query.groupBy];
  const from = clauseOffset(ctx, scope, 'group');
  return clauses.map((clause) => {
    if ('fn' in clause) {
      const raw = functionParameter(clause.fn);
      const offset = wordOffset(ctx, clause.fn.functionName ?? raw, from);
      const path = resolvePath(ctx, scope, raw, offset);
      const { get, type } = withDateFunction(ctx, clause.fn, offset, rowGetter(ctx, path));
      return { lower: `${(clause.fn.functionName ?? '').toLowerCase()}(${path.dotted.toLowerCase()})`, key: '', get, type };
    }
    const offset = wordOffset(ctx, clause.field, from);
    const path = resolvePath(ctx, scope, clause.field, offset);
    if (!path.field.groupable) fail(ctx, 'INVALID_FIELD', offset, `field '${path.field.name}' can not be grouped in a query call`);
    return { lower: path.dotted.toLowerCase(), key: path.field.name, get: rowGetter(ctx, path), type: path.field.type };
  });
}

function buildGroups(items: GroupItem[], rows: RecordRow[]): Group[] {
  if (items.length === 0) return [{ values: [], rows }];
  const normalizers = items.map((item) => normalizerFor(item.type));
  const groups = new Map<string, Group>();
  for (const row of rows) {
    const values = items.map((item) => item.get(row));
    const key = values.map((value, index) => (value === null ? '\u0000' : String((normalizers[index] as (v: FieldValue) => FieldValue)(value)))).join('\u0001');
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { values, rows: [row] });
    else group.rows.push(row);
  }
  return [...groups.values()];
}

function runAggregate(ctx: Context, scope: Scope): QueryRun {
  checkLimits(ctx, scope);
  const items = groupItems(ctx, scope);
  const selectFrom = clauseOffset(ctx, scope, 'select');
  const columns: AggregateColumn[] = [];
  let expression = 0;
  const groupIndex = (lower: string, offset: number, shown: string): number => {
    const index = items.findIndex((item) => item.lower === lower);
    if (index === -1) fail(ctx, 'MALFORMED_QUERY', offset, `Field must be grouped or aggregated: ${shown}`);
    return index;
  };
  for (const field of scope.query.fields ?? []) {
    if (field.type === 'Field' || field.type === 'FieldRelationship') {
      const raw = fieldRaw(field);
      const offset = wordOffset(ctx, raw, selectFrom);
      const path = resolvePath(ctx, scope, raw, offset);
      const alias = 'alias' in field && typeof field.alias === 'string' ? field.alias : undefined;
      columns.push({ kind: 'group', key: alias ?? path.field.name, index: groupIndex(path.dotted.toLowerCase(), offset, path.field.name) });
    } else if (field.type === 'FieldFunctionExpression') {
      const offset = wordOffset(ctx, field.functionName, selectFrom);
      const name = field.functionName.toUpperCase();
      const key = field.alias ?? `expr${expression++}`;
      if (AGGREGATES.has(name)) {
        columns.push({ kind: 'aggregate', key, compute: aggregateOf(ctx, scope, field, offset).compute });
      } else if (DATE_FUNCTIONS[name] !== undefined) {
        const path = resolvePath(ctx, scope, functionParameter(field), offset);
        columns.push({ kind: 'group', key, index: groupIndex(`${name.toLowerCase()}(${path.dotted.toLowerCase()})`, offset, field.rawValue ?? name) });
      } else {
        fail(ctx, 'MALFORMED_QUERY', offset, `unexpected token: '${field.functionName}'`);
      }
    } else {
      fail(ctx, 'MALFORMED_QUERY', selectFrom, 'Nested queries are not supported in aggregate queries');
    }
  }
  const predicate = compileWhere(ctx, scope);
  const matched: RecordRow[] = [];
  for (const row of ctx.org.rows(scope.object.name, { includeDeleted: ctx.options.includeDeleted })) {
    if (predicate === null || predicate(row)) matched.push(row);
  }
  let groups = buildGroups(items, matched);
  const groupOperand = (fn: FunctionExp | undefined, raw: string | undefined, from: number): Operand<Group> => {
    if (fn !== undefined) {
      const offset = wordOffset(ctx, fn.functionName ?? '', from);
      const dateFunction = DATE_FUNCTIONS[(fn.functionName ?? '').toUpperCase()];
      if (dateFunction !== undefined) {
        const path = resolvePath(ctx, scope, functionParameter(fn), offset);
        const index = groupIndex(`${(fn.functionName ?? '').toLowerCase()}(${path.dotted.toLowerCase()})`, offset, fn.rawValue ?? '');
        return { get: (group) => group.values[index] ?? null, type: dateFunction.type, name: fn.rawValue ?? '', offset };
      }
      const { compute, type } = aggregateOf(ctx, scope, fn, offset);
      return { get: (group) => compute(group.rows), type, name: fn.rawValue ?? fn.functionName ?? '', offset };
    }
    const offset = wordOffset(ctx, raw ?? '', from);
    const path = resolvePath(ctx, scope, raw ?? '', offset);
    const index = groupIndex(path.dotted.toLowerCase(), offset, path.field.name);
    return { get: (group) => group.values[index] ?? null, type: path.field.type, name: path.field.name, offset };
  };
  if (scope.query.having !== undefined) {
    const from = clauseOffset(ctx, scope, 'having');
    const positions = { clause: from, operators: logicalOperatorOffsets(ctx.tokens, from) };
    const having = compilePredicate<Group>(conditionTree(scope.query.having, ctx.soql, positions), {
      soql: ctx.soql,
      now: ctx.options.now,
      operand: (condition) =>
        'fn' in condition ? groupOperand(condition.fn, undefined, from) : groupOperand(undefined, (condition as { field: string }).field, from),
      semiJoin: () => fail(ctx, 'MALFORMED_QUERY', from, 'Semi join sub-selects are not allowed in HAVING'),
    });
    groups = groups.filter(having);
  }
  const clauses = orderClauses(scope.query);
  if (clauses.length > 0) {
    const from = clauseOffset(ctx, scope, 'order');
    groups = makeSorter<Group>(
      clauses.map((clause) => {
        const operand = 'fn' in clause ? groupOperand(clause.fn, undefined, from) : groupOperand(undefined, clause.field, from);
        return { get: operand.get, type: operand.type, ...sortDirection(clause) };
      }),
    )(groups);
  }
  const offset = scope.query.offset ?? 0;
  if (offset > 0 || scope.query.limit !== undefined) {
    groups = groups.slice(offset, scope.query.limit === undefined ? undefined : offset + scope.query.limit);
  }
  const records = groups.map((group) => {
    const record: SoqlRecord = { attributes: { type: 'AggregateResult' } };
    for (const column of columns) {
      record[column.key] = column.kind === 'group' ? (group.values[column.index] ?? null) : column.compute(group.rows);
    }
    return record;
  });
  return { totalSize: records.length, size: records.length, recordAt: (index) => records[index] ?? {} };
}

// ---------------------------------------------------------------------------------------------------------------------
// Entry points

function isAggregateQuery(query: Query): boolean {
  if (query.groupBy !== undefined) return true;
  return (query.fields ?? []).some(
    (field) => field.type === 'FieldFunctionExpression' && AGGREGATES.has(field.functionName.toUpperCase()),
  );
}

function isCountOnly(query: Query): boolean {
  const [only, ...rest] = query.fields ?? [];
  return (
    rest.length === 0 &&
    only?.type === 'FieldFunctionExpression' &&
    only.functionName.toUpperCase() === 'COUNT' &&
    only.parameters.length === 0 &&
    query.groupBy === undefined
  );
}

function prepare(org: OrgData, soql: string, options: SoqlOptions): { ctx: Context; query: Query; scope: Scope } {
  const query = parseSoql(soql);
  const ctx: Context = { org, index: createSchemaIndex(org), soql, tokens: tokenizeSoql(soql), options, urlBase: apiPath(options.apiVersion) };
  const object = ctx.index.object(query.sObject ?? '');
  // A platform event (queryable false) cannot be queried either. [INF] that it gets the unknown-object text.
  if (object === undefined || !object.queryable) {
    fail(ctx, 'INVALID_TYPE', offsetOfWord(soql, query.sObject ?? '', { afterKeyword: 'from' }), NOT_SUPPORTED_TYPE(query.sObject ?? ''));
  }
  return { ctx, query, scope: { object, alias: query.sObjectAlias, query, from: 0 } };
}

/** IN-lists of at least this many ids are read through the id index instead of a scan (smaller ones keep the scan's order). */
const INDEXED_ID_LIST = 100;

/**
 * The rows a query must look at: for a WHERE that is only `Id IN (<many ids>)`, the rows of those ids (found by id, as a real
 * org uses its index: in list order), else every row of the object. The WHERE predicate is applied to them either way.
 */
function candidateRows(org: OrgData, scope: Scope, includeDeleted: boolean): Iterable<RecordRow> {
  const all = org.rows(scope.object.name, { includeDeleted });
  const where = scope.query.where as { left?: Record<string, unknown>; right?: unknown; operator?: unknown } | undefined;
  const left = where?.left;
  if (where === undefined || where.right !== undefined || where.operator !== undefined || left === undefined) return all;
  if (Object.keys(left).some((key) => !['field', 'operator', 'literalType', 'value'].includes(key))) return all;
  if (String(left.field).toLowerCase() !== 'id' || left.operator !== 'IN' || left.literalType !== 'STRING' || !Array.isArray(left.value)) return all;
  const values = left.value as unknown[];
  if (values.length < INDEXED_ID_LIST) return all;
  const seen = new Set<RecordRow>();
  for (const value of values) {
    const hit = org.findById(String(value).replace(/^'|'$/g, ''));
    if (hit !== undefined && hit.objectName === scope.object.name && (includeDeleted || hit.row.IsDeleted !== true)) seen.add(hit.row);
  }
  return seen;
}

/** Parses, validates and runs a query, keeping the matching rows so pages can be projected on demand. */
export function runSoql(org: OrgData, soql: string, options: SoqlOptions): QueryRun {
  const { ctx, query, scope } = prepare(org, soql, options);
  if (isCountOnly(query)) {
    checkLimits(ctx, scope);
    const predicate = compileWhere(ctx, scope);
    let count = 0;
    for (const row of org.rows(scope.object.name, { includeDeleted: options.includeDeleted })) {
      if (predicate === null || predicate(row)) count++;
    }
    const total = Math.max(0, Math.min(count - (query.offset ?? 0), query.limit ?? Number.POSITIVE_INFINITY));
    return { totalSize: total, size: 0, recordAt: () => ({}) };
  }
  if (isAggregateQuery(query)) return runAggregate(ctx, scope);
  const plan = compileRecordsPlan(ctx, scope, clauseOffset(ctx, scope, 'select'));
  const rows = selectRows(plan, candidateRows(org, scope, options.includeDeleted));
  const childKeys = plan.nodes.flatMap((node) => (node.kind === 'child' ? [node.key] : []));
  return {
    totalSize: rows.length,
    size: rows.length,
    recordAt: (index) => project(ctx, plan.nodes, rows[index] ?? { Id: null }, scope.object.name),
    ...(childKeys.length === 0 ? {} : { childKeys }),
  };
}

/** Runs a SOQL query against the org and returns the whole REST-shaped result, or throws a SoqlError. */
export function executeSoql(org: OrgData, soql: string, options: SoqlOptions): SoqlResult {
  const run = runSoql(org, soql, options);
  const records: SoqlRecord[] = new Array<SoqlRecord>(run.size);
  for (let i = 0; i < run.size; i++) records[i] = run.recordAt(i);
  return { totalSize: run.totalSize, done: true, records };
}

/** The constructs of a query that Bulk API 2.0 query jobs reject (salesforce-api.md 5), in the order they appear. */
export function bulkUnsupportedConstructs(soql: string): string[] {
  const query = parseSoql(soql);
  const found: string[] = [];
  const fields = query.fields ?? [];
  if (fields.some((field) => field.type === 'FieldSubquery')) found.push('parent-to-child subqueries');
  if (fields.some((field) => field.type === 'FieldTypeof')) found.push('TYPEOF');
  if (fields.some((field) => field.type === 'FieldFunctionExpression' && AGGREGATES.has(field.functionName.toUpperCase()))) {
    found.push('aggregate functions');
  }
  if (query.groupBy !== undefined) found.push('GROUP BY');
  if (query.offset !== undefined) found.push('OFFSET');
  return found;
}

/**
 * Runs a query for Bulk API 2.0: columns are dotted parent paths in SELECT order with the schema's case
 * (`Account.Name`), a null parent gives null cells. Throws MALFORMED_QUERY for constructs Bulk rejects.
 */
export function executeSoqlRows(org: OrgData, soql: string, options: SoqlOptions): SoqlRows {
  const unsupported = bulkUnsupportedConstructs(soql);
  if (unsupported.length > 0) {
    throw new SoqlError('MALFORMED_QUERY', `Bulk API 2.0 query jobs do not support ${unsupported.join(', ')}`);
  }
  const { ctx, scope } = prepare(org, soql, options);
  const from = clauseOffset(ctx, scope, 'select');
  const columns: string[] = [];
  const getters: Getter<RecordRow>[] = [];
  const add = (path: ResolvedPath): void => {
    columns.push(path.dotted);
    getters.push(rowGetter(ctx, path));
  };
  for (const field of scope.query.fields ?? []) {
    if (field.type === 'Field' || field.type === 'FieldRelationship') {
      const raw = fieldRaw(field);
      add(resolvePath(ctx, scope, raw, wordOffset(ctx, raw, from)));
    } else if (field.type === 'FieldFunctionExpression') {
      const offset = wordOffset(ctx, field.functionName, from);
      if (field.functionName.toUpperCase() === 'FIELDS') {
        for (const schemaField of expandFields(ctx, scope, field, offset)) add({ hops: [], field: schemaField, dotted: schemaField.name });
      } else {
        add(resolvePath(ctx, scope, functionParameter(field), offset));
      }
    }
  }
  const plan: RecordsPlan = {
    object: scope.object,
    nodes: [],
    predicate: compileWhere(ctx, scope),
    sorter: compileRowSorter(ctx, scope),
    limit: scope.query.limit,
    offset: 0,
  };
  const selected = selectRows(plan, candidateRows(org, scope, options.includeDeleted));
  return {
    object: scope.object.name,
    columns,
    rows: {
      *[Symbol.iterator]() {
        for (const row of selected) yield getters.map((get) => get(row));
      },
    },
  };
}

/** What `?explain=` needs to know about a query without running its projection: object, filters and row counts. */
export type QueryShape = { object: ObjectSchema; filterFields: FieldSchema[]; matched: number; total: number };

/** Validates a query and measures it for an explain plan: the filtered fields of its WHERE and how many rows match. */
export function describeQuery(org: OrgData, soql: string, options: SoqlOptions): QueryShape {
  const { ctx, query, scope } = prepare(org, soql, options);
  // Validate the whole query (fields, subqueries, ORDER BY) so explain refuses what a query would refuse.
  if (isAggregateQuery(query) && !isCountOnly(query)) runAggregate(ctx, scope);
  else if (!isCountOnly(query)) compileRecordsPlan(ctx, scope, clauseOffset(ctx, scope, 'select'));
  const filterFields: FieldSchema[] = [];
  const predicate =
    scope.query.where === undefined
      ? null
      : compilePredicate<RecordRow>(conditionTree(scope.query.where, soql), {
          soql,
          now: options.now,
          operand: (condition) => {
            const operand = rowOperand(ctx, scope, condition, clauseOffset(ctx, scope, 'where'));
            const raw = 'field' in condition ? condition.field : '';
            const path = raw === '' ? undefined : resolvePath(ctx, scope, raw, operand.offset);
            if (path !== undefined && path.hops.length === 0) filterFields.push(path.field);
            return operand;
          },
          semiJoin: (condition) => semiJoinValues(ctx, scope, condition),
        });
  let matched = 0;
  let total = 0;
  for (const row of org.rows(scope.object.name, { includeDeleted: options.includeDeleted })) {
    total++;
    if (predicate === null || predicate(row)) matched++;
  }
  return { object: scope.object, filterFields, matched, total };
}
