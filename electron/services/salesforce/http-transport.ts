import { ServiceError } from '../errors';

/** The one way services reach the network: a fetch-shaped port, so tests can count requests without faking responses. */
export interface HttpTransport {
  /** Sends a request and resolves with the response (any status); rejects only when no response came. */
  fetch(url: string, init: RequestInit): Promise<Response>;
}

/** Options for the fetch transport: how long to wait for response headers before giving up. */
export type FetchTransportOptions = { timeoutMs?: number };

/** The transport over Node's global fetch (undici), with a per-request timeout that becomes a NETWORK error. */
export function createFetchTransport(options: FetchTransportOptions = {}): HttpTransport {
  const timeoutMs = options.timeoutMs ?? 120_000;
  return {
    fetch: async (url, init) => {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      try {
        return await fetch(url, { ...init, signal });
      } catch (error) {
        if (init.signal?.aborted) throw error;
        throw networkError(error, url);
      }
    },
  };
}

/** A transport that counts requests per URL path on top of another (tests use it to assert "exactly one token request"). */
export function createCountingTransport(inner: HttpTransport): HttpTransport & { count(pathPart: string): number; readonly total: number } {
  const urls: string[] = [];
  return {
    fetch: (url, init) => {
      urls.push(url);
      return inner.fetch(url, init);
    },
    count: (pathPart) => urls.filter((url) => new URL(url).pathname.includes(pathPart)).length,
    get total() {
      return urls.length;
    },
  };
}

const CERT_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Tells whether an error is a network fault worth retrying (as opposed to a cancel or a bug). */
export function isNetworkError(error: unknown): boolean {
  return error instanceof ServiceError && error.code === 'NETWORK';
}

/** Maps a failed fetch (refused, unknown host, reset, timeout, TLS) to a NETWORK ServiceError naming the host. */
export function networkError(error: unknown, url: string): ServiceError {
  if (error instanceof ServiceError) return error;
  const host = safeHost(url);
  const code = errorCode(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new ServiceError('NETWORK', `${host} did not answer in time.`, 'Check your internet connection or VPN, then try again.', { cause: error });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new ServiceError(
      'NETWORK',
      `The host ${host} could not be found.`,
      'Check the login or My Domain URL for typos, and that you are online (a VPN or proxy may be needed).',
      { cause: error },
    );
  }
  if (code === 'ECONNREFUSED') {
    return new ServiceError('NETWORK', `Nothing is answering at ${host} (connection refused).`, 'Check the URL and port; if this is the local demo org, restart it from the Orgs area.', { cause: error });
  }
  if (code !== undefined && CERT_CODES.has(code)) {
    return new ServiceError(
      'NETWORK',
      `The TLS certificate of ${host} could not be verified (${code}).`,
      'A proxy may be intercepting HTTPS: ask IT for its CA certificate and start OrgDesk with NODE_EXTRA_CA_CERTS pointing at it.',
      { cause: error },
    );
  }
  return new ServiceError(
    'NETWORK',
    `The connection to ${host} failed${code === undefined ? '' : ` (${code})`}.`,
    'Check your internet connection, VPN or proxy, then try again.',
    { cause: error },
  );
}

function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the server';
  }
}
