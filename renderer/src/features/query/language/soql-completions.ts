import type { FieldInfo, ObjectInfo } from '../../../../../shared/ipc/contract';
import { contextAt, scopeObject, stripScopePrefix, type ClauseKind, type CursorContext } from './soql-context';
import { findField, guessChildObject, relationshipNames, resolveObjectRef, walkRelationships, type SchemaCatalog } from './soql-schema';
import { DATE_LITERALS, DATE_N_LITERALS, SOQL_FUNCTIONS } from './soql-tokens';

/** What a completion item stands for; the editor maps it to an icon. */
export type CompletionKind =
  | 'object'
  | 'field'
  | 'relationship'
  | 'childRelationship'
  | 'subquery'
  | 'picklist'
  | 'value'
  | 'dateLiteral'
  | 'operator'
  | 'keyword'
  | 'function';

/**
 * One completion, Monaco-free: the text to insert over `[replaceStart, replaceEnd)`; `snippet` when insertText uses
 * `${1}` placeholders; `retrigger` when the editor should suggest again right away (after `Owner.`).
 */
export type SoqlCompletion = {
  label: string;
  kind: CompletionKind;
  insertText: string;
  detail: string;
  sortText: string;
  replaceStart: number;
  replaceEnd: number;
  snippet: boolean;
  retrigger: boolean;
};

type Draft = Omit<SoqlCompletion, 'replaceStart' | 'replaceEnd' | 'snippet' | 'retrigger' | 'sortText'> &
  Partial<Pick<SoqlCompletion, 'snippet' | 'retrigger'>> & { rank: number };

const nextClauses: Record<ClauseKind, string[]> = {
  none: ['SELECT'],
  select: ['FROM'],
  from: ['WHERE', 'WITH SECURITY_ENFORCED', 'GROUP BY', 'ORDER BY', 'LIMIT', 'OFFSET', 'FOR VIEW', 'FOR UPDATE', 'USING SCOPE'],
  where: ['AND', 'OR', 'NOT', 'GROUP BY', 'ORDER BY', 'LIMIT', 'OFFSET'],
  with: ['GROUP BY', 'ORDER BY', 'LIMIT'],
  groupBy: ['HAVING', 'ORDER BY', 'LIMIT', 'ROLLUP', 'CUBE'],
  having: ['AND', 'OR', 'ORDER BY', 'LIMIT'],
  orderBy: ['ASC', 'DESC', 'NULLS FIRST', 'NULLS LAST', 'LIMIT', 'OFFSET'],
  limit: ['OFFSET', 'FOR VIEW', 'FOR UPDATE'],
  offset: ['FOR VIEW', 'FOR UPDATE'],
  for: ['VIEW', 'REFERENCE', 'UPDATE'],
  using: ['SCOPE'],
};

const operators = ['=', '!=', '<', '<=', '>', '>=', 'LIKE', 'IN', 'NOT IN', 'INCLUDES', 'EXCLUDES'];

/** Completions at a cursor offset of SOQL text, from the org's schema; never throws, an unknown object yields no fields. */
export async function completeSoql(text: string, offset: number, catalog: SchemaCatalog): Promise<SoqlCompletion[]> {
  const context = contextAt(text, offset);
  const drafts = await draftsFor(context, catalog);
  return drafts.map((d) => ({
    label: d.label,
    kind: d.kind,
    insertText: d.insertText,
    detail: d.detail,
    sortText: `${String(d.rank).padStart(2, '0')}${d.label.toLowerCase()}`,
    replaceStart: context.replaceStart,
    replaceEnd: context.replaceEnd,
    snippet: d.snippet ?? false,
    retrigger: d.retrigger ?? false,
  }));
}

