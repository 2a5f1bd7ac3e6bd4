import type { QueryError } from '../../shared/ipc/domains/query';
import { ServiceError, toAppError } from '../errors';

/** A ServiceError for a query that also says where in the SOQL text Salesforce found the problem (1-based). */
export class QueryServiceError extends ServiceError {
  /** The 1-based row Salesforce reported, if any. */
  readonly row: number | undefined;
  /** The 1-based column Salesforce reported, if any. */
  readonly column: number | undefined;

  constructor(error: ServiceError, row?: number, column?: number) {
    super(error.code, error.message, error.hint, { cause: error.cause ?? error });
    this.name = 'QueryServiceError';
    this.row = row;
    this.column = column;
  }
}

const POSITION = /ERROR at Row:(\d+):Column:(\d+)/;

/**
 * Reads Salesforce's errorCode off an error from the org client: it may sit on the error itself or on its cause (the
 * client's ServiceError keeps the parsed `[{errorCode, message}]` body).
 */
function salesforceErrorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current !== null && current !== undefined && depth < 4; depth += 1) {
    if (typeof current !== 'object') return undefined;
    for (const key of ['errorCode', 'salesforceErrorCode', 'sfErrorCode']) {
      const value = (current as Record<string, unknown>)[key];
      if (typeof value === 'string') return value;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The text of an error and of its causes, where Salesforce's message (with its `ERROR at Row:r:Column:c`) is found. */
function messagesOf(error: unknown): string[] {
  const out: string[] = [];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; depth += 1) {
    out.push(current.message);
    current = current.cause;
  }
  return out;
}

/**
 * Turns anything a query run threw into a ServiceError a person can act on, with the row and column Salesforce reported
 * (its message carries `ERROR at Row:1:Column:8`), a clear text for an expired query locator, and MALFORMED_QUERY hints.
 */
export function toQueryServiceError(error: unknown): QueryServiceError {
  if (error instanceof QueryServiceError) return error;
  const code = salesforceErrorCode(error);
  const texts = messagesOf(error);
  const match = texts.map((t) => POSITION.exec(t)).find((m) => m !== null) ?? null;
  const row = match === null ? undefined : Number(match[1]);
  const column = match === null ? undefined : Number(match[2]);
  if (code === 'INVALID_QUERY_LOCATOR' || texts.some((t) => /invalid query locator/i.test(t))) {
    return new QueryServiceError(
      new ServiceError(
        'SF_API',
        'Salesforce no longer knows this query\'s cursor (its query locator expired), so the remaining pages cannot be fetched.',
        'Run the query again. Locators expire after about 15 minutes without use, or when a user opens too many at once; for very large results use Bulk mode.',
        { cause: error },
      ),
    );
  }
  if (error instanceof ServiceError) {
    if (match !== null || code === 'MALFORMED_QUERY' || code === 'INVALID_FIELD' || code === 'INVALID_TYPE') {
      const detail = sfMessage(texts);
      const hint =
        code === 'INVALID_TYPE'
          ? 'Check the object name after FROM (custom objects end in __c).'
          : code === 'INVALID_FIELD'
            ? 'Check the field or relationship name at the marked place (custom fields end in __c, relationships in __r).'
            : 'Fix the SOQL at the marked place and run it again.';
      return new QueryServiceError(new ServiceError('SF_API', detail, hint, { cause: error }), row, column);
    }
    return new QueryServiceError(error, row, column);
  }
  const app = toAppError(error);
  return new QueryServiceError(new ServiceError(app.code, app.message, app.hint, { cause: error }), row, column);
}

/** Keeps the part of Salesforce's message after the caret block: "No such column 'Bacon__c' on entity 'Account'…". */
function sfMessage(texts: string[]): string {
  const text = texts.find((t) => POSITION.test(t)) ?? texts[0] ?? 'Salesforce refused the query.';
  const after = text.split(POSITION);
  const tail = after.length > 1 ? (after[after.length - 1] ?? '').trim() : text.trim();
  return tail === '' ? text.trim() : tail;
}

/** The contract's QueryError for a progress event. */
export function toQueryError(error: unknown): QueryError {
  const e = toQueryServiceError(error);
  const out: QueryError = { code: e.code, message: e.message };
  if (e.hint !== undefined) out.hint = e.hint;
  if (e.row !== undefined) out.row = e.row;
  if (e.column !== undefined) out.column = e.column;
  return out;
}

/**
 * True for the one Bulk refusal REST does not share: compound address or geolocation fields ("Selecting compound data
 * not supported in Bulk Query", salesforce-api.md §5), whether the job creation refused it or the job failed with it.
 */
export function isBulkCompoundRefusal(error: unknown): boolean {
  const texts = messagesOf(error);
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; depth += 1) {
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) {
      for (const entry of errors as { message?: unknown }[]) if (typeof entry.message === 'string') texts.push(entry.message);
    }
    current = current.cause;
  }
  return texts.some((text) => /compound data not supported/i.test(text));
}
