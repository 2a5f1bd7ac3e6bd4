import type {
  ConditionWithValueQuery,
  HavingClause,
  LiteralType,
  ValueQueryCondition,
  WhereClause,
} from '@jetstreamapp/soql-parser-js';
import type { FieldType, FieldValue } from '../org/types';
import { relativeDateRange } from './date-literals';
import { SoqlError, caretMessage } from './soql-error';

/** A boolean expression tree rebuilt from the parser's flat, paren-counted WHERE/HAVING chain. */
export type ConditionNode =
  | { kind: 'and' | 'or'; left: ConditionNode; right: ConditionNode }
  | { kind: 'not'; child: ConditionNode }
  | { kind: 'leaf'; condition: ConditionWithValueQuery };

type Token = '(' | ')' | { op: 'AND' | 'OR' | 'NOT'; index: number } | { leaf: ConditionWithValueQuery };

function flatten(clause: WhereClause | HavingClause | undefined, out: Token[], fail: (index: number, text: string) => never): void {
  let node: WhereClause | HavingClause | undefined = clause;
  let operators = 0;
  while (node !== undefined) {
    const left = node.left;
    if (left !== null) {
      for (let i = 0; i < (left.openParen ?? 0); i++) out.push('(');
      if ('field' in left || 'fn' in left) out.push({ leaf: left });
      const closeParen = 'closeParen' in left ? (left.closeParen ?? 0) : 0;
      for (let i = 0; i < closeParen; i++) out.push(')');
    }
    const next: WhereClause | HavingClause | undefined = 'right' in node ? node.right : undefined;
    if (!('operator' in node) || node.operator === undefined) {
      // soql-parser-js accepts two conditions with no AND/OR between them; a real org rejects the second one.
      if (next !== undefined) fail(-1, (next.left as { field?: string } | null)?.field ?? '<EOF>');
      break;
    }
    out.push({ op: node.operator, index: operators++ });
    node = next;
  }
}

/**
 * Rebuilds the condition tree from a parsed WHERE or HAVING clause, with SOQL's rules rather than SQL precedence: AND and
 * OR may not be mixed without parentheses (`unexpected token: OR`), and NOT may only open a parenthesised expression or
 * the clause. `positions` locate the clause and its AND/OR/NOT words in the text, to place the caret.
 */
export function conditionTree(
  clause: WhereClause | HavingClause,
  soql: string,
  positions: { clause: number; operators: readonly number[] } = { clause: 0, operators: [] },
): ConditionNode {
  const fallbackOffset = soql.trimEnd().length;
  const fail = (index: number, text: string): never => {
    const at = index === -1 ? Math.max(0, soql.indexOf(text, positions.clause)) : (positions.operators[index] ?? fallbackOffset);
    throw new SoqlError('MALFORMED_QUERY', caretMessage(soql, text === '<EOF>' ? fallbackOffset : at, `unexpected token: '${text}'`));
  };
  const tokens: Token[] = [];
  flatten(clause, tokens, fail);
  let position = 0;
  const parseExpression = (): ConditionNode => {
    let left = parseUnary(true);
    let mode: 'AND' | 'OR' | undefined;
    for (;;) {
      const token = tokens[position];
      if (token === undefined || typeof token === 'string' || !('op' in token) || token.op === 'NOT') break;
      if (mode !== undefined && token.op !== mode) fail(token.index, token.op);
      mode = token.op;
      position++;
      const right = parseUnary(false);
      left = { kind: mode === 'AND' ? 'and' : 'or', left, right };
    }
    return left;
  };
  const parseUnary = (allowNot: boolean): ConditionNode => {
    const token = tokens[position++];
    if (token === '(') {
      const inner = parseExpression();
      if (tokens[position++] !== ')') fail(-1, '<EOF>');
      return inner;
    }
    if (token === undefined || token === ')') return fail(-1, '<EOF>');
    if ('op' in token) {
      if (token.op !== 'NOT' || !allowNot) return fail(token.index, token.op);
      return { kind: 'not', child: parseUnary(false) };
    }
    return { kind: 'leaf', condition: token.leaf };
  };
  const tree = parseExpression();
  const rest = tokens[position];
  if (rest !== undefined) fail(typeof rest !== 'string' && 'op' in rest ? rest.index : -1, typeof rest !== 'string' && 'op' in rest ? rest.op : '<EOF>');
  return tree;
}

