import { isDateLiteral, isFunctionName, isKeyword, tokenizeSoql, type SoqlToken } from './soql-tokens';

/** The clause a position of a SOQL statement belongs to. */
export type ClauseKind =
  | 'select'
  | 'from'
  | 'where'
  | 'with'
  | 'groupBy'
  | 'having'
  | 'orderBy'
  | 'limit'
  | 'offset'
  | 'for'
  | 'using'
  | 'none';

/**
 * Where a scope's rows come from: a top-level object (the statement, or a semi-join `IN (SELECT … FROM Contact)`), or a
 * child relationship of the enclosing scope's object (`(SELECT … FROM Contacts)` inside SELECT).
 */
export type ObjectRef = { kind: 'object'; name: string } | { kind: 'child'; parent: ObjectRef; relationship: string };

/** A token of a scope, or a nested subquery standing in for its tokens. */
type ScopeItem = (SoqlToken & { depth: number; clause: ClauseKind }) | { kind: 'subquery'; scope: SoqlScope; start: number; end: number; depth: number; clause: ClauseKind; text: string };

/** One SELECT statement: the whole text, or a parenthesised subquery. */
export type SoqlScope = {
  kind: 'root' | 'child' | 'semijoin';
  /** Offset of the SELECT keyword (or 0 for a root without one). */
  start: number;
  /** Offset of the closing parenthesis, or the end of the text when the subquery is still open. */
  end: number;
  parent: SoqlScope | null;
  /** The token naming the object or child relationship after FROM, if typed. */
  from: SoqlToken | null;
  /** The alias after the object (`FROM Account a`), if any. */
  alias: string | null;
  /** This scope's tokens in order, with nested subqueries folded into single items; depth counts parentheses inside the scope. */
  items: ScopeItem[];
  children: SoqlScope[];
};

/** The statement structure: its root scope and every subquery. */
export type SoqlStructure = { text: string; tokens: SoqlToken[]; root: SoqlScope; scopes: SoqlScope[] };

const clauseStarters: Record<string, ClauseKind> = {
  SELECT: 'select',
  FROM: 'from',
  WHERE: 'where',
  WITH: 'with',
  GROUP: 'groupBy',
  HAVING: 'having',
  ORDER: 'orderBy',
  LIMIT: 'limit',
  OFFSET: 'offset',
  FOR: 'for',
  USING: 'using',
};

/** Reads the scopes (statement and subqueries), their clauses and FROM targets out of SOQL text. Never throws. */
export function analyzeSoql(text: string): SoqlStructure {
  const tokens = tokenizeSoql(text);
  const root: SoqlScope = { kind: 'root', start: 0, end: text.length, parent: null, from: null, alias: null, items: [], children: [] };
  const scopes: SoqlScope[] = [root];
  type Frame = { scope: SoqlScope; depth: number; clause: ClauseKind; lastWasFrom: boolean };
  const stack: Frame[] = [{ scope: root, depth: 0, clause: 'none', lastWasFrom: false }];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    const frame = stack[stack.length - 1]!;
    const next = tokens[i + 1];
    if (token.kind === 'lparen' && next !== undefined && next.kind === 'ident' && next.text.toUpperCase() === 'SELECT') {
      const kind = frame.clause === 'select' ? 'child' : 'semijoin';
      const scope: SoqlScope = { kind, start: next.start, end: text.length, parent: frame.scope, from: null, alias: null, items: [], children: [] };
      frame.scope.children.push(scope);
      frame.scope.items.push({ kind: 'subquery', scope, start: token.start, end: text.length, depth: frame.depth, clause: frame.clause, text: '(' });
      scopes.push(scope);
      stack.push({ scope, depth: 0, clause: 'none', lastWasFrom: false });
      continue;
    }
    if (token.kind === 'rparen' && frame.depth === 0 && stack.length > 1) {
      frame.scope.end = token.start;
      stack.pop();
      const parent = stack[stack.length - 1]!;
      const folded = parent.scope.items[parent.scope.items.length - 1];
      if (folded !== undefined && folded.kind === 'subquery') folded.end = token.end;
      continue;
    }
    if (token.kind === 'ident' && frame.depth === 0) {
      const starter = clauseStarters[token.text.toUpperCase()];
      if (starter === 'from' && stack.length > 1 && frame.scope.from !== null) {
        // A second FROM in a subquery means its parenthesis was left open: close it here and let the parent read on.
        frame.scope.end = token.start;
        stack.pop();
        i -= 1;
        continue;
      }
      if (starter !== undefined) {
        frame.clause = starter;
        if (starter === 'select' && frame.scope.kind === 'root' && frame.scope.items.length === 0) frame.scope.start = token.start;
        frame.scope.items.push({ ...token, depth: frame.depth, clause: starter });
        frame.lastWasFrom = starter === 'from';
        continue;
      }
      if (frame.clause === 'from') {
        if (frame.lastWasFrom && frame.scope.from === null) {
          frame.scope.from = token;
        } else if (frame.scope.from !== null && frame.scope.alias === null && !isKeyword(token.text) && frame.scope.items.at(-1)?.start === frame.scope.from.start) {
          frame.scope.alias = token.text;
        }
      }
    }
    frame.lastWasFrom = false;
    if (token.kind === 'lparen') {
      frame.scope.items.push({ ...token, depth: frame.depth, clause: frame.clause });
      frame.depth += 1;
      continue;
    }
    if (token.kind === 'rparen') {
      frame.depth = Math.max(0, frame.depth - 1);
      frame.scope.items.push({ ...token, depth: frame.depth, clause: frame.clause });
      continue;
    }
    frame.scope.items.push({ ...token, depth: frame.depth, clause: frame.clause });
  }
  return { text, tokens, root, scopes };
}

