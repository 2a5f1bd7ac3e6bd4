/** A statement of the editor: its text and where it starts in the whole document. */
export type Statement = { text: string; start: number };

/** The separators between statements: `;` or a blank line, outside string literals (`INCLUDES ('a;b')` stays whole). */
function separators(text: string): { index: number; length: number }[] {
  const found: { index: number; length: number }[] = [];
  const blankLines = /\n[ \t]*\n(?:[ \t]*\n)*/y;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i += 1;
      else if (ch === "'") inString = false;
    } else if (ch === "'") {
      inString = true;
    } else if (ch === ';') {
      found.push({ index: i, length: 1 });
    } else if (ch === '\n') {
      blankLines.lastIndex = i;
      const blank = blankLines.exec(text);
      if (blank !== null) {
        found.push({ index: i, length: blank[0].length });
        i += blank[0].length - 1;
      }
    }
  }
  return found;
}

/** Every statement of the editor text, in order (separated by `;` or a blank line). */
export function statementsOf(text: string): Statement[] {
  const out: Statement[] = [];
  let start = 0;
  for (const sep of [...separators(text), { index: text.length, length: 0 }]) {
    const statement = trimmed(text.slice(start, sep.index), start);
    if (statement !== null) out.push(statement);
    start = sep.index + sep.length;
  }
  return out;
}

/**
 * The statement under the cursor: statements are separated by `;` or a blank line, as people keep several queries in one
 * tab. Returns null when the cursor sits on blank space between statements.
 */
export function statementAt(text: string, offset: number): Statement | null {
  let start = 0;
  for (const sep of [...separators(text), { index: text.length, length: 0 }]) {
    if (offset >= start && offset <= sep.index) return trimmed(text.slice(start, sep.index), start);
    start = sep.index + sep.length;
  }
  return null;
}

function trimmed(raw: string, start: number): Statement | null {
  const lead = raw.length - raw.trimStart().length;
  const text = raw.trim();
  return text === '' ? null : { text, start: start + lead };
}

/** A replacement of `[start, end)` of the editor text. */
export type TextEdit = { start: number; end: number; text: string };

/**
 * Formats every statement of the text with the given formatter (soql-parser-js's formatQuery in the editor); a statement
 * that does not parse keeps its text, as its marker already says why.
 */
export function formatStatements(text: string, format: (soql: string) => string): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const statement of statementsOf(text)) {
    try {
      const formatted = format(statement.text);
      if (formatted !== statement.text) edits.push({ start: statement.start, end: statement.start + statement.text.length, text: formatted });
    } catch {
      // Left as typed.
    }
  }
  return edits;
}

/** Escapes a value as a SOQL string literal (quotes, backslashes and control characters), quotes included. */
export function soqlString(value: string): string {
  const escaped = value.replace(/[\\'"\n\r\t\b\f]/g, (ch) => {
    switch (ch) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      case '\b':
        return '\\b';
      case '\f':
        return '\\f';
      default:
        return `\\${ch}`;
    }
  });
  return `'${escaped}'`;
}

/** A SOQL `IN (...)` list of distinct, non-empty values in first-seen order: `('001…', '001…')`. */
export function soqlInList(values: readonly unknown[]): string {
  const distinct = [...new Set(values.filter((v): v is string | number => (typeof v === 'string' && v !== '') || typeof v === 'number').map(String))];
  return `(${distinct.map(soqlString).join(', ')})`;
}

/** The SELECT's first object after FROM, to title a tab (`Account`), or null. */
export function mainObjectOf(soql: string): string | null {
  let depth = 0;
  const re = /\(|\)|\bFROM\s+([A-Za-z_][\w.]*)/gi;
  for (let m = re.exec(soql); m !== null; m = re.exec(soql)) {
    if (m[0] === '(') depth += 1;
    else if (m[0] === ')') depth -= 1;
    else if (depth === 0 && m[1] !== undefined) return m[1];
  }
  return null;
}