/** What a condition's left side reads from an item (a row, or a group for HAVING), with its Salesforce type. */
export type Operand<T> = { get: (item: T) => FieldValue; type: FieldType; name: string; offset: number };

/** The hooks a predicate compiler needs from the query being compiled. */
export type ConditionEnv<T> = {
  soql: string;
  now: Date;
  operand(condition: ConditionWithValueQuery): Operand<T>;
  /** Runs a semi-join subquery once and returns the values of its single column. */
  semiJoin(condition: ValueQueryCondition): FieldValue[];
};

type Normalize = (value: FieldValue) => FieldValue;

const TEXT_TYPES = new Set<FieldType>([
  'string', 'picklist', 'multipicklist', 'textarea', 'email', 'phone', 'url', 'combobox', 'encryptedstring', 'anyType', 'base64', 'address', 'location',
]);
const NUMBER_TYPES = new Set<FieldType>(['int', 'double', 'currency', 'percent']);

/** The comparable form of a stored value: lower-case text, 15-character ids, numbers, booleans, date strings. */
export function normalizerFor(type: FieldType): Normalize {
  if (TEXT_TYPES.has(type)) return (value) => String(value).toLowerCase();
  if (type === 'id' || type === 'reference') return (value) => String(value).slice(0, 15);
  if (NUMBER_TYPES.has(type)) return (value) => Number(value);
  if (type === 'boolean') return (value) => value === true || String(value).toLowerCase() === 'true';
  return (value) => String(value);
}

function typeWord(type: FieldType): string {
  switch (type) {
    case 'int':
      return 'integer';
    case 'double':
    case 'currency':
    case 'percent':
      return 'double';
    case 'datetime':
      return 'dateTime';
    default:
      return type;
  }
}

type Literal = { kind: 'null' } | { kind: 'value'; value: FieldValue } | { kind: 'range'; start: string; end: string };

