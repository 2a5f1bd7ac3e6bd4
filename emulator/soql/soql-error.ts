/** Error codes a real org answers bad SOQL with. */
export type SoqlErrorCode =
  | 'MALFORMED_QUERY'
  | 'INVALID_FIELD'
  | 'INVALID_TYPE'
  | 'NUMBER_OUTSIDE_VALID_RANGE'
  | 'INVALID_QUERY_FILTER_OPERATOR'
  | 'FUNCTIONALITY_NOT_ENABLED';

/** A SOQL failure as a real org reports it: the REST error code and the exact message text. */
export class SoqlError extends Error {
  override readonly name = 'SoqlError';

  constructor(
    readonly errorCode: SoqlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Formats the caret block real orgs put in front of positional SOQL errors: a newline, the offending line, spaces and a
 * `^` under the column, `ERROR at Row:r:Column:c`, then the text (salesforce-api.md 2.3; columns are 1-based).
 */
export function caretMessage(soql: string, offset: number, text: string): string {
  const before = soql.slice(0, Math.max(0, Math.min(offset, soql.length)));
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEndIndex = soql.indexOf('\n', lineStart);
  const line = soql.slice(lineStart, lineEndIndex === -1 ? soql.length : lineEndIndex);
  const column = before.length - lineStart + 1;
  return `\n${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${text}`;
}
