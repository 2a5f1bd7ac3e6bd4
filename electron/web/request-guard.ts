import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header the web bridge sends the per-launch token in. */
export const TOKEN_HEADER = 'x-orgdesk-token';
/** The WebSocket subprotocol carrying the token (browsers cannot set headers on a WebSocket). */
export const TOKEN_PROTOCOL_PREFIX = 'orgdesk-token.';
/** The WebSocket subprotocol the server answers with once the token checks out. */
export const EVENTS_PROTOCOL = 'orgdesk-events';

/** The outcome of checking one request: let it through, or the status to refuse it with. */
export type GuardVerdict = { allowed: true } | { allowed: false; status: 401 | 403; reason: string };

/** Checks requests against DNS rebinding (Host), cross-site pages (Origin) and the per-launch token. */
export type RequestGuard = {
  /** Host and Origin check, for every request including static files: a foreign one gets 403. */
  checkSite(request: IncomingMessage): GuardVerdict;
  /** Host/Origin check plus the token from the header (API calls): a missing or wrong token gets 401. */
  checkApi(request: IncomingMessage): GuardVerdict;
  /** Host/Origin check plus the token from the WebSocket subprotocol list. */
  checkEvents(request: IncomingMessage): GuardVerdict;
};

/** Builds the guard for a server listening on 127.0.0.1:port with the given token. */
export function createRequestGuard(options: { port: number; token: string }): RequestGuard {
  const hosts = new Set([`127.0.0.1:${options.port}`, `localhost:${options.port}`]);
  const origins = new Set([...hosts].map((host) => `http://${host}`));
  const expected = Buffer.from(options.token);

  const tokenMatches = (candidate: string | undefined): boolean => {
    if (candidate === undefined) return false;
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

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

  const withToken = (request: IncomingMessage, token: string | undefined): GuardVerdict => {
    const site = checkSite(request);
    if (!site.allowed) return site;
    if (!tokenMatches(token)) {
      return { allowed: false, status: 401, reason: 'Missing or wrong OrgDesk token: open the URL printed by `npm run web`.' };
    }
    return { allowed: true };
  };

  return {
    checkSite,
    checkApi: (request) => {
      const header = request.headers[TOKEN_HEADER];
      return withToken(request, typeof header === 'string' ? header : undefined);
    },
    checkEvents: (request) => {
      const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((value) => value.trim());
      const tokenProtocol = protocols.find((value) => value.startsWith(TOKEN_PROTOCOL_PREFIX));
      return withToken(request, tokenProtocol?.slice(TOKEN_PROTOCOL_PREFIX.length));
    },
  };
}
