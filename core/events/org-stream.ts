/**
 * One CometD (Bayeux long-polling) connection to one org, carrying any number of channel subscriptions, over the project's
 * own Bayeux client (`bayeux-client.ts`: handshake, long-polls, advice, back-off, a re-handshake after a lost long-poll).
 * This module adds what Salesforce needs on top (salesforce-api.md 6): the bearer header on every request, the replay
 * value on `/meta/subscribe`, re-subscribing every channel after a re-handshake from its last replay id (or, before its
 * first event, from where it started, flagged when that was -1), a re-login through the session after
 * `401::Authentication invalid`, and duplicate and discontinuity checks by replay id.
 */
import type { ReplayDiscontinuity, SubscriptionFailure, SubscriptionState } from '../../shared/ipc/domains/events';
import type { SalesforceSession, SessionAccess } from '../salesforce/salesforce-session';
import { ServiceError, toAppError } from '../errors';
import { createBayeuxClient, type BayeuxClient, type BayeuxMessage, type MetaResult } from './bayeux-client';
import { changeState, channelStatus, delay, jittered } from './stream-channels';

/** One event as received on a channel (the message's `data`), after the duplicate check. */
type StreamEvent = {
  channel: string;
  replayId: number;
  /** The replay id's own bytes (Pub/Sub's opaque `replay_id`, what a resume sends); absent over CometD. */
  replayBytes?: Buffer | undefined;
  data: Record<string, unknown>;
  /** Set on the first event after a resume that could not start where the channel left off. */
  discontinuity: ReplayDiscontinuity | null;
};

/** The state of one channel of the stream. */
export type ChannelStatus = {
  channel: string;
  state: SubscriptionState;
  lastReplayId: number | null;
  reconnects: number;
  nextRetryAt: Date | null;
  failure?: SubscriptionFailure | undefined;
  /** Events may have been missed and no event carried the flag yet (see `EventSubscription.discontinuity`). */
  discontinuity?: ReplayDiscontinuity | undefined;
};

/** Where the stream reports events and state changes. */
interface StreamListener {
  /** An event arrived (in the order the org sent it). */
  onEvent(event: StreamEvent): void;
  /** A channel changed state. */
  onStatus(status: ChannelStatus): void;
}