/** The object reference a scope reads from, or null while its FROM is not typed. */
export function scopeObject(scope: SoqlScope): ObjectRef | null {
  if (scope.from === null) return null;
  const name = scope.from.text.replace(/\.$/, '');
  if (scope.kind === 'child' && scope.parent !== null) {
    const parentRef = scopeObject(scope.parent);
    if (parentRef === null) return null;
    const segments = name.split('.');
    return { kind: 'child', parent: parentRef, relationship: segments[segments.length - 1]! };
  }
  return { kind: 'object', name };
}

/** The innermost scope that contains an offset. */
function scopeAt(structure: SoqlStructure, offset: number): SoqlScope {
  let best = structure.root;
  for (const scope of structure.scopes) {
    if (scope.kind === 'root') continue;
    const opens = scope.start - 1;
    if (offset > opens && offset <= scope.end && scope.end - scope.start <= best.end - best.start) best = scope;
  }
  return best;
}

/** What the cursor expects next, as completion needs to know it. */
type Expectation =
  | { kind: 'object' }
  | { kind: 'childRelationship' }
  | { kind: 'field'; path: string[]; clause: ClauseKind }
  | { kind: 'value'; field: string[]; operator: string; inString: boolean }
  | { kind: 'operator'; field: string[] }
  | { kind: 'keyword'; clause: ClauseKind }
  | { kind: 'none' };

/** The scope, clause and expectation at a cursor, with the range completion replaces. */
export type CursorContext = {
  scope: SoqlScope;
  object: ObjectRef | null;
  clause: ClauseKind;
  expect: Expectation;
  /** The text already typed of the segment being completed (after the last dot), lowercased comparisons use it. */
  partial: string;
  /** Offsets that a chosen completion replaces. */
  replaceStart: number;
  replaceEnd: number;
};

type TokenItem = SoqlToken & { depth: number; clause: ClauseKind };

function isTokenItem(item: ScopeItem | undefined): item is TokenItem {
  return item !== undefined && item.kind !== 'subquery';
}

/** Strips the object name or alias a field path may start with (`Account.Name` FROM Account, `a.Name` FROM Account a). */
export function stripScopePrefix(scope: SoqlScope, segments: string[], relationshipNames: ReadonlySet<string>): string[] {
  if (segments.length < 2) return segments;
  const first = segments[0]!.toLowerCase();
  if (relationshipNames.has(first)) return segments;
  const from = scope.from?.text.replace(/\.$/, '').split('.').pop()?.toLowerCase();
  if (first === from || (scope.alias !== null && first === scope.alias.toLowerCase())) return segments.slice(1);
  return segments;
}

const comparison = new Set(['=', '!=', '<>', '<', '<=', '>', '>=']);
const listOperators = new Set(['IN', 'INCLUDES', 'EXCLUDES']);