function unquote(raw: string): string {
  return raw
    .slice(1, -1)
    .replace(/\\(.)/g, (_, ch: string) => ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' })[ch] ?? ch);
}

function utcDateTime(raw: string): string {
  const fixed = raw.replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
  const ms = Date.parse(fixed);
  return Number.isNaN(ms) ? raw : new Date(ms).toISOString().replace('Z', '+0000');
}

function literalOf<T>(raw: string, literalType: LiteralType | undefined, operand: Operand<T>, env: ConditionEnv<T>): Literal {
  const { type } = operand;
  const wrongType = (quoted: boolean): never => {
    const at = env.soql.indexOf(raw);
    throw new SoqlError(
      'INVALID_FIELD',
      caretMessage(
        env.soql,
        at === -1 ? operand.offset : at,
        `value of filter criterion for field '${operand.name}' must be of type ${typeWord(type)} and should ${quoted ? 'not ' : ''}be enclosed in quotes`,
      ),
    );
  };
  const normalize = normalizerFor(type);
  switch (literalType) {
    case 'NULL':
      return { kind: 'null' };
    case 'STRING': {
      if (NUMBER_TYPES.has(type) || type === 'boolean' || type === 'date' || type === 'datetime') wrongType(true);
      const text = unquote(raw);
      if ((type === 'id' || type === 'reference') && !/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(text)) {
        const at = env.soql.indexOf(raw);
        throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', caretMessage(env.soql, at === -1 ? operand.offset : at, `invalid ID field: ${text}`));
      }
      return { kind: 'value', value: normalize(text) };
    }
    case 'INTEGER':
    case 'DECIMAL':
    case 'INTEGER_WITH_CURRENCY_PREFIX':
    case 'DECIMAL_WITH_CURRENCY_PREFIX':
      if (!NUMBER_TYPES.has(type)) wrongType(false);
      return { kind: 'value', value: Number(raw.replace(/^[A-Za-z]+/, '')) };
    case 'BOOLEAN':
      if (type !== 'boolean') wrongType(false);
      return { kind: 'value', value: raw.toUpperCase() === 'TRUE' };
    case 'DATE':
      if (type === 'datetime') return { kind: 'value', value: `${raw}T00:00:00.000+0000` };
      if (type !== 'date') wrongType(false);
      return { kind: 'value', value: raw };
    case 'DATETIME': {
      if (type !== 'date' && type !== 'datetime') wrongType(false);
      const utc = utcDateTime(raw);
      return { kind: 'value', value: type === 'date' ? utc.slice(0, 10) : utc };
    }
    case 'DATE_LITERAL':
    case 'DATE_N_LITERAL': {
      if (type !== 'date' && type !== 'datetime') wrongType(false);
      const range = relativeDateRange(raw, env.now);
      if (range === undefined) {
        throw new SoqlError('MALFORMED_QUERY', caretMessage(env.soql, Math.max(0, env.soql.indexOf(raw)), `unexpected token: '${raw}'`));
      }
      return type === 'date'
        ? { kind: 'range', start: range.start, end: range.end }
        : { kind: 'range', start: `${range.start}T00:00:00.000+0000`, end: `${range.end}T00:00:00.000+0000` };
    }
    default:
      throw new SoqlError('MALFORMED_QUERY', caretMessage(env.soql, Math.max(0, env.soql.indexOf(raw)), `unexpected token: '${raw}'`));
  }
}

function likeRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === '\\' && i + 1 < pattern.length) {
      source += pattern.charAt(++i).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}

type Predicate<T> = (item: T) => boolean;

function equalsPredicate<T>(get: (item: T) => FieldValue, normalize: Normalize, literal: Literal): Predicate<T> {
  if (literal.kind === 'null') return (item) => get(item) === null;
  if (literal.kind === 'range') {
    const { start, end } = literal;
    return (item) => {
      const value = get(item);
      if (value === null) return false;
      const key = normalize(value) as string;
      return key >= start && key < end;
    };
  }
  const wanted = literal.value;
  return (item) => {
    const value = get(item);
    return value !== null && normalize(value) === wanted;
  };
}

function comparePredicate<T>(get: (item: T) => FieldValue, normalize: Normalize, operator: string, literal: Literal): Predicate<T> {
  if (literal.kind === 'null') return () => false;
  // A range compares by its bounds: `< TODAY` is before today's start, `<= TODAY` before tomorrow's, `> TODAY` from tomorrow.
  const low = (literal.kind === 'range' ? literal.start : literal.value) as string | number | boolean;
  const high = (literal.kind === 'range' ? literal.end : literal.value) as string | number | boolean;
  const ranged = literal.kind === 'range';
  switch (operator) {
    case '<':
      return (item) => {
        const value = get(item);
        return value !== null && (normalize(value) as string | number | boolean) < low;
      };
    case '<=':
      return (item) => {
        const value = get(item);
        if (value === null) return false;
        const key = normalize(value) as string | number | boolean;
        return ranged ? key < high : key <= high;
      };
    case '>':
      return (item) => {
        const value = get(item);
        if (value === null) return false;
        const key = normalize(value) as string | number | boolean;
        return ranged ? key >= high : key > high;
      };
    default:
      return (item) => {
        const value = get(item);
        return value !== null && (normalize(value) as string | number | boolean) >= low;
      };
  }
}

