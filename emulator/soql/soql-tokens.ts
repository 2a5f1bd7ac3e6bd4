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
