import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { fail } from '../../shared/ipc/result';
import { WEB_PROTOCOL } from '../../shared/ipc/transport-protocol';
import { createAppContext, type AppContext, type AppContextOptions } from '../ipc/create-app-context';
import { contentSecurityPolicy } from '../shared-transport/content-security-policy';
import { createClientPresence } from './client-presence';
import { readJsonBody, refuseJsonBody, sendJson, sendJsonAndCutOff } from './http-body';
import { createRequestGuard, EVENTS_PROTOCOL, type GuardVerdict } from './request-guard';
import { serveStaticFile } from './static-files';
import { createUploadRoute, DEFAULT_MAX_UPLOAD_BYTES, uploadsDirOf } from './upload-route';

/** The path the web bridge POSTs `{ channel, args }` to. */
const INVOKE_PATH = WEB_PROTOCOL.invokePath;
/** The path the page POSTs to, to exchange the launch token for its session cookie (204 once authenticated). */
const SESSION_PATH = WEB_PROTOCOL.sessionPath;
/** The path of the WebSocket carrying contract events. */
const EVENTS_PATH = WEB_PROTOCOL.eventsPath;
/** The header naming the tab's event connection (main's id for it, sent as the socket's first message) on its calls. */
export const CONNECTION_HEADER = WEB_PROTOCOL.connectionHeader;
/** The query parameter a reconnecting event socket names its previous connection by, to keep what it started. */
const RESUME_PARAM = WEB_PROTOCOL.resumeParam;
/** The sender of calls made with the launch token and no event connection (scripts, tests): one shared sender. */
const SCRIPT_SENDER_ID = 'web:script';
/** How long a tab may be without its event socket before what it started (query runs) is cancelled and dropped. */
const DEFAULT_SENDER_GRACE_MS = 30_000;

const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** How to start browser mode. */
export type WebServerOptions = {
  /** The port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** A writable folder for the app's files. */
  userDataDir: string;
  /** The renderer build to serve; defaults to `dist/renderer` under the current directory. */
  rendererDir?: string;
  /** The version app:info reports. */
  version?: string;
  /** The token to require; a fresh random one per launch when absent. */
  token?: string;
  /** Extra options for the app context (ports, the local org starter, ...), passed through to createAppContext. */
  appOptions?: Partial<Omit<AppContextOptions, 'userDataDir' | 'mode' | 'version' | 'platform'>>;
  /** Builds the app context; defaults to createAppContext (tests may pass one that wires extra services). */
  createContext?: (options: AppContextOptions) => Promise<AppContext>;
  /** Where INTERNAL errors are logged; silent by default. */
  onInternalError?: (channel: string, error: unknown) => void;
  /** How long a tab's event socket may stay closed before its sender scope is released (default 30 s; tests pass less). */
  senderGraceMs?: number;
  /** The size cap of a file dropped on the Load area and streamed to `<userDataDir>/uploads` (default 2 GB). */
  maxUploadBytes?: number;
  /** The cap of all dropped files held at once (default 8 GB). */
  maxTotalUploadBytes?: number;
  /** How many files may be sent at once (default 4). */
  maxConcurrentUploads?: number;
};

/** A running browser-mode server. */
export type WebServer = {
  /** The URL to open, token in the fragment: `http://127.0.0.1:PORT/#token=...`. */
  url: string;
  /** `http://127.0.0.1:PORT`, without the token. */
  origin: string;
  /** The per-launch token. */
  token: string;
  /** The port it listens on. */
  port: number;
  /** The app context behind it (for tests that emit events or call services directly). */
  context: AppContext;
  /** Closes sockets and the server, then disposes the app context. */
  stop: () => Promise<void>;
};

