/**
 * The Bayeux server behind `/cometd/<version>` (salesforce-api.md 6): long-polling only, handshake / connect / subscribe /
 * unsubscribe / disconnect, the `BAYEUX_BROWSER` cookie, the Authorization header on every request, per-client replay
 * through cursors into the shared event log, held connects answered early when events arrive, clients forgotten when they
 * do not reconnect in time, and slow readers dropped. Written directly (not on faye's server): faye cannot replay per
 * client, nor answer with Salesforce's error texts, cookie rule, auth on every request or size limits.
 */
import type { IncomingMessage as HttpRequest, ServerResponse } from 'node:http';
import type { SessionStore } from '../auth/sessions';
import { readText } from '../http/respond';
import {
  ERRORS,
  authInvalidReply,
  connectReply,
  disconnectReply,
  eventMessageText,
  failureReply,
  handshakeDeniedReply,
  handshakeReply,
  subscriptionReply,
  unknownClientReply,
  type IncomingMessage,
  type OutgoingMessage,
} from './bayeux-messages';
import type { EventLog, StoredEvent } from './event-log';
import { asMessages, authToken, checkVersion, cookieValue, newClientId, replayAsked } from './bayeux-requests';

/** Real orgs refuse a CometD request body over 32,768 bytes with 413 (salesforce-api.md 6.1). */
const MAX_COMETD_BODY_BYTES = 32_768;

/** Tunables of the Bayeux server (defaults are the real org's, where known). */
export type BayeuxServerOptions = {
  log: EventLog;
  sessions: SessionStore;
  /** True when a channel can be subscribed to. */
  channelExists(channel: string): boolean;
  /** The newest API version, used in the "version is mandatory" text. */
  latestVersion: string;
  /** How long `/meta/connect` is held (110 s). */
  connectTimeoutMs: number;
  /** How long after a reply a client may take to reconnect before it is forgotten (40 s). */
  clientTimeoutMs: number;
  /** At most this many events in one connect reply ([INF] 1000); the rest come with the next connect at once. */
  maxEventsPerReply: number;
  /** A reply whose socket takes no bytes for this long drops the client (10 s). */
  slowClientMs: number;
  /** Concurrent clients allowed ([INF] 10,000); past it a handshake is denied. */
  maxClients: number;
  /** Takes one firing of an armed streaming fault of this kind (see `STREAMING_FAULT_KINDS`); none armed by default. */
  fault?: (kind: StreamingFaultKind) => boolean;
};

/**
 * The streaming faults the admin API arms (`POST /__emulator/faults {kind}`), each firing once unless told otherwise:
 * a connect reply carrying events lost after the cursors moved past them, a client forgotten at its next connect
 * (`403::Unknown client`), and a client's session revoked at its next connect (`401::Authentication invalid`).
 */
export const STREAMING_FAULT_KINDS = ['streaming-lost-reply', 'streaming-drop-client', 'streaming-expire-session'] as const;

/** One of `STREAMING_FAULT_KINDS`. */
type StreamingFaultKind = (typeof STREAMING_FAULT_KINDS)[number];

type Subscription = { channel: string; cursor: number };

type HeldConnect = { res: ServerResponse; prefix: OutgoingMessage[]; message: IncomingMessage; timer: NodeJS.Timeout };

type BayeuxClient = {
  id: string;
  browser: string;
  token: string;
  userId: string;
  createdAt: number;
  subscriptions: Map<string, Subscription>;
  connectedOnce: boolean;
  held: HeldConnect | undefined;
  expiry: NodeJS.Timeout | undefined;
  lastReplyAt: number;
  delivered: number;
};

/** A client as the admin API lists it. */
export type StreamingClientInfo = {
  clientId: string;
  userId: string;
  subscriptions: { channel: string; cursor: number }[];
  waiting: boolean;
  delivered: number;
};

