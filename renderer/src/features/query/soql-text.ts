/** A statement of the editor: its text and where it starts in the whole document. */
export type Statement = { text: string; start: number };

/** Every statement of the editor text, in order (separated by `;` or a blank line). */
export function statementsOf(text: string): Statement[] {
  const separator = /;|\n[ \t]*\n(?:[ \t]*\n)*/g;
  const out: Statement[] = [];
  let start = 0;
  for (;;) {
    const m = separator.exec(text);
    const end = m === null ? text.length : m.index;
    const statement = trimmed(text.slice(start, end), start);
    if (statement !== null) out.push(statement);
    if (m === null) return out;
    start = m.index + m[0].length;
  }
}

/**
 * The statement under the cursor: statements are separated by `;` or a blank line, as people keep several queries in one
 * tab. Returns null when the cursor sits on blank space between statements.
 */
export function statementAt(text: string, offset: number): Statement | null {
  const separator = /;|\n[ \t]*\n(?:[ \t]*\n)*/g;
  let start = 0;
  for (;;) {
    const m = separator.exec(text);
    const end = m === null ? text.length : m.index;
    if (offset >= start && offset <= end) return trimmed(text.slice(start, end), start);
    if (m === null) return null;
    start = m.index + m[0].length;
  }
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