async function draftsFor(context: CursorContext, catalog: SchemaCatalog): Promise<Draft[]> {
  const expect = context.expect;
  switch (expect.kind) {
    case 'object': {
      const objects = await catalog.objects();
      return objects
        .filter((o) => o.queryable)
        .map((o) => ({ label: o.name, kind: 'object', insertText: o.name, detail: o.label, rank: o.custom ? 2 : 1 }));
    }
    case 'childRelationship': {
      const parentRef = context.scope.parent === null ? null : scopeObject(context.scope.parent);
      const parent = parentRef === null ? null : await resolveObjectRef(catalog, parentRef);
      if (parent === null) return [];
      return parent.childRelationships.map((r) => ({
        label: r.relationshipName,
        kind: 'childRelationship',
        insertText: r.relationshipName,
        detail: `${r.childSObject} (by ${r.field})`,
        rank: 1,
      }));
    }
    case 'field': {
      const base = await scopeBase(context, catalog);
      if (base === null) return expect.path.length === 0 ? await unresolvedFieldDrafts(context, catalog) : [];
      const path = stripScopePrefix(context.scope, [...expect.path, 'x'], relationshipNames(base)).slice(0, -1);
      const walked = await walkRelationships(catalog, base, path);
      if (!walked.ok) return [];
      const drafts = fieldDrafts(walked.object, expect.clause);
      if (path.length === 0 && expect.clause === 'select') {
        drafts.push(...functionDrafts());
        if (context.scope.kind === 'root') drafts.push(...subqueryDrafts(base));
      }
      return drafts;
    }
    case 'value': {
      const field = await resolveField(context, catalog, expect.field);
      return field === null ? [] : valueDrafts(field, expect.operator, expect.inString);
    }
    case 'operator': {
      const field = await resolveField(context, catalog, expect.field);
      const isMulti = field?.type === 'multipicklist';
      return operators
        .filter((op) => isMulti || (op !== 'INCLUDES' && op !== 'EXCLUDES'))
        .map((op, i) => ({ label: op, kind: 'operator', insertText: op, detail: 'operator', rank: i < 6 ? 1 : 2 }));
    }
    case 'keyword':
      return keywordDrafts(expect.clause);
    case 'none':
      return [];
  }
}

/**
 * The object whose fields the cursor's scope offers: its FROM resolved through the outer scopes, or, in a subquery whose
 * outer FROM is not typed yet, the object its child relationship's name points to.
 */
async function scopeBase(context: CursorContext, catalog: SchemaCatalog): Promise<ObjectInfo | null> {
  if (context.object !== null) return resolveObjectRef(catalog, context.object);
  const { scope } = context;
  if (scope.kind !== 'child' || scope.from === null) return null;
  return guessChildObject(catalog, scope.from.text.replace(/\.$/, ''));
}

/**
 * Field position in a scope whose object is unknown: keywords, functions and `Id` (every object has it); at the start of
 * a subquery's SELECT whose FROM is missing, one `Id FROM <relationship>` snippet per child relationship of the parent.
 */
async function unresolvedFieldDrafts(context: CursorContext, catalog: SchemaCatalog): Promise<Draft[]> {
  const drafts = keywordDrafts(context.clause);
  // A typed but unknown object (a misspelt FROM) gets keywords only: the diagnostics point at the name.
  if (context.clause !== 'select' || (context.scope.from !== null && context.object !== null)) return drafts;
  drafts.push(...functionDrafts(), idDraft());
  const { scope } = context;
  const before = scope.items.filter((item) => item.start < context.replaceStart);
  const last = before[before.length - 1];
  const atSelect = last !== undefined && last.kind === 'ident' && last.text.toUpperCase() === 'SELECT';
  const parentRef = scope.parent === null ? null : scopeObject(scope.parent);
  if (scope.kind === 'child' && scope.from === null && atSelect && parentRef !== null) {
    const parent = await resolveObjectRef(catalog, parentRef);
    for (const r of parent?.childRelationships ?? []) {
      drafts.push({
        label: `Id FROM ${r.relationshipName}`,
        kind: 'subquery',
        insertText: `Id\${1} FROM ${r.relationshipName}`,
        detail: `child ${r.childSObject} records`,
        rank: 4,
        snippet: true,
      });
    }
  }
  return drafts;
}

