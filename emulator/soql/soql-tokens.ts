/** One lexical token of a SOQL text with its character offset, used only to place error carets. */
export type SoqlToken = { text: string; start: number; kind: 'word' | 'string' | 'symbol' };

const WORD_CHAR = /[A-Za-z0-9_.:]/;

/** Splits SOQL into words (identifiers, dotted paths, numbers), quoted strings and symbols, keeping offsets. */
export function tokenizeSoql(soql: string): SoqlToken[] {
  const tokens: SoqlToken[] = [];
  let i = 0;
  while (i < soql.length) {
    const ch = soql.charAt(i);
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      const start = i++;
      while (i < soql.length && soql.charAt(i) !== "'") i += soql.charAt(i) === '\\' ? 2 : 1;
      i++;
      tokens.push({ text: soql.slice(start, i), start, kind: 'string' });
    } else if (WORD_CHAR.test(ch)) {
      const start = i;
      while (i < soql.length && WORD_CHAR.test(soql.charAt(i))) i++;
      tokens.push({ text: soql.slice(start, i), start, kind: 'word' });
    } else {
      const two = soql.slice(i, i + 2);
      const text = two === '!=' || two === '<=' || two === '>=' || two === '<>' ? two : ch;
      tokens.push({ text, start: i, kind: 'symbol' });
      i += text.length;
    }
  }
  return tokens;
}

/** The offset of the first word equal (case-insensitively) to `text`, optionally only after a given keyword; 0 if absent. */
export function offsetOfWord(soql: string, text: string, options: { afterKeyword?: string; from?: number } = {}): number {
  const tokens = tokenizeSoql(soql);
  const wanted = text.toLowerCase();
  const keyword = options.afterKeyword?.toLowerCase();
  const from = options.from ?? 0;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (token === undefined || token.kind !== 'word' || token.start < from) continue;
    if (token.text.toLowerCase() !== wanted) continue;
    if (keyword !== undefined && tokens[index - 1]?.text.toLowerCase() !== keyword) continue;
    return token.start;
  }
  return from;
}

const CLAUSE_END = new Set(['group', 'order', 'limit', 'offset', 'having', 'with', 'for', 'update', 'using']);

function isWord(token: SoqlToken | undefined, text: string): boolean {
  return token !== undefined && token.kind === 'word' && token.text.toLowerCase() === text;
}

/** The offset of `keyword` at the nesting level of the query starting at `from` (subqueries skipped), if present. */
export function clauseStart(tokens: readonly SoqlToken[], from: number, keyword: string): number | undefined {
  let depth = 0;
  for (const token of tokens) {
    if (token.start < from) continue;
    if (token.text === '(') depth++;
    else if (token.text === ')' && --depth < 0) return undefined;
    else if (depth === 0 && isWord(token, keyword)) return token.start;
  }
  return undefined;
}

/** The offset just inside the `(` of the first `(SELECT … FROM <fromWord>` subquery, if present. */
export function subqueryStart(tokens: readonly SoqlToken[], fromWord: string): number | undefined {
  const wanted = fromWord.toLowerCase();
  for (let i = 0; i < tokens.length - 1; i++) {
    if (tokens[i]?.text !== '(' || !isWord(tokens[i + 1], 'select')) continue;
    let depth = 0;
    for (let j = i + 2; j < tokens.length; j++) {
      const token = tokens[j];
      if (token?.text === '(') depth++;
      else if (token?.text === ')' && --depth < 0) break;
      else if (depth === 0 && isWord(token, 'from')) {
        if (tokens[j + 1]?.text.toLowerCase() === wanted) return (tokens[i]?.start ?? 0) + 1;
        break;
      }
    }
  }
  return undefined;
}

/**
 * The offsets of the logical operators (AND, OR, NOT, but not the NOT of `NOT IN`) of the WHERE or HAVING clause
 * starting at `clauseOffset`, in order, skipping semi-join subqueries; they pair up with the parser's operator chain.
 */
export function logicalOperatorOffsets(tokens: readonly SoqlToken[], clauseOffset: number): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let skipUntilDepth = -1;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as SoqlToken;
    if (token.start <= clauseOffset) continue;
    if (token.text === '(') {
      if (skipUntilDepth === -1 && isWord(tokens[i + 1], 'select')) skipUntilDepth = depth;
      depth++;
      continue;
    }
    if (token.text === ')') {
      depth--;
      if (depth < 0) break;
      if (depth === skipUntilDepth) skipUntilDepth = -1;
      continue;
    }
    if (skipUntilDepth !== -1 || token.kind !== 'word') continue;
    const word = token.text.toLowerCase();
    if (depth === 0 && CLAUSE_END.has(word)) break;
    if (word === 'and' || word === 'or' || (word === 'not' && !isWord(tokens[i + 1], 'in'))) offsets.push(token.start);
  }
  return offsets;
}