/** Ports and tuning of a stream. */
export type OrgStreamOptions = {
  session: SalesforceSession;
  /** The Streaming API version (`66.0`); 37.0 or later. */
  apiVersion: string;
  listener: StreamListener;
  /** The first back-off step after a failure; each further failure adds about as much again (jittered ±50 %), up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  now?: () => Date;
};

/** A live connection to one org's Streaming API. */
export type OrgStream = {
  /**
   * Subscribes a channel from a replay value (-1 new, -2 all retained, or after a replay id); resolves with the channel's
   * status once the org acknowledged or refused, or once the connection is retrying. `replayBytes` are the stored bytes of
   * that id (Pub/Sub resumes with them; CometD ignores them).
   */
  subscribe(channel: string, replayFrom: number, replayBytes?: Uint8Array | null): Promise<ChannelStatus>;
  /** Stops a channel; the connection closes with its last channel. */
  unsubscribe(channel: string): Promise<void>;
  /** The last replay id received on a channel. */
  lastReplayId(channel: string): number | null;
  /** Successful handshakes so far (the first and every re-handshake). */
  readonly handshakes: number;
  /** Events dropped because their replay id was not after the channel's last one (a replay overlap). */
  readonly duplicates: number;
  /** Disconnects and forgets every channel. */
  close(): Promise<void>;
};

type Channel = {
  channel: string;
  /** The replay value asked for (-1, -2 or an id), used until an event arrives. */
  start: number;
  /** The last replay id received: what a resubscribe asks to replay after. */
  last: number | null;
  /** The highest replay id ever delivered, for the duplicate check (not reset by a fallback to -2). */
  highest: number | null;
  /** Whether the current subscribe resumes (after a reconnect) rather than starting as asked. */
  resuming: boolean;
  pendingDiscontinuity: ReplayDiscontinuity | null;
  acknowledged: boolean;
  state: SubscriptionState;
  failure: SubscriptionFailure | undefined;
  waiters: ((status: ChannelStatus) => void)[];
};

const INVALID_REPLAY = /replayId \{?-?\d*\}? you provided was invalid|replay ?id.*invalid/i;
const MAX_RELOGINS = 3;

/** Opens (lazily, on the first subscribe) a CometD connection to the org of `session`. */
export function createOrgStream(options: OrgStreamOptions): OrgStream {
  const { session, listener } = options;
  const now = options.now ?? (() => new Date());
  const backoffMs = options.backoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const channels = new Map<string, Channel>();
  let cometd: BayeuxClient | null = null;
  let access: SessionAccess | null = null;
  let starting: Promise<void> | null = null;
  let relogin: Promise<void> | null = null;
  let reloginsInARow = 0;
  let closed = false;
  let connected = false;
  let handshakes = 0;
  let reconnects = 0;
  let duplicates = 0;

  const statusOf = (c: Channel): ChannelStatus => channelStatus(c, reconnects, cometd === null ? null : new Date(now().getTime() + cometd.backoffPeriod() + backoffMs));

  const setState = (c: Channel, state: SubscriptionState, failure?: SubscriptionFailure): void => {
    if (closed || !channels.has(c.channel)) return;
    changeState(c, state, failure, () => statusOf(c), (status) => listener.onStatus(status), c.pendingDiscontinuity !== null);
  };

  const subscribeOnServer = (client: BayeuxClient, c: Channel): void => {
    c.acknowledged = false;
    void client.subscribe(c.channel, { replay: { [c.channel]: c.last ?? c.start } }).then((reply) => onSubscribed(client, c, reply));
  };

  const onMessage = (message: BayeuxMessage): void => {
    const c = channels.get(message.channel);
    if (closed || c === undefined) return;
    const data = message.data as Record<string, unknown> | undefined;
    const replayId = (data?.event as { replayId?: unknown } | undefined)?.replayId;
    if (data === undefined || typeof replayId !== 'number') return;
    if (c.highest !== null && replayId <= c.highest) {
      duplicates += 1;
      return;
    }
    c.highest = replayId;
    c.last = replayId;
    const discontinuity = c.pendingDiscontinuity;
    c.pendingDiscontinuity = null;
    listener.onEvent({ channel: c.channel, replayId, data, discontinuity });
  };

  const onSubscribed = (client: BayeuxClient, c: Channel, reply: BayeuxMessage): void => {
    if (closed || channels.get(c.channel) !== c || client !== cometd) return;
    if (reply.successful === true) {
      c.acknowledged = true;
      setState(c, 'live');
      return;
    }
    const error = reply.error ?? '';
    const reason = failureText(reply);
    if (reason.startsWith('401::') || reason.includes('Authentication invalid')) {
      // The session expired between the handshake and this subscribe (seed 7357): log in again and handshake; the
      // handshake listener subscribes every channel again. Failing here would leave the stream stalled for good.
      setState(c, 'reconnecting');
      renewAndHandshake(client);
      return;
    }
    if (error === '' || error.startsWith('403::Unknown client') || error.includes('has not completed handshake')) {
      // A transport failure or a forgotten client: the library re-handshakes (or retries the connect) and the handshake
      // listener subscribes again; a bare transport failure of the subscribe alone is retried here.
      if (error === '') setTimeout(() => client === cometd && !closed && channels.get(c.channel) === c && client.clientId() !== null && subscribeOnServer(client, c), backoffMs);
      setState(c, 'reconnecting');
      return;
    }
    if (INVALID_REPLAY.test(error) && c.resuming) {
      // The org no longer keeps events after the channel's last replay id (past retention): resume from the oldest event
      // it keeps and flag the first one, since events in between may be lost (never hidden).
      c.pendingDiscontinuity = {
        lastReplayId: c.last,
        reason: `After a reconnect the org no longer kept events after replay id ${String(c.last)}: resumed from the oldest event it still keeps, so events in between may be missing.`,
      };
      c.last = null;
      c.start = -2;
      subscribeOnServer(client, c);
      return;
    }
    setState(c, 'failed', subscribeFailure(c.channel, error));
  };

  const failAll = (failure: SubscriptionFailure): void => {
    for (const c of channels.values()) setState(c, 'failed', failure);
  };

  const renewAndHandshake = (client: BayeuxClient): void => {
    if (relogin !== null || closed) return;
    client.hold();
    for (const c of channels.values()) if (c.state !== 'failed') setState(c, 'reconnecting');
    relogin = (async () => {
      reloginsInARow += 1;
      if (reloginsInARow > MAX_RELOGINS) {
        failAll({ reason: 'auth', code: 'AUTH', message: 'The org keeps refusing the streaming session right after a new login.', hint: 'Check that the user may use the Streaming API (API Enabled, View All Data for CDC), then subscribe again.' });
        return;
      }
      for (let attempt = 1; ; attempt += 1) {
        try {
          const stale = access ?? (await session.access());
          access = await session.renew(stale);
          break;
        } catch (error) {
          if (closed) return;
          const appError = toAppError(error);
          if (appError.code !== 'NETWORK') {
            failAll({ reason: 'auth', code: appError.code, message: `Logging in again for the event stream failed: ${appError.message}`, ...(appError.hint === undefined ? {} : { hint: appError.hint }) });
            return;
          }
          await delay(jittered(Math.min(maxBackoffMs, backoffMs * attempt)));
        }
      }
      if (closed || client !== cometd) return;
      client.handshake();
    })().finally(() => {
      relogin = null;
    });
  };

  const onHandshake = (client: BayeuxClient, { message }: MetaResult, reestablish: boolean): void => {
    if (closed || client !== cometd) return;
    if (message.successful === true) {
      handshakes += 1;
      if (reestablish) reconnects += 1;
      // Subscriptions do not survive a new Bayeux session: subscribe every channel again, from its last replay id, or
      // from where it started when nothing arrived yet (-1 then cannot say what was published meanwhile: flagged).
      for (const c of channels.values()) {
        if (c.state === 'failed') continue;
        c.resuming = c.last !== null;
        if (reestablish && c.last === null && c.start === -1 && c.pendingDiscontinuity === null) {
          c.pendingDiscontinuity = {
            lastReplayId: null,
            reason: 'The connection was re-established before the first event arrived on a subscription to new events (-1): events published while it was down may be missing.',
          };
        }
        subscribeOnServer(client, c);
      }
      return;
    }
    const reason = failureText(message);
    if (reason.startsWith('401::') || reason.includes('Authentication invalid')) {
      renewAndHandshake(client);
      return;
    }
    if (message.advice?.reconnect === 'none' && reason !== '') {
      failAll({ reason: 'denied', code: 'SF_API', message: `The org refused the streaming connection: ${reason}.`, hint: 'Check the user’s permissions and the org’s streaming limits, then subscribe again.' });
      return;
    }
    for (const c of channels.values()) if (c.state !== 'failed') setState(c, 'reconnecting');
  };

  const onConnect = (client: BayeuxClient, { message }: MetaResult): void => {
    if (closed || client !== cometd) return;
    if (message.successful === true) {
      reloginsInARow = 0;
      if (!connected) {
        connected = true;
        for (const c of channels.values()) if (c.acknowledged && c.state !== 'failed') setState(c, 'live');
      }
      return;
    }
    connected = false;
    const reason = failureText(message);
    if (reason.startsWith('401::')) {
      renewAndHandshake(client);
      return;
    }
    if (message.advice?.reconnect === 'none' && reason !== '') {
      // The org told the client not to come back (a limit, a revoked permission): the client stops, so say so.
      failAll({ reason: 'denied', code: 'SF_API', message: `The org ended the event stream: ${reason}.`, hint: 'Check the org’s streaming limits and the user’s permissions, then subscribe again.' });
      return;
    }
    for (const c of channels.values()) if (c.state !== 'failed') setState(c, 'reconnecting');
  };

  const start = (): Promise<void> =>
    (starting ??= (async () => {
      access = await session.access();
      if (closed) return;
      const client: BayeuxClient = createBayeuxClient({
        url: () => `${(access?.instanceUrl ?? '').replace(/\/+$/, '')}/cometd/${options.apiVersion}`,
        // The Streaming API wants the session on every request, handshake to disconnect (salesforce-api.md 6.1).
        headers: () => ({ Authorization: `Bearer ${access?.accessToken ?? ''}` }),
        backoffMs,
        maxBackoffMs,
        listener: {
          onHandshake: (result, reestablish) => onHandshake(client, result, reestablish),
          onConnect: (result) => onConnect(client, result),
          onMessage,
        },
      });
      cometd = client;
      client.handshake();
    })());

  return {
    async subscribe(channel, replayFrom) {
      if (closed) throw new ServiceError('INTERNAL', 'This event stream is closed.', 'Subscribe again.');
      const existing = channels.get(channel);
      if (existing !== undefined && existing.state !== 'failed') return statusOf(existing);
      const c: Channel = {
        channel,
        start: replayFrom,
        last: null,
        highest: existing?.highest ?? null,
        resuming: false,
        pendingDiscontinuity: null,
        acknowledged: false,
        state: 'connecting',
        failure: undefined,
        waiters: [],
      };
      channels.set(channel, c);
      const settled = new Promise<ChannelStatus>((resolve) => c.waiters.push(resolve));
      listener.onStatus(statusOf(c));
      const wasStarted = starting !== null;
      try {
        await start();
      } catch (error) {
        // No session (a missing key, the org unreachable at login): forget the channel and let the next subscribe log in again.
        channels.delete(channel);
        starting = null;
        throw error;
      }
      const client = cometd;
      // Before the first handshake completes, its listener subscribes every channel; afterwards subscribe directly.
      if (wasStarted && client !== null && client.clientId() !== null && relogin === null && client.status() === 'connected') subscribeOnServer(client, c);
      return settled;
    },
    async unsubscribe(channel) {
      const c = channels.get(channel);
      if (c === undefined) return;
      setState(c, 'stopped');
      channels.delete(channel);
      const client = cometd;
      if (client !== null && client.clientId() !== null) await client.unsubscribe(channel);
      if (channels.size === 0) await closeClient();
    },
    lastReplayId: (channel) => {
      const c = channels.get(channel);
      return c === undefined ? null : (c.last ?? c.highest);
    },
    get handshakes() {
      return handshakes;
    },
    get duplicates() {
      return duplicates;
    },
    async close() {
      for (const c of channels.values()) setState(c, 'stopped');
      channels.clear();
      await closeClient();
      closed = true;
    },
  };

  async function closeClient(): Promise<void> {
    const client = cometd;
    cometd = null;
    starting = null;
    connected = false;
    // A disconnect the org never answers (network gone) must not hold the caller: the client gives it a second.
    if (client !== null) await client.disconnect();
  }
}

/** Maps a refused `/meta/subscribe` to the reason the renderer shows (salesforce-api.md 6.2, "Errors"). */
function subscribeFailure(channel: string, error: string): SubscriptionFailure {
  const text = error.replace(/^\d{3}::/, '');
  if (INVALID_REPLAY.test(error)) {
    return {
      reason: 'invalid-replay',
      code: 'VALIDATION',
      message: `The org refused the replay id for ${channel}: ${text}`,
      hint: 'The id is unknown or past the retention window (72 hours for change events): start from new events (-1) or from everything the org still keeps (-2).',
    };
  }
  if (/doesn't exist|does not exist|Cannot create channel|must start with a leading/i.test(error)) {
    return { reason: 'no-channel', code: 'NOT_FOUND', message: `The org has no channel ${channel}: ${text}`, hint: 'Pick a channel from the list (Change Data Capture must be enabled for the object), or check its spelling: channels are case-sensitive.' };
  }
  if (error.startsWith('403::') || error.startsWith('401::')) {
    return { reason: 'denied', code: 'SF_API', message: `The org refused the subscription to ${channel}: ${text}`, hint: 'Change events need View All Data (or View All for the object); check the org’s streaming limits.' };
  }
  return { reason: 'other', code: 'SF_API', message: `The org refused the subscription to ${channel}: ${text || 'no reason given'}`, hint: 'Try again; if it persists, check the channel and the user’s permissions.' };
}

/** The error text of a failed meta message: Salesforce puts the real reason of a denied handshake in `ext.sfdc.failureReason`. */
function failureText(message: BayeuxMessage): string {
  const ext = message.ext as { sfdc?: { failureReason?: unknown } } | undefined;
  const reason = ext?.sfdc?.failureReason;
  if (typeof reason === 'string' && reason !== '') return reason;
  return typeof message.error === 'string' ? message.error : '';
}
