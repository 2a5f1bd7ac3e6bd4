import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WEB_PROTOCOL } from '../../shared/ipc/transport-protocol';

/** The header a script or test may send the per-launch token in (the page sends it only once, to exchange it for the cookie). */
export const TOKEN_HEADER = WEB_PROTOCOL.tokenHeader;
/** The WebSocket subprotocol carrying the token, for sockets opened outside the page (the page's socket carries the cookie). */
export const TOKEN_PROTOCOL_PREFIX = WEB_PROTOCOL.tokenProtocolPrefix;
/** The WebSocket subprotocol the server answers with once the socket is authenticated. */
export const EVENTS_PROTOCOL = WEB_PROTOCOL.eventsProtocol;

/**
 * The outcome of checking one request: let it through (saying whether the launch token or the page's session cookie
 * authenticated it, for API calls), or the status to refuse it with.
 */
export type GuardVerdict = { allowed: true; by?: 'token' | 'cookie' } | { allowed: false; status: 401 | 403; reason: string };

/** Checks requests against DNS rebinding (Host), cross-site pages (Origin) and the per-launch token or its session cookie. */
export type RequestGuard = {
  /** Host and Origin check, for every request including static files: a foreign one gets 403. */
  checkSite(request: IncomingMessage): GuardVerdict;
  /** Host/Origin check plus the token header or the session cookie (API calls): neither, or a wrong one, gets 401. */
  checkApi(request: IncomingMessage): GuardVerdict;
  /** Host/Origin check plus the token from the WebSocket subprotocol list, or the session cookie. */
  checkEvents(request: IncomingMessage): GuardVerdict;
  /**
   * The `Set-Cookie` value that hands the page its session once it proved it has the token: HttpOnly (no script reads it),
   * SameSite=Strict (no other site's page sends it), host-only, named for this server's port and valued for it (a MAC over it).
   */
  readonly sessionCookie: string;
};

/** The session cookie's name for a server on `port`. */
function sessionCookieName(port: number): string {
  return `${WEB_PROTOCOL.sessionCookiePrefix}${port}`;
}

/**
 * The session cookie's value for a server on `port`: `<port>.<HMAC-SHA256(sessionKey, port)>`. Bound to the port in value as
 * well as in name, so a cookie minted for another 127.0.0.1 port (browsers send cookies to every port of a host) or renamed
 * to this port's name is refused here.
 */
export function sessionCookieValue(sessionKey: string, port: number): string {
  return `${port}.${createHmac('sha256', sessionKey).update(`${WEB_PROTOCOL.sessionCookiePrefix}${port}`).digest('base64url')}`;
}

/**
 * Builds the guard for a server listening on 127.0.0.1:port. `token` is the launch token (in the printed URL's fragment);
 * `sessionKey` is the different secret the page's cookie is derived from (`sessionCookieValue`) once it exchanged the token,
 * so the token itself never sits in the browser's cookie jar, storage or history.
 */
export function createRequestGuard(options: { port: number; token: string; sessionKey: string }): RequestGuard {
  const hosts = new Set([`127.0.0.1:${options.port}`, `localhost:${options.port}`]);
  const origins = new Set([...hosts].map((host) => `http://${host}`));
  const cookieName = sessionCookieName(options.port);
  const session = sessionCookieValue(options.sessionKey, options.port);

  const checkSite = (request: IncomingMessage): GuardVerdict => {
    const host = request.headers.host;
    if (host === undefined || !hosts.has(host.toLowerCase())) {
      return { allowed: false, status: 403, reason: 'This server only answers requests addressed to 127.0.0.1.' };
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !origins.has(origin.toLowerCase())) {
      return { allowed: false, status: 403, reason: 'Requests from other sites are refused.' };
    }
    return { allowed: true };
  };

  const authenticated = (request: IncomingMessage, token: string | undefined): GuardVerdict => {
    const site = checkSite(request);
    if (!site.allowed) return site;
    if (secretMatches(token, options.token)) return { allowed: true, by: 'token' };
    // The value names its port: checked before the MAC, so a cookie of another port is refused whatever its MAC says.
    const cookie = cookieValue(request, cookieName);
    if (cookie !== undefined && cookie.split('.')[0] === String(options.port) && secretMatches(cookie, session)) return { allowed: true, by: 'cookie' };
    return { allowed: false, status: 401, reason: 'Missing or wrong OrgDesk token: open the URL printed by `npm run web`.' };
  };

  return {
    checkSite,
    checkApi: (request) => {
      const header = request.headers[TOKEN_HEADER];
      return authenticated(request, typeof header === 'string' ? header : undefined);
    },
    checkEvents: (request) => {
      const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((value) => value.trim());
      const tokenProtocol = protocols.find((value) => value.startsWith(TOKEN_PROTOCOL_PREFIX));
      return authenticated(request, tokenProtocol?.slice(TOKEN_PROTOCOL_PREFIX.length));
    },
    sessionCookie: `${cookieName}=${session}; HttpOnly; SameSite=Strict; Path=/`,
  };
}

function secretMatches(candidate: string | undefined, secret: string): boolean {
  if (candidate === undefined) return false;
  const given = Buffer.from(candidate);
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The value of one cookie in a request's Cookie header, or undefined. */
function cookieValue(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}
