/**
 * Bayeux messages as Salesforce's CometD server writes them (salesforce-api.md 6.2): success replies in the recorded key
 * order, and errors in the `"<code>::<text>"` form with the advice real clients act on.
 */

/** A message as a client sends it (anything may be missing or of the wrong type). */
export type IncomingMessage = Record<string, unknown>;

/** A reply element; `JSON.stringify` keeps the insertion order of its keys. */
export type OutgoingMessage = Record<string, unknown>;

/** The advice after which a client must handshake again (and re-subscribe). */
const HANDSHAKE_ADVICE = { interval: 0, reconnect: 'handshake' } as const;

/** The advice after which a client must not reconnect (authentication lost). */
const NONE_ADVICE = { reconnect: 'none', interval: 0 } as const;

/** The error texts the server uses; the ones marked [INF] are not quoted in the sources. */
export const ERRORS = {
  unknownClient: '403::Unknown client',
  authInvalid: '401::Authentication invalid',
  authMissing: '401::Request requires authentication',
  handshakeDenied: '403::Handshake denied',
  versionMissing: (latest: string): string => `400::API version in the URI is mandatory. URI format: '/cometd/${latest}'`,
  versionOld: "400::Unsupported API version. Only API versions '37.0' and later are supported.",
  invalidReplay: (id: unknown): string =>
    `400::The replayId {${String(id)}} you provided was invalid. Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
  unknownChannel: (channel: string): string => `400::The channel you requested to subscribe to doesn't exist {${channel}}`,
  leadingSlash: "400::Channel subscriptions must start with a leading '/'",
  // [INF] the docs elide the client id and the cookie name: "Client … has established a session, but no … cookie present".
  missingCookie: (clientId: string): string => `400::Client ${clientId} has established a session, but no BAYEUX_BROWSER cookie present`,
  // [INF] code: the docs give the text "Invalid connection type {x}" without one.
  connectionType: (type: unknown): string => `400::Invalid connection type {${String(type)}}`,
  // [INF] Salesforce does not let CometD clients publish; the text is a guess.
  publishDenied: '403::Publish denied',
  // [INF] a meta channel this server does not know.
  unknownMeta: (channel: string): string => `400::Unknown meta channel {${channel}}`,
  // [INF] what a body that is not JSON gets.
  badJson: '400::Invalid JSON message',
} as const;

/** The `id` of a request, echoed as it came (string or number), or undefined. */
function messageId(message: IncomingMessage): string | number | undefined {
  const id = message.id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/** The request's channel as text ('' when it is not a string). */
function channelOf(message: IncomingMessage): string {
  return typeof message.channel === 'string' ? message.channel : '';
}

/** A reply that carries the request's `id` when it had one. */
function withId(reply: OutgoingMessage, message: IncomingMessage): OutgoingMessage {
  const id = messageId(message);
  if (id !== undefined) reply.id = id;
  return reply;
}

/** `403::Unknown client` with the handshake advice (key order as captured from a real org). */
export function unknownClientReply(message: IncomingMessage): OutgoingMessage {
  const reply: OutgoingMessage = { advice: { ...HANDSHAKE_ADVICE }, channel: channelOf(message) };
  withId(reply, message);
  reply.error = ERRORS.unknownClient;
  reply.successful = false;
  return reply;
}

/** `401::Authentication invalid` on a client that had handshaken (advice: reconnect none). */
export function authInvalidReply(message: IncomingMessage, clientId: string): OutgoingMessage {
  const reply: OutgoingMessage = { clientId, advice: { ...NONE_ADVICE }, channel: channelOf(message) };
  withId(reply, message);
  reply.error = ERRORS.authInvalid;
  reply.successful = false;
  return reply;
}

/** A denied handshake: `403::Handshake denied` with the reason in `ext.sfdc.failureReason` (docs). */
export function handshakeDeniedReply(message: IncomingMessage, reason: string): OutgoingMessage {
  const reply: OutgoingMessage = { ext: { sfdc: { failureReason: reason } }, advice: { reconnect: 'none' }, channel: '/meta/handshake' };
  withId(reply, message);
  reply.error = ERRORS.handshakeDenied;
  reply.successful = false;
  return reply;
}

/** Any other failure of a message: `{clientId?, channel, id, [subscription], error, successful:false[, advice]}`. */
export function failureReply(message: IncomingMessage, error: string, extra: { clientId?: string; subscription?: string; advice?: Record<string, unknown> } = {}): OutgoingMessage {
  const reply: OutgoingMessage = {};
  if (extra.clientId !== undefined) reply.clientId = extra.clientId;
  if (extra.advice !== undefined) reply.advice = extra.advice;
  reply.channel = channelOf(message);
  withId(reply, message);
  if (extra.subscription !== undefined) reply.subscription = extra.subscription;
  reply.error = error;
  reply.successful = false;
  return reply;
}

/** The successful handshake reply (docs, key order kept). */
export function handshakeReply(message: IncomingMessage, clientId: string): OutgoingMessage {
  const reply: OutgoingMessage = {
    ext: { replay: true, 'payload.format': true },
    minimumVersion: '1.0',
    clientId,
    supportedConnectionTypes: ['long-polling'],
    channel: '/meta/handshake',
  };
  withId(reply, message);
  reply.version = '1.0';
  reply.successful = true;
  return reply;
}

/** A successful `/meta/connect` reply; the first one of a client carries the advice. */
export function connectReply(message: IncomingMessage, clientId: string, advice?: Record<string, unknown>): OutgoingMessage {
  const reply: OutgoingMessage = { clientId };
  if (advice !== undefined) reply.advice = advice;
  reply.channel = '/meta/connect';
  withId(reply, message);
  reply.successful = true;
  return reply;
}

/** A successful `/meta/subscribe` or `/meta/unsubscribe` reply. */
export function subscriptionReply(message: IncomingMessage, clientId: string, channel: '/meta/subscribe' | '/meta/unsubscribe', subscription: string): OutgoingMessage {
  const reply: OutgoingMessage = { clientId, channel };
  withId(reply, message);
  reply.subscription = subscription;
  reply.successful = true;
  return reply;
}

/** The `/meta/disconnect` reply. */
export function disconnectReply(message: IncomingMessage, clientId: string): OutgoingMessage {
  const reply: OutgoingMessage = { clientId, channel: '/meta/disconnect' };
  withId(reply, message);
  reply.successful = true;
  return reply;
}

/** The wire form of one event on one channel: `{"data":…,"channel":"…"}` built from the stored JSON text. */
export function eventMessageText(data: string, channel: string): string {
  return `{"data":${data},"channel":${JSON.stringify(channel)}}`;
}