/** Reads the cursor's scope, clause and what it expects. `offset` is a character offset into `text`. */
export function contextAt(text: string, offset: number): CursorContext {
  const structure = analyzeSoql(text);
  const scope = scopeAt(structure, offset);
  const object = scopeObject(scope);
  const before = scope.items.filter((item) => item.start < offset);
  let current = before[before.length - 1];
  let partial = '';
  let replaceStart = offset;
  let replaceEnd = offset;
  let typedPath: string[] = [];
  let inString = false;
  if (isTokenItem(current) && current.end >= offset && (current.kind === 'ident' || current.kind === 'string')) {
    if (current.kind === 'string') {
      inString = true;
      partial = current.text.slice(1, offset - current.start).replace(/'$/, '');
      replaceStart = current.start;
      replaceEnd = current.end;
    } else {
      const typed = current.text.slice(0, offset - current.start);
      const segments = typed.split('.');
      partial = segments.pop() ?? '';
      typedPath = segments;
      replaceStart = offset - partial.length;
      const rest = current.text.slice(offset - current.start);
      const restSegment = /^[A-Za-z0-9_]*/.exec(rest)?.[0] ?? '';
      replaceEnd = offset + restSegment.length;
    }
    before.pop();
  } else {
    current = undefined;
  }
  const clause = clauseOfBefore(before);
  const base = { scope, object, clause, partial, replaceStart, replaceEnd };
  return { ...base, expect: expectationFor(scope, before, clause, typedPath, inString, current !== undefined) };
}

function clauseOfBefore(before: ScopeItem[]): ClauseKind {
  for (let i = before.length - 1; i >= 0; i -= 1) {
    const item = before[i]!;
    if (item.kind === 'ident' && item.depth === 0 && clauseStarters[item.text.toUpperCase()] === item.clause) return item.clause;
  }
  return 'none';
}

function expectationFor(
  scope: SoqlScope,
  before: ScopeItem[],
  clause: ClauseKind,
  typedPath: string[],
  inString: boolean,
  typingWord: boolean,
): Expectation {
  const prev = before[before.length - 1];
  const prevUpper = isTokenItem(prev) && prev.kind === 'ident' ? prev.text.toUpperCase() : '';
  const fieldExpect = (): Expectation => ({ kind: 'field', path: typedPath, clause });
  const value = valueContext(before);
  if (value !== null && (inString || typingWord || prev?.kind === 'op' || prev?.kind === 'lparen' || prev?.kind === 'comma' || listOperators.has(prevUpper) || prevUpper === 'LIKE')) {
    return { kind: 'value', field: value.field, operator: value.operator, inString };
  }
  if (inString) return { kind: 'none' };
  switch (clause) {
    case 'select':
      if (prevUpper === 'SELECT' || prev?.kind === 'comma' || prev?.kind === 'lparen' || typedPath.length > 0) return fieldExpect();
      return { kind: 'keyword', clause };
    case 'from':
      if (prevUpper === 'FROM') return scope.kind === 'child' ? { kind: 'childRelationship' } : { kind: 'object' };
      return { kind: 'keyword', clause };
    case 'where':
    case 'having': {
      if (prev === undefined || ['WHERE', 'HAVING', 'AND', 'OR', 'NOT'].includes(prevUpper) || prev.kind === 'lparen') return fieldExpect();
      if (typedPath.length > 0) return fieldExpect();
      if (isTokenItem(prev) && prev.kind === 'ident' && !isKeyword(prev.text) && !isDateLiteral(prev.text) && !isValuePosition(before, before.length - 1)) {
        return { kind: 'operator', field: prev.text.replace(/\.$/, '').split('.') };
      }
      return { kind: 'keyword', clause };
    }
    case 'groupBy':
    case 'orderBy':
      if (prevUpper === 'BY' || prev?.kind === 'comma' || typedPath.length > 0) return fieldExpect();
      return { kind: 'keyword', clause };
    case 'none':
      return { kind: 'keyword', clause };
    default:
      return { kind: 'keyword', clause };
  }
}

/** Whether the item at index is a value on the right of an operator (so not a field). */
function isValuePosition(items: ScopeItem[], index: number): boolean {
  const prev = items[index - 1];
  if (prev === undefined) return false;
  if (prev.kind === 'op') return true;
  if (isTokenItem(prev) && prev.kind === 'ident' && prev.text.toUpperCase() === 'LIKE') return true;
  return valueContext(items.slice(0, index)) !== null && (prev.kind === 'lparen' || prev.kind === 'comma');
}

/**
 * When the items end inside a value position (`Field = `, `Field IN ('a', `, `Field LIKE `), the field on the left and
 * the operator; null otherwise.
 */
function valueContext(items: ScopeItem[]): { field: string[]; operator: string } | null {
  const last = items[items.length - 1];
  if (last === undefined) return null;
  const fieldBefore = (index: number): string[] | null => {
    const item = items[index];
    if (!isTokenItem(item) || item.kind !== 'ident' || isKeyword(item.text)) return null;
    return item.text.replace(/\.$/, '').split('.');
  };
  if (last.kind === 'op' && comparison.has(last.text)) {
    const field = fieldBefore(items.length - 2);
    return field === null ? null : { field, operator: last.text };
  }
  if (isTokenItem(last) && last.kind === 'ident' && last.text.toUpperCase() === 'LIKE') {
    const field = fieldBefore(items.length - 2);
    return field === null ? null : { field, operator: 'LIKE' };
  }
  if (isTokenItem(last) && last.kind === 'ident' && listOperators.has(last.text.toUpperCase())) {
    const notShift = isTokenItem(items[items.length - 2]) && (items[items.length - 2] as TokenItem).text.toUpperCase() === 'NOT' ? 1 : 0;
    const field = fieldBefore(items.length - 2 - notShift);
    return field === null ? null : { field, operator: last.text.toUpperCase() };
  }
  // Inside a list: walk back to the opening parenthesis of `IN (`.
  let depth = 0;
  for (let i = items.length - 1; i >= 0; i -= 1) {
    const item = items[i]!;
    if (item.kind === 'rparen') depth += 1;
    else if (item.kind === 'lparen') {
      if (depth === 0) {
        const op = items[i - 1];
        if (isTokenItem(op) && op.kind === 'ident' && listOperators.has(op.text.toUpperCase())) {
          const notShift = isTokenItem(items[i - 2]) && (items[i - 2] as TokenItem).text.toUpperCase() === 'NOT' ? 1 : 0;
          const field = fieldBefore(i - 2 - notShift);
          return field === null ? null : { field, operator: op.text.toUpperCase() };
        }
        return null;
      }
      depth -= 1;
    } else if (item.kind === 'ident' && depth === 0 && ['AND', 'OR', 'WHERE', 'HAVING'].includes(item.text.toUpperCase())) {
      return null;
    }
  }
  return null;
}

/** A field reference found in a scope: the token, its clause, and its dotted segments. */
export type FieldReference = { start: number; end: number; text: string; segments: string[]; clause: ClauseKind };

/** The field references of a scope (SELECT, WHERE, GROUP BY, ORDER BY, HAVING), skipping keywords, functions, values, aliases and TYPEOF blocks. */
export function fieldReferences(scope: SoqlScope): FieldReference[] {
  const refs: FieldReference[] = [];
  const items = scope.items;
  let inTypeof = false;
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i]!;
    if (!isTokenItem(item) || item.kind !== 'ident') continue;
    const upper = item.text.toUpperCase();
    if (upper === 'TYPEOF') inTypeof = true;
    if (inTypeof) {
      if (upper === 'END') inTypeof = false;
      continue;
    }
    if (!['select', 'where', 'groupBy', 'orderBy', 'having'].includes(item.clause)) continue;
    if (isKeyword(item.text) || isDateLiteral(item.text)) continue;
    const next = items[i + 1];
    if (next?.kind === 'lparen' && isFunctionName(item.text)) continue;
    const prev = items[i - 1];
    if (prev?.kind === 'colon') continue;
    if (item.clause === 'select' && (prev?.kind === 'rparen' || (isTokenItem(prev) && prev.kind === 'ident' && !isKeyword(prev.text)))) continue;
    if ((item.clause === 'where' || item.clause === 'having') && isValuePosition(items, i)) continue;
    const text = item.text.replace(/\.$/, '');
    refs.push({ start: item.start, end: item.start + text.length, text, segments: text.split('.'), clause: item.clause });
  }
  return refs;
}
