import { parseQuery, type Query } from '@jetstreamapp/soql-parser-js';
import { SoqlError, caretMessage } from './soql-error';
import { tokenizeSoql } from './soql-tokens';

function lineAndColumn(soql: string, offset: number): { line: number; column: number } {
  const before = soql.slice(0, offset);
  return { line: before.split('\n').length, column: offset - (before.lastIndexOf('\n') + 1) };
}

/**
 * Turns a soql-parser-js failure into the MALFORMED_QUERY a real org gives: a bad first word is reported bare
 * (`unexpected token: SELEKT`, recorded from a v51 org), anything later with the caret block and a quoted token.
 */
function malformed(soql: string, error: unknown): SoqlError {
  const message = error instanceof Error ? error.message : String(error);
  const lexing = /unexpected character: ->(.)<- at offset: (\d+)/s.exec(message);
  if (lexing !== null) {
    const offset = Number(lexing[2]);
    const { line, column } = lineAndColumn(soql, offset);
    const text =
      lexing[1] === "'"
        ? `line ${line}:${soql.length - (soql.lastIndexOf('\n') + 1)} mismatched character '<EOF>' expecting '''`
        : `line ${line}:${column} no viable alternative at character '${lexing[1] ?? ''}'`;
    return new SoqlError('MALFORMED_QUERY', text);
  }
  const found = /but found(?: -->|:) '(.*?)'(?: <--)?\s*$/s.exec(message)?.[1] ?? '';
  const tokens = tokenizeSoql(soql);
  if (found === '') {
    return new SoqlError('MALFORMED_QUERY', caretMessage(soql, soql.trimEnd().length, "unexpected token: '<EOF>'"));
  }
  const token = tokens.find((candidate) => candidate.text === found) ?? tokens.find((candidate) => candidate.text.toLowerCase() === found.toLowerCase());
  if (token === undefined || token === tokens[0]) return new SoqlError('MALFORMED_QUERY', `unexpected token: ${found}`);
  return new SoqlError('MALFORMED_QUERY', caretMessage(soql, token.start, `unexpected token: '${found}'`));
}

/** Parses SOQL with soql-parser-js, throwing a SoqlError shaped like a real org's MALFORMED_QUERY on failure. */
export function parseSoql(soql: string): Query {
  if (soql.trim() === '') throw new SoqlError('MALFORMED_QUERY', 'unexpected token: <EOF>');
  try {
    return parseQuery(soql);
  } catch (error) {
    throw malformed(soql, error);
  }
}