function compileLeaf<T>(condition: ConditionWithValueQuery, env: ConditionEnv<T>): Predicate<T> {
  const operand = env.operand(condition);
  const { get } = operand;
  const normalize = normalizerFor(operand.type);
  const operator = (condition as { operator: string }).operator.toUpperCase();
  if ('valueQuery' in condition) {
    const keys = new Set(env.semiJoin(condition).flatMap((value) => (value === null ? [] : [normalize(value)])));
    const negate = operator === 'NOT IN';
    return (item) => {
      const value = get(item);
      const found = value !== null && keys.has(normalize(value));
      return negate ? !found : found;
    };
  }
  const rawValue = (condition as { value: string | string[] }).value;
  const rawType = (condition as { literalType?: LiteralType | LiteralType[] }).literalType;
  const raws = Array.isArray(rawValue) ? rawValue : [rawValue];
  const types = raws.map((_, index) => (Array.isArray(rawType) ? rawType[index] : rawType));
  if (operator === 'LIKE') {
    const raw = raws[0] ?? "''";
    if (types[0] !== 'STRING') {
      throw new SoqlError('INVALID_FIELD', caretMessage(env.soql, operand.offset, `invalid operator on field '${operand.name}': LIKE`));
    }
    const regExp = likeRegExp(raw.slice(1, -1).replace(/\\'/g, "'"));
    return (item) => {
      const value = get(item);
      return value !== null && regExp.test(String(value));
    };
  }
  if (operator === 'INCLUDES' || operator === 'EXCLUDES') {
    if (operand.type !== 'multipicklist') {
      throw new SoqlError(
        'INVALID_QUERY_FILTER_OPERATOR',
        caretMessage(env.soql, operand.offset, `${operator.toLowerCase()} operator is only valid on multi-select picklist fields`),
      );
    }
    const wanted = raws.map((raw) => unquote(raw).toLowerCase().split(';').map((part) => part.trim()));
    const excludes = operator === 'EXCLUDES';
    return (item) => {
      const value = get(item);
      const chosen = new Set(value === null ? [] : String(value).toLowerCase().split(';'));
      const hit = wanted.some((all) => all.every((part) => chosen.has(part)));
      return excludes ? !hit : hit;
    };
  }
  const literals = raws.map((raw, index) => literalOf(raw, types[index], operand, env));
  if (operator === 'IN' || operator === 'NOT IN') {
    const negate = operator === 'NOT IN';
    if (literals.some((literal) => literal.kind === 'range')) {
      const tests = literals.map((literal) => equalsPredicate(get, normalize, literal));
      return negate ? (item) => !tests.some((test) => test(item)) : (item) => tests.some((test) => test(item));
    }
    const keys = new Set(literals.flatMap((literal) => (literal.kind === 'value' ? [literal.value] : [])));
    const withNull = literals.some((literal) => literal.kind === 'null');
    return (item) => {
      const value = get(item);
      const found = value === null ? withNull : keys.has(normalize(value));
      return negate ? !found : found;
    };
  }
  const literal = literals[0] ?? { kind: 'null' };
  if (operator === '=') return equalsPredicate(get, normalize, literal);
  if (operator === '!=' || operator === '<>') {
    const equals = equalsPredicate(get, normalize, literal);
    return literal.kind === 'null' ? (item) => !equals(item) : (item) => get(item) === null || !equals(item);
  }
  return comparePredicate(get, normalize, operator, literal);
}

/** Compiles a condition tree once into a predicate closure tree; nothing is allocated per item but the normalised value. */
export function compilePredicate<T>(node: ConditionNode, env: ConditionEnv<T>): Predicate<T> {
  switch (node.kind) {
    case 'leaf':
      return compileLeaf(node.condition, env);
    case 'not': {
      const child = compilePredicate(node.child, env);
      return (item) => !child(item);
    }
    case 'and': {
      const left = compilePredicate(node.left, env);
      const right = compilePredicate(node.right, env);
      return (item) => left(item) && right(item);
    }
    case 'or': {
      const left = compilePredicate(node.left, env);
      const right = compilePredicate(node.right, env);
      return (item) => left(item) || right(item);
    }
  }
}
