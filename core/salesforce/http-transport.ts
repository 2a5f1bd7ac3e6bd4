import { ServiceError } from '../errors';

/** The one way services reach the network: a fetch-shaped port, so tests can count requests without faking responses. */
export interface HttpTransport {
  /** Sends a request and resolves with the response (any status); rejects only when no response came. */
  fetch(url: string, init: RequestInit): Promise<Response>;
}

/**
 * How long the fetch transport waits, each bound on its own (conventions.md, "Timeouts say what they bound"): for the
 * response headers after sending, and for the next body bytes while the body is being read. There is no whole-transfer
 * deadline: a big page that keeps arriving is never cut off.
 */
export type FetchTransportOptions = {
  /**
   * Milliseconds from the end of the request until the status line and headers arrive (default 120 s). For a streamed
   * body (an upload) the clock starts once its last byte is handed to the connection, so a slow link is never cut off.
   */
  headersTimeoutMs?: number;
  /**
   * Milliseconds a body being read may go without a single byte (default 60 s); time the reader spends elsewhere does not
   * count. An upload stalls the same way when the connection takes none of its bytes for this long.
   */
  bodyIdleTimeoutMs?: number;
};

/** The default wait for response headers. */
const DEFAULT_HEADERS_TIMEOUT_MS = 120_000;
/** The default wait for the next body bytes. */
const DEFAULT_BODY_IDLE_TIMEOUT_MS = 60_000;

/**
 * The transport over Node's global fetch (undici): a NETWORK error when the headers take longer than `headersTimeoutMs`,
 * and a body that errors with a NETWORK error when it stalls for `bodyIdleTimeoutMs` (or the connection drops mid-body).
 * A cancel through `init.signal` stays an AbortError.
 */
export function createFetchTransport(options: FetchTransportOptions = {}): HttpTransport {
  const headersTimeoutMs = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const bodyIdleTimeoutMs = options.bodyIdleTimeoutMs ?? DEFAULT_BODY_IDLE_TIMEOUT_MS;
  return {
    fetch: async (url, init) => {
      const timeouts = new AbortController();
      const signal = init.signal ? AbortSignal.any([init.signal, timeouts.signal]) : timeouts.signal;
      let headersTimer: ReturnType<typeof setTimeout> | undefined;
      const awaitHeaders = (): void => {
        headersTimer = setTimeout(() => timeouts.abort(headersTimeout(url, headersTimeoutMs)), headersTimeoutMs);
      };
      let requestInit: RequestInit = { ...init, signal };
      if (init.body instanceof ReadableStream) {
        requestInit = { ...requestInit, body: watchUpload(init.body as ReadableStream<Uint8Array>, { url, idleMs: bodyIdleTimeoutMs, timeouts, sent: awaitHeaders }) };
      } else {
        awaitHeaders();
      }
      let response: Response;
      try {
        response = await fetch(url, requestInit);
      } catch (error) {
        if (init.signal?.aborted) throw error;
        throw networkError(timeouts.signal.aborted ? timeouts.signal.reason : error, url);
      } finally {
        clearTimeout(headersTimer);
      }
      if (response.body === null) return response;
      const body = watchBody(response.body, { url, idleMs: bodyIdleTimeoutMs, timeouts, cancelled: () => init.signal?.aborted === true });
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    },
  };
}

/**
 * Wraps a streamed request body: calls `sent` once its last byte was taken by the connection (the headers clock starts
 * then), and aborts the request with a NETWORK error when the connection takes nothing for `idleMs` (a stalled upload).
 */
function watchUpload(
  source: ReadableStream<Uint8Array>,
  options: { url: string; idleMs: number; timeouts: AbortController; sent: () => void },
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let idle: ReturnType<typeof setTimeout> | undefined;
  const stop = (): void => clearTimeout(idle);
  options.timeouts.signal.addEventListener('abort', stop, { once: true });
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        stop();
        const chunk = await reader.read();
        if (chunk.done) {
          controller.close();
          options.sent();
          return;
        }
        controller.enqueue(chunk.value);
        // The next pull comes when the connection wants more bytes: none for idleMs means the upload stalled.
        idle = setTimeout(() => options.timeouts.abort(uploadStalled(options.url, options.idleMs)), options.idleMs);
      },
      cancel: (reason) => {
        stop();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

function uploadStalled(url: string, ms: number): ServiceError {
  return new ServiceError(
    'NETWORK',
    `${safeHost(url)} stopped taking the upload (nothing was sent for ${seconds(ms)}).`,
    'The connection stalled part-way: check your internet connection or VPN, then resume the load.',
  );
}

/**
 * Wraps a response body so each read that waits longer than `idleMs` for bytes aborts the request and errors the body with
 * a NETWORK error; any other failure mid-body becomes a NETWORK error too, except a cancel by the caller.
 */
function watchBody(
  source: ReadableStream<Uint8Array>,
  options: { url: string; idleMs: number; timeouts: AbortController; cancelled: () => boolean },
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // The clock runs only while a reader waits for bytes, so a slow consumer (a disk, a parser) never trips it.
        const timer = setTimeout(() => options.timeouts.abort(bodyStalled(options.url, options.idleMs)), options.idleMs);
        try {
          const chunk = await reader.read();
          if (chunk.done) controller.close();
          else controller.enqueue(chunk.value);
        } catch (error) {
          if (options.cancelled()) controller.error(error);
          else controller.error(networkError(options.timeouts.signal.aborted ? options.timeouts.signal.reason : error, options.url));
        } finally {
          clearTimeout(timer);
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

function headersTimeout(url: string, ms: number): ServiceError {
  return new ServiceError(
    'NETWORK',
    `${safeHost(url)} did not answer in time (no response within ${seconds(ms)}).`,
    'Check your internet connection or VPN, then try again; if Salesforce is slow right now, try again in a few minutes.',
  );
}

function bodyStalled(url: string, ms: number): ServiceError {
  return new ServiceError(
    'NETWORK',
    `${safeHost(url)} stopped sending the response (nothing arrived for ${seconds(ms)}).`,
    'The connection stalled part-way: check your internet connection or VPN, then run it again.',
  );
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** A transport that counts requests per URL path on top of another (tests use it to assert "exactly one token request"). */
export function createCountingTransport(
  inner: HttpTransport,
): HttpTransport & { count(pathPart: string): number; readonly total: number; readonly urls: readonly string[] } {
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
    get urls() {
      return [...urls];
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
