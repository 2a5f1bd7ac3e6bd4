import type { SalesforceApiError } from '../../shared/salesforce/rest';
import { ServiceError } from '../errors';
import { limitClearsHint, requestLimitName } from './busy-retry';

/** A Salesforce REST error response as a ServiceError, keeping the HTTP status and Salesforce's error entries for callers. */
export class SalesforceRequestError extends ServiceError {
  /** The HTTP status. */
  readonly status: number;
  /** Salesforce's first error code (`MALFORMED_QUERY`), or `HTTP_<status>` when the body had none. */
  readonly errorCode: string;
  /** Every entry of the error array, as sent. */
  readonly errors: SalesforceApiError[];

  constructor(init: { code: ServiceError['code']; message: string; hint?: string | undefined; status: number; errorCode: string; errors: SalesforceApiError[] }) {
    super(init.code, init.message, init.hint);
    this.name = 'SalesforceRequestError';
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.errors = init.errors;
  }
}

/** Reads a REST error body: Salesforce sends a JSON array `[{errorCode, message, fields}]`; anything else is kept as text. */
export function parseErrorBody(text: string): SalesforceApiError[] {
  try {
    const parsed: unknown = JSON.parse(text);
    const entries = Array.isArray(parsed) ? parsed : [parsed];
    return entries.flatMap((entry: unknown) => {
      if (entry === null || typeof entry !== 'object') return [];
      const e = entry as Record<string, unknown>;
      const errorCode = typeof e['errorCode'] === 'string' ? e['errorCode'] : typeof e['statusCode'] === 'string' ? e['statusCode'] : undefined;
      const message = typeof e['message'] === 'string' ? e['message'] : undefined;
      if (errorCode === undefined || message === undefined) return [];
      const fields = Array.isArray(e['fields']) ? e['fields'].filter((f): f is string => typeof f === 'string') : undefined;
      return [fields === undefined ? { errorCode, message } : { errorCode, message, fields }];
    });
  } catch {
    return soapFaultEntries(text);
  }
}

/** A SOAP API fault (`<faultcode>sf:CODE</faultcode>`, `<sf:exceptionMessage>`) as one error entry; none for other text. */
function soapFaultEntries(text: string): SalesforceApiError[] {
  const code = /<faultcode>(?:[\w-]+:)?([\w.]+)<\/faultcode>/.exec(text)?.[1];
  if (code === undefined) return [];
  const message = /<(?:\w+:)?exceptionMessage>([\s\S]*?)<\/(?:\w+:)?exceptionMessage>/.exec(text)?.[1] ?? /<faultstring>([\s\S]*?)<\/faultstring>/.exec(text)?.[1] ?? code;
  return [{ errorCode: code, message: message.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&') }];
}

const HINTS: Record<string, string> = {
  INVALID_SESSION_ID: 'The session ended and signing in again did not help: test the connection in the Orgs area.',
  MALFORMED_QUERY: 'Check the SOQL near the position Salesforce points at.',
  INVALID_FIELD: 'Check the field name against the object (custom fields end in __c, relationships in __r).',
  INVALID_TYPE: 'Check the object name (custom objects end in __c) and that the user can see it.',
  NOT_FOUND: 'The record, object or API version does not exist in this org, or the user cannot see it.',
  API_DISABLED_FOR_ORG: 'This org edition does not include API access, or it is turned off for the org.',
  API_CURRENTLY_DISABLED: "Turn on 'API Enabled' for the user's profile or a permission set.",
  INSUFFICIENT_ACCESS: "The user lacks permission for this: check the profile and permission sets.",
  UNSUPPORTED_API_VERSION: 'Pick an API version the org offers in the profile (or leave it blank for the newest).',
};

/** Maps a non-2xx REST response to a ServiceError: REQUEST_LIMIT_EXCEEDED → LIMIT, 401 → AUTH, the rest → SF_API. */
export function apiError(status: number, bodyText: string, contentType: string | null): SalesforceRequestError {
  const errors = parseErrorBody(bodyText);
  const first = errors[0];
  const errorCode = first?.errorCode ?? `HTTP_${status}`;
  const code = errorCode === 'REQUEST_LIMIT_EXCEEDED' ? 'LIMIT' : status === 401 ? 'AUTH' : 'SF_API';
  if (first === undefined) {
    const html = contentType?.includes('html') ?? false;
    return new SalesforceRequestError({
      code,
      status,
      errorCode,
      errors,
      message: html
        ? `Salesforce answered HTTP ${status} with a web page instead of an API response.`
        : `Salesforce answered HTTP ${status}${bodyText.trim() === '' ? '' : `: ${bodyText.trim().slice(0, 200)}`}.`,
      hint: status >= 500 ? 'Salesforce is having trouble or is under maintenance: try again in a few minutes (trust.salesforce.com shows incidents).' : 'Check the org URL; the org may be unreachable or under maintenance.',
    });
  }
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  const fields = first.fields !== undefined && first.fields.length > 0 ? ` [${first.fields.join(', ')}]` : '';
  return new SalesforceRequestError({
    code,
    status,
    errorCode,
    errors,
    message: `${first.errorCode}: ${first.message.trim()}${fields}${more}`,
    // Which limit it is decides what clears it: the daily allowance rolls over, a concurrency limit clears in minutes.
    hint: first.errorCode === 'REQUEST_LIMIT_EXCEEDED' ? limitClearsHint(requestLimitName(errors) ?? 'TotalRequests') : HINTS[first.errorCode],
  });
}
