/**
 * The org is busy: Salesforce's answers that say "not now" rather than "no", waited out before a request fails, and the
 * one limit answer that waiting a few minutes cannot fix (the daily allowance).
 */
import type { SalesforceApiError } from '../../shared/salesforce/rest';

/** How long and how often a busy answer is waited out: retries after the first answer, the first wait (doubled each time), the longest. */
export type BusyRetryPolicy = { retries: number; baseDelayMs: number; maxDelayMs: number };

/** Six retries from 1 s doubling to 30 s (about a minute and a half in all), jittered; a `Retry-After` up to 5 min is honoured. */
export const DEFAULT_BUSY_RETRY: BusyRetryPolicy = { retries: 6, baseDelayMs: 1000, maxDelayMs: 30_000 };

/** The longest `Retry-After` waited out; an org asking for longer stops the work at once (the error says when to try again). */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** One wait the client is about to make, told to whoever listens (the load's progress, the CLI's stderr). */
export type BusyWait = {
  /** The limit's name as the org gave it (`ConcurrentPerOrgLongTxn`), or the HTTP answer (`HTTP 429`, `HTTP 503`). */
  limit: string;
  /** This retry's number, from 1, and how many there may be. */
  retry: number;
  of: number;
  /** The wait before the retry. */
  delayMs: number;
  /** What is retried. */
  method: string;
  path: string;
};

/** A non-2xx answer seen as busy (`wait`), as the daily allowance (`daily`), or neither (null: the usual error handling). */
export type BusyAnswer = { kind: 'wait'; limit: string; retryAfterMs: number | null } | { kind: 'daily'; limit: string } | null;

/** The limit named in a REQUEST_LIMIT_EXCEEDED message: `ConcurrentPerOrgLongTxn Limit exceeded.` → `ConcurrentPerOrgLongTxn`. */
export function requestLimitName(errors: readonly SalesforceApiError[]): string | null {
  const entry = errors.find((e) => e.errorCode === 'REQUEST_LIMIT_EXCEEDED');
  if (entry === undefined) return null;
  return /^\s*(\w+)\s+Limit exceeded/i.exec(entry.message)?.[1] ?? 'REQUEST_LIMIT_EXCEEDED';
}

/** Reads `Retry-After`: seconds, or an HTTP date (salesforce-api.md has no recording of it; RFC 9110 §10.2.3 allows both). */
export function parseRetryAfter(header: string | null, nowMs: number): number | null {
  if (header === null || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/**
 * Classifies an error answer. Busy, and safe to send again whatever the method, because in each the org did no work:
 * - 429 Too Many Requests (RFC 6585 §4: the request was refused for rate limiting, not processed);
 * - REQUEST_LIMIT_EXCEEDED naming `ConcurrentPerOrgLongTxn` (any status; salesforce-api.md 2.4: the org refuses the request
 *   because too many long-running ones are in flight, a limit that clears as they finish);
 * - 503 with `Retry-After` (RFC 9110 §15.6.4: the server cannot handle the request now, and says when it can).
 * `TotalRequests` (403 REQUEST_LIMIT_EXCEEDED, salesforce-api.md 2.4) is the daily allowance: waiting minutes cannot help.
 */
export function classifyBusy(status: number, errors: readonly SalesforceApiError[], retryAfter: number | null): BusyAnswer {
  const limit = requestLimitName(errors);
  if (limit === 'TotalRequests') return { kind: 'daily', limit };
  if (status === 429) return { kind: 'wait', limit: limit ?? 'HTTP 429', retryAfterMs: retryAfter };
  if (limit === 'ConcurrentPerOrgLongTxn') return { kind: 'wait', limit, retryAfterMs: retryAfter };
  if (status === 503 && retryAfter !== null) return { kind: 'wait', limit: 'HTTP 503', retryAfterMs: retryAfter };
  return null;
}

/**
 * The wait before retry `retry` (from 1): the org's `Retry-After` when it gave one, else capped exponential back-off with
 * "equal jitter" (half the step fixed, half random) so parallel jobs do not come back at the same instant.
 */
export function busyDelayMs(policy: BusyRetryPolicy, retry: number, retryAfterMs: number | null, random: () => number = Math.random): number {
  if (retryAfterMs !== null) return retryAfterMs;
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** A duration for a person: `8 s`, `1 min 30 s`. */
function spokenDuration(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const rest = seconds % 60;
  return rest === 0 ? `${Math.floor(seconds / 60)} min` : `${Math.floor(seconds / 60)} min ${rest} s`;
}

/** What clears a limit, for the hint of the error that stops the work. */
export function limitClearsHint(limit: string): string {
  switch (limit) {
    case 'TotalRequests':
      return 'The daily API request allowance is a rolling 24-hour window: it frees up as the requests of 24 hours ago age out (Setup > System Overview shows the usage). Try again later, or ask Salesforce for a higher limit.';
    case 'ConcurrentPerOrgLongTxn':
      return 'This limit counts requests running longer than 20 s at the same time in the org (other tools and users too); it clears as they finish, usually within minutes. Try again then, with fewer jobs at once.';
    case 'HTTP 503':
      return 'Salesforce is unavailable for this org (maintenance or overload; trust.salesforce.com shows incidents): try again in a few minutes.';
    default:
      return 'Salesforce is throttling this org\'s requests; it clears within minutes: try again then, with fewer jobs at once.';
  }
}

/** The message of the error when the org stayed busy through every retry: which limit, how long it was waited out. */
export function stillBusyMessage(limit: string, retries: number, waitedMs: number, retryAfterMs: number | null): string {
  const asked = retryAfterMs === null || retryAfterMs === 0 ? '' : ` (it asks to wait ${spokenDuration(retryAfterMs)} more)`;
  return retries === 0
    ? `The org is busy (${limit}) and asks to wait ${spokenDuration(retryAfterMs ?? 0)}, longer than OrgDesk waits.`
    : `The org stayed busy (${limit}) through ${retries} ${retries === 1 ? 'retry' : 'retries'} over ${spokenDuration(waitedMs)}${asked}.`;
}