/** The running Bayeux server. */
export interface BayeuxServer {
  /** Answers a request whose path starts with `/cometd`. */
  handle(req: HttpRequest, res: ServerResponse, url: URL): Promise<void>;
  /** The live clients. */
  clients(): StreamingClientInfo[];
  /** Subscribers per channel. */
  subscriberCounts(): Record<string, number>;
  /** Forgets a client: a held connect and its next call get `403::Unknown client`. */
  dropClient(clientId: string): boolean;
  /** Revokes the client's access token: a held connect and its next call get `401::Authentication invalid`. */
  expireClientSession(clientId: string): boolean;
  /** Stops answering held connects with events (they still time out normally). */
  pause(): void;
  /** Delivers what accumulated while paused. */
  resume(): void;
  /** True while paused. */
  paused(): boolean;
  /** Forgets every client (admin reset). */
  dropAll(): void;
  /** Ends held connects and timers. */
  stop(): void;
}

/** Creates the Bayeux server over the event log. */
export function createBayeuxServer(options: BayeuxServerOptions): BayeuxServer {
  const { log, sessions } = options;
  const clients = new Map<string, BayeuxClient>();
  const byChannel = new Map<string, Set<BayeuxClient>>();
  const browsers = new Set<string>();
  const dirty = new Set<BayeuxClient>();
  let flushScheduled = false;
  let isPaused = false;
  const fault = options.fault ?? (() => false);

  /** Sends a connect reply carrying events, unless a lost-reply fault drops it after the cursors already moved. */
  const sendEvents = (res: ServerResponse, body: string, events: number, client: BayeuxClient): void => {
    if (events > 0 && fault('streaming-lost-reply')) {
      res.destroy();
      return;
    }
    send(res, 200, body, {}, client);
  };

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}, client?: BayeuxClient): void => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { ...headers, 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    if (client !== undefined && !res.writableFinished) {
      // A reply whose socket takes nothing for slowClientMs means a client that stopped reading: drop it, keep nothing
      // for it. A slow but steady reader is left alone.
      let pending = res.socket?.writableLength ?? 0;
      const timer = setInterval(() => {
        const now = res.socket?.writableLength ?? 0;
        if (res.writableFinished || now < pending) {
          pending = now;
          return;
        }
        clearInterval(timer);
        res.destroy();
        forget(client);
      }, options.slowClientMs);
      res.once('finish', () => clearInterval(timer));
      res.once('close', () => clearInterval(timer));
    }
  };
  const sendMessages = (res: ServerResponse, messages: OutgoingMessage[], headers?: Record<string, string | string[]>, status = 200): void => {
    send(res, status, JSON.stringify(messages), headers);
  };

  const armExpiry = (client: BayeuxClient): void => {
    if (client.expiry) clearTimeout(client.expiry);
    client.expiry = setTimeout(() => {
      if (client.held === undefined) forget(client);
    }, options.clientTimeoutMs);
  };

  const unsubscribe = (client: BayeuxClient, channel: string): void => {
    client.subscriptions.delete(channel);
    const set = byChannel.get(channel);
    set?.delete(client);
    if (set && set.size === 0) byChannel.delete(channel);
  };

  /** Removes a client; a held connect gets `reply` (or is simply ended). */
  function forget(client: BayeuxClient, reply?: (message: IncomingMessage) => OutgoingMessage): void {
    if (clients.get(client.id) !== client) return;
    clients.delete(client.id);
    dirty.delete(client);
    for (const channel of [...client.subscriptions.keys()]) unsubscribe(client, channel);
    if (client.expiry) clearTimeout(client.expiry);
    const held = client.held;
    client.held = undefined;
    if (held) {
      clearTimeout(held.timer);
      if (reply) sendMessages(held.res, [...held.prefix, reply(held.message)]);
      else held.res.destroy();
    }
  }

  /** The events waiting for a client, oldest first across its subscriptions, cursors moved past them. */
  const takeEvents = (client: BayeuxClient): string[] => {
    const limit = options.maxEventsPerReply;
    const found: { event: StoredEvent; sub: Subscription }[] = [];
    const scanned = new Map<Subscription, number>();
    for (const sub of client.subscriptions.values()) {
      if (sub.cursor >= log.latestId()) continue;
      const { events, scannedTo } = log.scan(sub.cursor, sub.channel, limit);
      scanned.set(sub, scannedTo);
      for (const event of events) found.push({ event, sub });
    }
    if (scanned.size === 0) return [];
    if (scanned.size > 1) found.sort((a, b) => a.event.replayId - b.event.replayId);
    const taken = found.slice(0, limit);
    const cut = found.length > limit ? (found[limit] as { event: StoredEvent }).event.replayId : undefined;
    for (const [sub, scannedTo] of scanned) sub.cursor = cut === undefined ? scannedTo : Math.max(sub.cursor, Math.min(scannedTo, cut - 1));
    client.delivered += taken.length;
    return taken.map(({ event, sub }) => eventMessageText(event.data, sub.channel));
  };

  /** Answers a client's held connect now: with events unless paused, or with 401 when its token is no longer valid. */
  const answerHeld = (client: BayeuxClient): void => {
    const held = client.held;
    if (!held) return;
    clearTimeout(held.timer);
    client.held = undefined;
    if (held.res.destroyed) {
      armExpiry(client);
      return;
    }
    if (sessions.use(client.token) === undefined) {
      forget(client);
      sendMessages(held.res, [...held.prefix, authInvalidReply(held.message, client.id)]);
      return;
    }
    const events = isPaused ? [] : takeEvents(client);
    const head = held.prefix.map((m) => JSON.stringify(m));
    const body = `[${[...head, ...events, JSON.stringify(connectReply(held.message, client.id))].join(',')}]`;
    client.lastReplyAt = Date.now();
    sendEvents(held.res, body, events.length, client);
    armExpiry(client);
  };

  const flush = (): void => {
    flushScheduled = false;
    const list = [...dirty];
    dirty.clear();
    for (const client of list) if (client.held && !isPaused) answerHeld(client);
  };

  log.onAppend((event) => {
    for (const channel of event.channels) {
      const set = byChannel.get(channel);
      if (!set) continue;
      for (const client of set) if (client.held) dirty.add(client);
    }
    if (dirty.size > 0 && !flushScheduled && !isPaused) {
      flushScheduled = true;
      setImmediate(flush);
    }
  });

  const hasEvents = (client: BayeuxClient): boolean => {
    for (const sub of client.subscriptions.values()) {
      if (sub.cursor >= log.latestId()) continue;
      if (log.scan(sub.cursor, sub.channel, 1).events.length > 0) return true;
    }
    return false;
  };

  const handshake = (message: IncomingMessage, token: string | undefined, sessionUser: string | undefined, browser: string): OutgoingMessage => {
    if (token === undefined) return handshakeDeniedReply(message, ERRORS.authMissing);
    if (sessionUser === undefined) return handshakeDeniedReply(message, ERRORS.authInvalid);
    if (clients.size >= options.maxClients) return handshakeDeniedReply(message, '403::Organization concurrent user limit exceeded');
    const types = message.supportedConnectionTypes;
    if (Array.isArray(types) && !types.includes('long-polling')) return failureReply(message, ERRORS.connectionType(types.join(',')), { advice: { reconnect: 'none' } });
    const client: BayeuxClient = {
      id: newClientId(),
      browser,
      token,
      userId: sessionUser,
      createdAt: Date.now(),
      subscriptions: new Map(),
      connectedOnce: false,
      held: undefined,
      expiry: undefined,
      lastReplyAt: Date.now(),
      delivered: 0,
    };
    clients.set(client.id, client);
    armExpiry(client);
    return handshakeReply(message, client.id);
  };

  const subscribe = (client: BayeuxClient, message: IncomingMessage): OutgoingMessage => {
    const channel = message.subscription;
    if (typeof channel !== 'string' || !channel.startsWith('/')) return failureReply(message, ERRORS.leadingSlash, { clientId: client.id, subscription: typeof channel === 'string' ? channel : '' });
    if (!options.channelExists(channel)) return failureReply(message, ERRORS.unknownChannel(channel), { clientId: client.id, subscription: channel });
    const asked = replayAsked(message, channel);
    const value = typeof asked === 'string' && /^-?\d+$/.test(asked.trim()) ? Number(asked) : asked;
    let cursor: number;
    if (value === -1) cursor = log.latestId();
    else if (value === -2) cursor = log.lowWater(channel);
    else if (typeof value === 'number' && log.canReplayAfter(value, channel)) cursor = value;
    else return failureReply(message, ERRORS.invalidReplay(asked), { clientId: client.id, subscription: channel });
    client.subscriptions.set(channel, { channel, cursor });
    let set = byChannel.get(channel);
    if (!set) byChannel.set(channel, (set = new Set()));
    set.add(client);
    // A replay (-2 or an id) may have events at once: wake a held connect instead of keeping them until it times out. [INF]
    if (client.held !== undefined && !isPaused && hasEvents(client)) {
      dirty.add(client);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    }
    return subscriptionReply(message, client.id, '/meta/subscribe', channel);
  };

  const connect = (client: BayeuxClient, message: IncomingMessage, prefix: OutgoingMessage[], res: ServerResponse): void => {
    if (message.connectionType !== undefined && message.connectionType !== 'long-polling') {
      sendMessages(res, [...prefix, failureReply(message, ERRORS.connectionType(message.connectionType), { clientId: client.id, advice: { reconnect: 'retry', interval: 0 } })]);
      return;
    }
    if (client.held) answerHeld(client);
    if (client.expiry) clearTimeout(client.expiry);
    if (!client.connectedOnce) {
      // The first connect is answered at once and carries the advice (as captured from a real org).
      client.connectedOnce = true;
      const events = isPaused ? [] : takeEvents(client);
      const advice = { interval: 0, timeout: options.connectTimeoutMs, reconnect: 'retry' };
      sendEvents(res, `[${[...prefix.map((m) => JSON.stringify(m)), ...events, JSON.stringify(connectReply(message, client.id, advice))].join(',')}]`, events.length, client);
      armExpiry(client);
      return;
    }
    const timer = setTimeout(() => answerHeld(client), options.connectTimeoutMs);
    const held: HeldConnect = { res, prefix, message, timer };
    client.held = held;
    res.once('close', () => {
      if (client.held !== held) return;
      clearTimeout(held.timer);
      client.held = undefined;
      armExpiry(client);
    });
    if (!isPaused && hasEvents(client)) answerHeld(client);
  };

  async function handle(req: HttpRequest, res: ServerResponse, url: URL): Promise<void> {
    const version = checkVersion(url.pathname, options.latestVersion);
    if (!version.ok && 'notFound' in version) {
      req.resume();
      send(res, 404, JSON.stringify([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]));
      return;
    }
    if ((req.method ?? '').toUpperCase() !== 'POST') {
      req.resume();
      // [INF] CometD's long-polling transport POSTs; other methods are not served.
      send(res, 405, JSON.stringify([{ error: '405::Method not allowed, use POST', successful: false }]), { Allow: 'POST' });
      return;
    }
    const read = await readText(req, MAX_COMETD_BODY_BYTES);
    if (!read.ok) {
      if (read.reason === 'aborted') return;
      // [INF] body: the docs name only the status line, "413 Maximum Request Size Exceeded".
      res.statusMessage = 'Maximum Request Size Exceeded';
      send(res, 413, JSON.stringify([{ error: '413::Maximum Request Size Exceeded', successful: false }]));
      return;
    }
    let messages: IncomingMessage[] | undefined;
    try {
      messages = asMessages(JSON.parse(read.text));
    } catch {
      messages = undefined;
    }
    if (messages === undefined) {
      send(res, 400, JSON.stringify([{ error: ERRORS.badJson, successful: false }]));
      return;
    }
    if (!version.ok) {
      // [INF] status 400; a handshake gets the denied form with the reason, other messages the error itself.
      const replies = messages.map((m) => (m.channel === '/meta/handshake' ? handshakeDeniedReply(m, version.error) : failureReply(m, version.error, { advice: { reconnect: 'none' } })));
      sendMessages(res, replies, {}, 400);
      return;
    }
    const token = authToken(req);
    const session = token === undefined ? undefined : sessions.use(token);
    let browser = cookieValue(req, 'BAYEUX_BROWSER');
    const headers: Record<string, string | string[]> = {};
    const replies: OutgoingMessage[] = [];
    let pendingConnect: { client: BayeuxClient; message: IncomingMessage } | undefined;
    for (const message of messages) {
      const channel = typeof message.channel === 'string' ? message.channel : '';
      if (channel === '/meta/handshake') {
        if (browser === undefined || !browsers.has(browser)) {
          browser = newClientId().slice(0, 20);
          browsers.add(browser);
          // [INF] attributes; over plain HTTP the cookie cannot be Secure.
          headers['Set-Cookie'] = `BAYEUX_BROWSER=${browser}; Path=/; HttpOnly`;
        }
        replies.push(handshake(message, token, session?.userId, browser));
        continue;
      }
      const clientId = typeof message.clientId === 'string' ? message.clientId : undefined;
      const client = clientId === undefined ? undefined : clients.get(clientId);
      if (!client) {
        replies.push(unknownClientReply(message));
        continue;
      }
      if (browser === undefined || !browsers.has(browser)) {
        replies.push(failureReply(message, ERRORS.missingCookie(client.id), { clientId: client.id, advice: { reconnect: 'handshake', interval: 0 } }));
        continue;
      }
      if (token === undefined || session === undefined) {
        forget(client, (m) => authInvalidReply(m, client.id));
        replies.push(authInvalidReply(message, client.id));
        continue;
      }
      client.token = token;
      if (!client.held) armExpiry(client);
      switch (channel) {
        case '/meta/connect':
          if (fault('streaming-drop-client')) {
            forget(client, (m) => unknownClientReply(m));
            replies.push(unknownClientReply(message));
          } else if (fault('streaming-expire-session')) {
            sessions.revoke(client.token);
            forget(client, (m) => authInvalidReply(m, client.id));
            replies.push(authInvalidReply(message, client.id));
          } else {
            pendingConnect = { client, message };
          }
          break;
        case '/meta/subscribe':
          replies.push(subscribe(client, message));
          break;
        case '/meta/unsubscribe': {
          const subscription = typeof message.subscription === 'string' ? message.subscription : '';
          unsubscribe(client, subscription);
          replies.push(subscriptionReply(message, client.id, '/meta/unsubscribe', subscription));
          break;
        }
        case '/meta/disconnect':
          forget(client, (m) => connectReply(m, client.id));
          replies.push(disconnectReply(message, client.id));
          break;
        default:
          replies.push(failureReply(message, channel.startsWith('/meta/') ? ERRORS.unknownMeta(channel) : ERRORS.publishDenied, { clientId: client.id }));
      }
    }
    if (pendingConnect && clients.get(pendingConnect.client.id) === pendingConnect.client) {
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      connect(pendingConnect.client, pendingConnect.message, replies, res);
      return;
    }
    sendMessages(res, replies, headers);
  }

  return {
    handle,
    clients: () =>
      [...clients.values()].map((c) => ({
        clientId: c.id,
        userId: c.userId,
        subscriptions: [...c.subscriptions.values()].map((s) => ({ channel: s.channel, cursor: s.cursor })),
        waiting: c.held !== undefined,
        delivered: c.delivered,
      })),
    subscriberCounts: () => Object.fromEntries([...byChannel].map(([channel, set]) => [channel, set.size])),
    dropClient(clientId) {
      const client = clients.get(clientId);
      if (!client) return false;
      forget(client, (m) => unknownClientReply(m));
      return true;
    },
    expireClientSession(clientId) {
      const client = clients.get(clientId);
      if (!client) return false;
      sessions.revoke(client.token);
      if (client.held) answerHeld(client);
      return true;
    },
    pause() {
      isPaused = true;
    },
    resume() {
      isPaused = false;
      for (const client of clients.values()) if (client.held && hasEvents(client)) dirty.add(client);
      if (dirty.size > 0 && !flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    },
    paused: () => isPaused,
    dropAll() {
      for (const client of [...clients.values()]) forget(client, (m) => unknownClientReply(m));
    },
    stop() {
      for (const client of [...clients.values()]) forget(client);
    },
  };
}