/**
 * Starts browser mode: serves the renderer build and the app's handler table on 127.0.0.1 over HTTP (`POST /api/invoke`) and
 * a WebSocket (`/api/events`), guarded by a per-launch token and a Host/Origin check against DNS rebinding. The page shows
 * the token once (`/api/session`) and from then on holds an HttpOnly, SameSite=Strict session cookie instead, bound to this
 * port in name and value. A tab's calls name its event connection (an id main minted for the authenticated socket), which
 * owns what the tab starts.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  // What the page's HttpOnly cookie is derived from once it showed the token: a second secret, so the token never sits in the browser.
  const sessionKey = randomBytes(32).toString('base64url');
  const rendererDir = resolve(options.rendererDir ?? 'dist/renderer');
  const build = options.createContext ?? createAppContext;
  const context = await build({
    ...options.appOptions,
    userDataDir: options.userDataDir,
    mode: 'browser',
    version: options.version ?? '0.0.0',
    platform: process.platform,
    ...(options.onInternalError === undefined ? {} : { onInternalError: options.onInternalError }),
  });

  let guard = createRequestGuard({ port: 0, token, sessionKey });
  let pageHeaders: Record<string, string> = {};
  const sockets = new WebSocketServer({ noServer: true, handleProtocols: () => EVENTS_PROTOCOL });
  // A tab whose event socket closed and did not come back is this mode's closed window: release what it started.
  const presence = createClientPresence({
    graceMs: options.senderGraceMs ?? DEFAULT_SENDER_GRACE_MS,
    onGone: (connectionId) => context.releaseSender(senderIdOf(connectionId)),
  });

  const uploads = createUploadRoute({
    dir: uploadsDirOf(options.userDataDir),
    maxBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    ...(options.maxTotalUploadBytes === undefined ? {} : { maxTotalBytes: options.maxTotalUploadBytes }),
    ...(options.maxConcurrentUploads === undefined ? {} : { maxConcurrent: options.maxConcurrentUploads }),
    inUse: (uploadId) => context.uploadInUse(uploadId),
  });

  const server = createServer((request, response) => {
    handleRequest(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Internal error');
    });
  });

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path.startsWith('/api/')) {
      const verdict = guard.checkApi(request);
      if (!verdict.allowed) return refuse(response, verdict);
      if (path === SESSION_PATH && request.method === 'POST') {
        response.writeHead(204, { 'set-cookie': guard.sessionCookie, 'cache-control': 'no-store' }).end();
        return;
      }
      if (uploads.owns(path)) return uploads.handle(request, response, path);
      if (path !== INVOKE_PATH || request.method !== 'POST') {
        return sendJson(response, 404, fail('NOT_FOUND', `No API at ${request.method ?? 'GET'} ${path}.`));
      }
      return handleInvoke(request, response, verdict.by ?? 'token');
    }
    const verdict = guard.checkSite(request);
    if (!verdict.allowed) return refuse(response, verdict);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (!existsSync(resolve(rendererDir, 'index.html'))) {
      response
        .writeHead(503, { ...pageHeaders, 'content-type': 'text/plain; charset=utf-8' })
        .end(`The renderer is not built (${rendererDir}/index.html is missing): run \`npm run build\` first.`);
      return;
    }
    await serveStaticFile(response, rendererDir, path, pageHeaders);
  }

  /**
   * The sender of a call: the tab's event connection it names (one main minted and still knows), or, for a call made with
   * the launch token and no connection (a script), the script sender. A page (cookie) must name its connection.
   */
  function senderOf(request: IncomingMessage, by: 'token' | 'cookie'): { id: string } | null {
    const named = request.headers[CONNECTION_HEADER];
    if (typeof named === 'string') return presence.has(named) ? { id: senderIdOf(named) } : null;
    return by === 'token' ? { id: SCRIPT_SENDER_ID } : null;
  }

  async function handleInvoke(request: IncomingMessage, response: ServerResponse, by: 'token' | 'cookie'): Promise<void> {
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendJsonAndCutOff(request, response, 415, fail('VALIDATION', 'OrgDesk calls must be sent as application/json.'));
    }
    const sender = senderOf(request, by);
    if (sender === null) {
      return sendJsonAndCutOff(request, response, 401, fail('AUTH', "This tab's connection to OrgDesk is gone.", 'Reload the page to connect again.'));
    }
    const body = await readJsonBody(request, MAX_BODY_BYTES, 'An OrgDesk call');
    if (!body.ok) return refuseJsonBody(request, response, body, fail('VALIDATION', body.message));
    const message = body.value;
    const { channel, args } = (typeof message === 'object' && message !== null ? message : {}) as { channel?: unknown; args?: unknown };
    const result = await context.invoke(typeof channel === 'string' ? channel : '', args, sender);
    sendJson(response, 200, result);
  }

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const verdict: GuardVerdict = path === EVENTS_PATH ? guard.checkEvents(request) : { allowed: false, status: 403, reason: 'No such socket.' };
    if (!verdict.allowed) {
      socket.end(`HTTP/1.1 ${verdict.status} ${verdict.status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => attachEvents(ws, url.searchParams.get(RESUME_PARAM)));
  });

  /**
   * An authenticated event socket is a connection: main names it with a fresh random id (or the one it resumes, while main
   * still knows it) and sends that id first; the tab's calls name it, and what they start ends with it.
   */
  function attachEvents(ws: WebSocket, resume: string | null): void {
    const connectionId = resume !== null && presence.has(resume) ? resume : randomBytes(16).toString('hex');
    ws.send(JSON.stringify({ connection: connectionId }));
    const unsubscribe = context.subscribe((event) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
    });
    const disconnect = presence.connected(connectionId);
    const closed = (): void => {
      unsubscribe();
      disconnect();
    };
    ws.on('close', closed);
    ws.on('error', closed);
    ws.on('message', () => ws.close(1008, 'This socket only carries events from OrgDesk.'));
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  guard = createRequestGuard({ port, token, sessionKey });
  pageHeaders = securityHeaders(port);
  const origin = `http://127.0.0.1:${port}`;

  let stopped: Promise<void> | undefined;
  return {
    url: `${origin}/#${WEB_PROTOCOL.launchFragmentKey}=${token}`,
    origin,
    token,
    port,
    context,
    stop: () => {
      stopped ??= (async () => {
        presence.dispose();
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
        await uploads.dispose();
        await context.dispose();
      })();
      return stopped;
    },
  };
}

/** The sender id of a tab's event connection and of the calls that name it. */
function senderIdOf(connectionId: string): string {
  return `web:${connectionId}`;
}

function securityHeaders(port: number): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy({ connectSrc: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`] }),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

function refuse(response: ServerResponse, verdict: { status: number; reason: string }): void {
  sendJson(response, verdict.status, fail(verdict.status === 401 ? 'AUTH' : 'VALIDATION', verdict.reason));
}
