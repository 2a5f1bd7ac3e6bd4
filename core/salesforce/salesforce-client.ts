import type { ApiUsage } from '../../shared/salesforce/org-profile';
import { ServiceError } from '../errors';
import { apiError, parseErrorBody, SalesforceRequestError } from './api-errors';
import { busyDelayMs, classifyBusy, DEFAULT_BUSY_RETRY, limitClearsHint, MAX_RETRY_AFTER_MS, parseRetryAfter, stillBusyMessage, type BusyRetryPolicy, type BusyWait } from './busy-retry';
import type { Clock } from './clock';
import { isNetworkError, networkError } from './http-transport';
import type { HttpTransport } from './http-transport';
import { parseLimitInfo } from './limit-info';
import type { SalesforceSession, SessionAccess } from './salesforce-session';

/** An HTTP method the client sends. */
type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What fetch accepts as a body. */
export type FetchBody = NonNullable<globalThis.RequestInit['body']>;

/** A request body; pass a factory for streams so a retry or a re-login can send a fresh one. */
type RequestBody = string | Uint8Array | (() => FetchBody);

/** Per-request options. */
type RequestInit = {
  /** Query parameters appended to the path. */
  query?: Record<string, string | number | boolean | undefined> | undefined;
  /** JSON-encoded and sent with `Content-Type: application/json` when not a string/bytes/factory. */
  json?: unknown;
  body?: RequestBody | undefined;
  headers?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
  /** Whether a 5xx or network fault may be retried; defaults to true for GET and HEAD only. */
  idempotent?: boolean | undefined;
};

/** Retry policy for idempotent requests: attempts in all, and the first back-off (doubled each time, with jitter). */
export type RetryPolicy = { attempts: number; baseDelayMs: number };

/** The client every feature reaches Salesforce through. */
export type SalesforceClient = {
  /** Sends a request to a path on the instance (`/services/data/v62.0/limits`) and returns the 2xx response; throws mapped errors. */
  request(method: HttpMethod, path: string, init?: RequestInit): Promise<Response>;
  /** Like `request`, then parses the JSON body (204 → undefined). */
  json<T>(method: HttpMethod, path: string, init?: RequestInit): Promise<T>;
  /** The org-wide API usage from the latest `Sforce-Limit-Info` header, or null before the first response. */
  apiUsage(): ApiUsage | null;
  /** The current session access (logs in when needed): instance URL, org and user ids. */
  access(): Promise<SessionAccess>;
  /** Calls `listener` before every wait for a busy org (see busy-retry.ts); answers the function that stops it. */
  onBusyWait(listener: (wait: BusyWait) => void): () => void;
};

/** The ports and policy of a client. */
export type SalesforceClientOptions = {
  session: SalesforceSession;
  transport: HttpTransport;
  clock: Clock;
  retry?: RetryPolicy;
  /** How busy answers (429, ConcurrentPerOrgLongTxn, 503 with Retry-After) are waited out; default DEFAULT_BUSY_RETRY. */
  busy?: BusyRetryPolicy;
  /** Sent as `Sforce-Call-Options: client=<name>` so changes show their origin in CDC and audit logs. */
  clientName?: string;
};

const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/**
 * Builds the Salesforce HTTP client: bearer auth from the session, one transparent re-login on 401 INVALID_SESSION_ID,
 * retries with back-off on 5xx and network faults for idempotent requests, busy answers waited out for every request
 * (busy-retry.ts), and the latest `Sforce-Limit-Info` usage.
 */