function idDraft(): Draft {
  return { label: 'Id', kind: 'field', insertText: 'Id', detail: 'id · Record ID', rank: 0 };
}

async function resolveField(context: CursorContext, catalog: SchemaCatalog, segments: string[]): Promise<FieldInfo | null> {
  const base = await scopeBase(context, catalog);
  if (base === null) return null;
  const path = stripScopePrefix(context.scope, segments, relationshipNames(base));
  const walked = await walkRelationships(catalog, base, path.slice(0, -1));
  if (!walked.ok) return null;
  return findField(walked.object, path[path.length - 1] ?? '') ?? null;
}

function fieldDrafts(object: ObjectInfo, clause: ClauseKind): Draft[] {
  const allowed = (f: FieldInfo): boolean =>
    clause === 'where' ? f.filterable : clause === 'orderBy' ? f.sortable : clause === 'groupBy' ? f.groupable : true;
  const drafts: Draft[] = [];
  for (const f of object.fields) {
    if (!allowed(f)) continue;
    drafts.push({ label: f.name, kind: 'field', insertText: f.name, detail: `${f.type} · ${f.label}`, rank: f.name === 'Id' || f.name === 'Name' ? 0 : 1 });
    if (f.relationshipName !== null && f.referenceTo.length > 0) {
      drafts.push({
        label: `${f.relationshipName}.`,
        kind: 'relationship',
        insertText: `${f.relationshipName}.`,
        detail: `→ ${f.referenceTo.join(' | ')}`,
        rank: 3,
        retrigger: true,
      });
    }
  }
  return drafts;
}

function subqueryDrafts(object: ObjectInfo): Draft[] {
  return object.childRelationships.map((r) => ({
    label: `(SELECT … FROM ${r.relationshipName})`,
    kind: 'subquery',
    insertText: `(SELECT Id\${1} FROM ${r.relationshipName})`,
    detail: `child ${r.childSObject} records`,
    rank: 4,
    snippet: true,
  }));
}

function functionDrafts(): Draft[] {
  return SOQL_FUNCTIONS.map((f) => ({ label: `${f}()`, kind: 'function', insertText: `${f}(\${1})`, detail: 'function', rank: 5, snippet: true }));
}

function keywordDrafts(clause: ClauseKind): Draft[] {
  return (nextClauses[clause] ?? []).map((k, i) => ({ label: k, kind: 'keyword', insertText: k, detail: 'keyword', rank: 10 + Math.min(i, 9) }));
}

const quote = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function valueDrafts(field: FieldInfo, operator: string, inString: boolean): Draft[] {
  const drafts: Draft[] = [];
  if (field.type === 'picklist' || field.type === 'multipicklist' || field.type === 'combobox') {
    for (const p of field.picklistValues) {
      drafts.push({ label: p.value, kind: 'picklist', insertText: quote(p.value), detail: p.label, rank: 0 });
    }
  }
  if (inString) return drafts;
  if (field.type === 'date' || field.type === 'datetime') {
    for (const d of DATE_LITERALS) drafts.push({ label: d, kind: 'dateLiteral', insertText: d, detail: 'date literal', rank: 1 });
    for (const d of DATE_N_LITERALS) {
      drafts.push({ label: `${d}:n`, kind: 'dateLiteral', insertText: `${d}:\${1:7}`, detail: 'date literal', rank: 2, snippet: true });
    }
  }
  if (field.type === 'boolean') {
    drafts.push({ label: 'TRUE', kind: 'value', insertText: 'TRUE', detail: 'boolean', rank: 0 });
    drafts.push({ label: 'FALSE', kind: 'value', insertText: 'FALSE', detail: 'boolean', rank: 0 });
  }
  if (operator === '=' || operator === '!=' || operator === '<>') {
    drafts.push({ label: 'NULL', kind: 'value', insertText: 'NULL', detail: field.nillable ? 'no value' : 'never null on this field', rank: 3 });
  }
  return drafts;
}