export function createSalesforceClient(options: SalesforceClientOptions): SalesforceClient {
  const { session, transport, clock } = options;
  const retry = options.retry ?? { attempts: 3, baseDelayMs: 250 };
  const busy = options.busy ?? DEFAULT_BUSY_RETRY;
  const busyListeners = new Set<(wait: BusyWait) => void>();
  let usage: ApiUsage | null = null;

  async function send(access: SessionAccess, method: HttpMethod, path: string, init: RequestInit): Promise<Response> {
    const url = resolveUrl(access, path, init.query, session.loginUrl);
    const headers: Record<string, string> = { Accept: 'application/json', ...init.headers, Authorization: `Bearer ${access.accessToken}` };
    if (options.clientName !== undefined) headers['Sforce-Call-Options'] ??= `client=${options.clientName}`;
    let body: FetchBody | undefined;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['Content-Type'] ??= 'application/json; charset=UTF-8';
    } else if (typeof init.body === 'function') {
      body = init.body();
    } else if (init.body !== undefined) {
      body = init.body;
    }
    const requestInit: globalThis.RequestInit & { duplex?: 'half' } = { method, headers };
    if (body !== undefined) requestInit.body = body;
    if (body instanceof ReadableStream) requestInit.duplex = 'half';
    if (init.signal !== undefined) requestInit.signal = init.signal;
    const response = await transport.fetch(url, requestInit).catch((error: unknown) => {
      if (init.signal?.aborted) throw error;
      throw networkError(error, url);
    });
    usage = parseLimitInfo(response.headers.get('sforce-limit-info')) ?? usage;
    return response;
  }

  /**
   * One exchange with retries: `read` consumes the 2xx response inside the attempt, so a connection dropped mid-body is
   * retried like one dropped before the headers (for idempotent requests).
   */
  async function exchange<T>(method: HttpMethod, path: string, init: RequestInit, read: (response: Response) => Promise<T>): Promise<T> {
    const idempotent = init.idempotent ?? (method === 'GET' || method === 'HEAD');
    const attempts = idempotent ? Math.max(1, retry.attempts) : 1;
    let access = await session.access();
    let renewed = false;
    const waited = { retries: 0, ms: 0 };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const response = await send(access, method, path, init);
        if (response.ok) return await read(response);
        const text = await response.text();
        const sessionExpired = response.status === 401 && !renewed && text.includes('INVALID_SESSION_ID');
        if (!sessionExpired) {
          // A busy org did none of the work (see classifyBusy), so every method is sent again, without using up `attempts`.
          if (await waitedOutBusy(response, text, method, path, init.signal, waited)) {
            attempt -= 1;
            continue;
          }
          if (RETRYABLE_STATUS.has(response.status) && attempt < attempts) {
            await backoff(attempt, init.signal);
            continue;
          }
          throw apiError(response.status, text, response.headers.get('content-type'));
        }
      } catch (caught) {
        // Anything but a ServiceError or the caller's cancel came from the wire (a reset, a stalled body): NETWORK, never INTERNAL.
        const error = caught instanceof ServiceError || init.signal?.aborted === true ? caught : networkError(caught, path);
        if (attempt < attempts && isNetworkError(error)) {
          await backoff(attempt, init.signal);
          continue;
        }
        throw error;
      }
      // Only an expired session gets here. Salesforce rejects it before doing any work, so re-sending is safe for every
      // method; the renewal (outside the try) fails with its own AUTH or NETWORK error rather than being retried.
      renewed = true;
      access = await session.renew(access);
      attempt -= 1;
    }
  }

  /**
   * For a busy answer: tells the listeners and waits, then answers true (send again); throws the LIMIT error that names the
   * limit once the retries are used up or the org asks for a longer wait. False for any other answer.
   */
  async function waitedOutBusy(response: Response, text: string, method: string, path: string, signal: AbortSignal | undefined, waited: { retries: number; ms: number }): Promise<boolean> {
    const errors = parseErrorBody(text);
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), clock.now());
    const answer = classifyBusy(response.status, errors, retryAfter);
    if (answer === null || answer.kind === 'daily') return false;
    const delayMs = busyDelayMs(busy, waited.retries + 1, answer.retryAfterMs);
    if (waited.retries >= busy.retries || delayMs > MAX_RETRY_AFTER_MS) {
      throw new SalesforceRequestError({
        code: 'LIMIT',
        status: response.status,
        errorCode: errors[0]?.errorCode ?? `HTTP_${response.status}`,
        errors,
        message: stillBusyMessage(answer.limit, waited.retries, waited.ms, answer.retryAfterMs),
        hint: limitClearsHint(answer.limit),
      });
    }
    waited.retries += 1;
    waited.ms += delayMs;
    const wait: BusyWait = { limit: answer.limit, retry: waited.retries, of: busy.retries, delayMs, method, path };
    for (const listener of busyListeners) {
      try {
        listener(wait);
      } catch {
        // A listener's failure must not change the request.
      }
    }
    await clock.sleep(delayMs, signal);
    return true;
  }

  const request = (method: HttpMethod, path: string, init: RequestInit = {}): Promise<Response> =>
    exchange(method, path, init, (response) => Promise.resolve(response));

  function backoff(attempt: number, signal: AbortSignal | undefined): Promise<void> {
    const base = retry.baseDelayMs * 2 ** (attempt - 1);
    return clock.sleep(base / 2 + Math.random() * (base / 2), signal);
  }

  return {
    request,
    async json<T>(method: HttpMethod, path: string, init: RequestInit = {}): Promise<T> {
      const text = await exchange(method, path, init, (response) => response.text());
      if (text === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch (error) {
        throw new ServiceError('SF_API', `Salesforce sent a response that is not JSON (${method} ${path}).`, 'Check the org URL: something other than Salesforce may be answering.', { cause: error });
      }
    },
    apiUsage: () => usage,
    access: () => session.access(),
    onBusyWait(listener) {
      busyListeners.add(listener);
      return () => busyListeners.delete(listener);
    },
  };
}

function resolveUrl(access: SessionAccess, path: string, query: RequestInit['query'], loginUrl: string): string {
  const url = new URL(path, access.instanceUrl.endsWith('/') ? access.instanceUrl : `${access.instanceUrl}/`);
  const allowed = [originOf(access.instanceUrl), originOf(loginUrl), originOf(access.identityUrl)];
  if (!allowed.includes(url.origin)) {
    // The bearer token only ever goes to the org's own hosts (a nextRecordsUrl or contentUrl cannot redirect it elsewhere).
    throw new ServiceError('INTERNAL', `Refusing to send the session to ${url.origin}.`, 'This is a bug in OrgDesk: report the action you took.');
  }
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}
