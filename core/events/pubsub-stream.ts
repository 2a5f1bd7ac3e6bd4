/**
 * The engine's stream over the Pub/Sub API (docs/pubsub.md): one gRPC `Subscribe` call per channel on one HTTP/2
 * connection to the org's endpoint, with the same interface as the CometD stream (`org-stream.ts`), so capture,
 * checkpoints, gap and overflow handling stay the engine's. It adds what Pub/Sub needs: flow control (`num_requested`
 * at most 100 outstanding and never more than the capture can take, nothing while it cannot write), Avro decoding with
 * cached schemas, resuming from the stored replay id bytes after a dropped stream (back-off), a re-login through the
 * session on UNAUTHENTICATED, and an expired replay id on resume falling back to EARLIEST with the gap flagged.
 */
import { status as grpcStatus, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import type { ReplayDiscontinuity, SubscriptionFailure, SubscriptionState } from '../../shared/ipc/domains/events';
import type { SessionAccess } from '../salesforce/salesforce-session';
import { ServiceError as AppServiceError, toAppError } from '../errors';
import type { ChannelStatus, OrgStream, OrgStreamOptions } from './org-stream';
import { createPubSubDecoder } from './pubsub-events';
import { changeState, channelStatus, delay, jittered } from './stream-channels';
import { callMetadata, errorCodeOf, openPubSubClient, replayBytesOf, replayNumberOf, unary, type PubSubClient, type WireFetchRequest, type WireFetchResponse } from './pubsub-wire';

/** Ports and tuning of a Pub/Sub stream: the CometD stream's, the endpoint, and how many events the capture can take. */
export type PubSubStreamOptions = Omit<OrgStreamOptions, 'apiVersion'> & {
  endpoint: string;
  /** How many more events the consumer can hold now (0 while the capture cannot write); unbounded when absent. */
  room?: () => number;
  /** How long a new call may stay silent before it counts as live ([INF] the server sends nothing until it has a batch). */
  settleMs?: number;
};

/** The guide's most events one stream may have outstanding. */
const MAX_REQUESTED = 100;
const MAX_RELOGINS = 3;
const ROOM_POLL_MS = 250;
const REPLAY_ERRORS = /replayid\.(corrupted|validation\.failed)/;

type Channel = {
  channel: string;
  /** -1 (LATEST), -2 (EARLIEST) or a replay id, used until the stream has a position of its own. */
  start: number;
  startBytes: Buffer | null;
  /** Where a new call resumes after: the latest replay id delivered (an event's or a keepalive's). */
  resume: Buffer | null;
  /** Whether `resume` came from an event of this subscription (an expired one then falls back to EARLIEST). */
  hadEvent: boolean;
  last: number | null;
  highest: number | null;
  state: SubscriptionState;
  failure: SubscriptionFailure | undefined;
  pendingDiscontinuity: ReplayDiscontinuity | null;
  waiters: ((status: ChannelStatus) => void)[];
  call: ClientDuplexStream<WireFetchRequest, WireFetchResponse> | null;
  /** Bumped per call: work of an older call (queued decodes, timers) is dropped. */
  generation: number;
  outstanding: number;
  /** Events received and not yet handed on (decoding): they count against the consumer's room. */
  undelivered: number;
  attempts: number;
  retryAt: Date | null;
  chain: Promise<void>;
  timer: NodeJS.Timeout | null;
};

/** Opens (lazily, on the first subscribe) a Pub/Sub connection to the org of `session`. */
export function createPubSubStream(options: PubSubStreamOptions): OrgStream {
  const { session, listener } = options;
  const now = options.now ?? (() => new Date());
  const backoffMs = options.backoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const settleMs = options.settleMs ?? 500;
  const room = options.room ?? (() => Number.POSITIVE_INFINITY);
  const channels = new Map<string, Channel>();
  let client: PubSubClient | null = null;
  let access: SessionAccess | null = null;
  let relogin: Promise<boolean> | null = null;
  let reloginsInARow = 0;
  let closed = false;
  let calls = 0;
  let reconnects = 0;
  let duplicates = 0;

  const clientOf = (): PubSubClient => (client ??= openPubSubClient(options.endpoint));
  const currentAccess = async (): Promise<SessionAccess> => (access ??= await session.access());
  const decoder = createPubSubDecoder(async (schemaId) => {
    const reply = await unary(clientOf().GetSchema, clientOf(), { schema_id: schemaId }, callMetadata(await currentAccess()));
    return reply.schema_json;
  });

  const statusOf = (c: Channel): ChannelStatus => channelStatus(c, reconnects, c.retryAt);

  const setState = (c: Channel, state: SubscriptionState, failure?: SubscriptionFailure): void => {
    if (closed || channels.get(c.channel) !== c) return;
    changeState(c, state, failure, () => statusOf(c), (status) => listener.onStatus(status));
  };

  const endCall = (c: Channel): void => {
    c.generation += 1;
    if (c.timer !== null) clearTimeout(c.timer);
    c.timer = null;
    const call = c.call;
    c.call = null;
    c.outstanding = 0;
    c.undelivered = 0;
    if (call !== null) {
      call.removeAllListeners('data');
      call.on('error', () => undefined);
      call.cancel();
    }
  };

  /** Asks for as many events as the capture can take, up to 100 outstanding; polls while it can take none. */
  const refill = (c: Channel, generation: number, first: WireFetchRequest | null): void => {
    if (closed || c.generation !== generation || c.call === null) return;
    const wanted = Math.min(MAX_REQUESTED - c.outstanding, Math.floor(room()) - c.outstanding - c.undelivered);
    if (wanted <= 0) {
      if (c.outstanding === 0 || first !== null) c.timer = setTimeout(() => refill(c, generation, first), ROOM_POLL_MS);
      return;
    }
    c.outstanding += wanted;
    c.call.write({ ...(first ?? {}), num_requested: wanted });
  };

  const open = async (c: Channel): Promise<void> => {
    endCall(c);
    const generation = c.generation;
    let current: SessionAccess;
    try {
      current = await currentAccess();
    } catch (error) {
      if (c.generation === generation) onLoginFailure(error);
      return;
    }
    if (closed || c.generation !== generation || channels.get(c.channel) !== c) return;
    const call = clientOf().Subscribe(callMetadata(current));
    c.call = call;
    calls += 1;
    const live = (): void => {
      if (c.generation !== generation || c.state === 'live') return;
      c.attempts = 0;
      setState(c, 'live');
    };
    call.on('metadata', live);
    call.on('data', (response: WireFetchResponse) => {
      if (c.generation !== generation) return;
      live();
      reloginsInARow = 0;
      c.outstanding = response.pending_num_requested;
      const events = response.events;
      const latest = response.latest_replay_id;
      c.undelivered += events.length;
      c.chain = c.chain.then(() => deliver(c, generation, events, latest)).catch((error: unknown) => {
        if (c.generation === generation) retry(c, `an event could not be decoded (${toAppError(error).message})`);
      });
      // Topped up after every batch, so the server always has the full window to fill (a half-empty window halves the rate).
      if (c.outstanding < MAX_REQUESTED) refill(c, generation, null);
    });
    call.on('error', (error: ServiceError) => {
      if (c.generation === generation) onCallError(c, error);
    });
    call.on('end', () => {
      if (c.generation === generation) retry(c, 'the org ended the stream');
    });
    const resume = c.resume ?? c.startBytes;
    const first: WireFetchRequest = {
      topic_name: c.channel,
      replay_preset: resume !== null ? 'CUSTOM' : c.start === -2 ? 'EARLIEST' : 'LATEST',
      ...(resume === null ? {} : { replay_id: resume }),
      num_requested: 0,
    };
    refill(c, generation, first);
    setTimeout(live, settleMs).unref();
  };

  const deliver = async (c: Channel, generation: number, events: WireFetchResponse['events'], latest: Buffer): Promise<void> => {
    for (const wire of events) {
      if (wire.event === null) {
        c.undelivered -= 1;
        continue;
      }
      const replayId = replayNumberOf(wire.replay_id);
      const data = await decoder.decode({ id: wire.event.id, schemaId: wire.event.schema_id, payload: wire.event.payload, replayId });
      if (closed || c.generation !== generation) return;
      c.undelivered -= 1;
      c.resume = wire.replay_id;
      c.hadEvent = true;
      if (c.highest !== null && replayId <= c.highest) {
        duplicates += 1;
        continue;
      }
      c.highest = replayId;
      c.last = replayId;
      const discontinuity = c.pendingDiscontinuity;
      c.pendingDiscontinuity = null;
      listener.onEvent({ channel: c.channel, replayId, replayBytes: Buffer.from(wire.replay_id), data, discontinuity });
    }
    // [DOC] resuming after a batch's latest_replay_id (a keepalive's too) loses nothing.
    if (c.generation === generation && latest.length > 0) c.resume = latest;
  };

  const retry = (c: Channel, why: string): void => {
    if (closed || channels.get(c.channel) !== c || c.state === 'failed' || c.state === 'stopped') return;
    endCall(c);
    const generation = c.generation;
    c.attempts += 1;
    reconnects += 1;
    const wait = jittered(Math.min(maxBackoffMs, backoffMs * c.attempts));
    c.retryAt = new Date(now().getTime() + wait);
    if (c.resume === null && c.start === -1 && c.pendingDiscontinuity === null) {
      c.pendingDiscontinuity = { lastReplayId: null, reason: `The stream was re-established (${why}) before it had a position: events published while it was down may be missing.` };
    }
    setState(c, 'reconnecting');
    c.timer = setTimeout(() => {
      if (c.generation === generation) void open(c);
    }, wait);
  };

  const failAll = (failure: SubscriptionFailure): void => {
    for (const c of channels.values()) {
      endCall(c);
      setState(c, 'failed', failure);
    }
  };

  const onLoginFailure = (error: unknown): void => {
    const e = toAppError(error);
    failAll({ reason: 'auth', code: e.code, message: `Logging in again for the event stream failed: ${e.message}`, ...(e.hint === undefined ? {} : { hint: e.hint }) });
  };

  /** One shared re-login for every channel the org refused, then each resumes where it was. */
  const renew = (c: Channel): void => {
    endCall(c);
    setState(c, 'reconnecting');
    relogin ??= (async () => {
      reloginsInARow += 1;
      if (reloginsInARow > MAX_RELOGINS) {
        failAll({ reason: 'auth', code: 'AUTH', message: 'The org keeps refusing the Pub/Sub session right after a new login.', hint: 'Check that the user may use the API (API Enabled, View All Data for change events), then subscribe again.' });
        return false;
      }
      for (let attempt = 1; ; attempt += 1) {
        try {
          access = await session.renew(access ?? (await session.access()));
          return true;
        } catch (error) {
          if (closed) return false;
          if (toAppError(error).code !== 'NETWORK') {
            onLoginFailure(error);
            return false;
          }
          await delay(jittered(Math.min(maxBackoffMs, backoffMs * attempt)));
        }
      }
    })().finally(() => {
      relogin = null;
    });
    const generation = c.generation;
    void relogin.then((ok) => {
      if (ok && c.generation === generation && channels.get(c.channel) === c && c.state === 'reconnecting') void open(c);
    });
  };

  const onCallError = (c: Channel, error: ServiceError): void => {
    if (closed || error.code === grpcStatus.CANCELLED) return;
    const code = errorCodeOf(error);
    const text = (error.details || error.message).replace(/\s*rpcId: \S+$/, '');
    if (error.code === grpcStatus.UNAUTHENTICATED) return renew(c);
    if (REPLAY_ERRORS.test(code) || (error.code === grpcStatus.INVALID_ARGUMENT && /replay/i.test(text))) {
      if (c.hadEvent) {
        // The org no longer keeps events after the last one received: resume from the oldest it keeps and flag the gap.
        c.pendingDiscontinuity = {
          lastReplayId: c.last,
          reason: `After a reconnect the org no longer kept events after replay id ${String(c.last)}: resumed from the oldest event it still keeps, so events in between may be missing.`,
        };
        c.resume = null;
        c.startBytes = null;
        c.start = -2;
        c.hadEvent = false;
        void open(c);
        return;
      }
      endCall(c);
      return setState(c, 'failed', {
        reason: 'invalid-replay',
        code: 'VALIDATION',
        message: `The org refused the replay id for ${c.channel}: ${text}`,
        hint: 'The id is unknown or past the retention window (72 hours for change events, 24 for standard-volume platform events): start from new events (LATEST) or from everything the org still keeps (EARLIEST).',
      });
    }
    if (error.code === grpcStatus.NOT_FOUND) {
      endCall(c);
      return setState(c, 'failed', { reason: 'no-channel', code: 'NOT_FOUND', message: `The org has no topic ${c.channel}: ${text}`, hint: 'Pick a channel from the list (Change Data Capture must be enabled for the object), or check its spelling: topics are case-sensitive.' });
    }
    if (error.code === grpcStatus.PERMISSION_DENIED) {
      endCall(c);
      return setState(c, 'failed', { reason: 'denied', code: 'SF_API', message: `The org refused the subscription to ${c.channel}: ${text}`, hint: 'Change events need View All Data (or View All for the object); check the org’s event delivery allocation.' });
    }
    // A dropped connection (UNAVAILABLE, no Salesforce code), a limit or an internal error: back off and resubscribe.
    retry(c, text || `gRPC status ${error.code}`);
  };

  const stop = (c: Channel): void => {
    setState(c, 'stopped');
    endCall(c);
    channels.delete(c.channel);
  };

  return {
    async subscribe(channel, replayFrom, resumeBytes) {
      if (closed) throw new AppServiceError('INTERNAL', 'This event stream is closed.', 'Subscribe again.');
      const existing = channels.get(channel);
      if (existing !== undefined && existing.state !== 'failed') return statusOf(existing);
      const startBytes = replayFrom >= 0 ? Buffer.from(resumeBytes ?? replayBytesOf(replayFrom)) : null;
      const c: Channel = {
        channel,
        start: replayFrom,
        startBytes,
        resume: null,
        hadEvent: false,
        last: null,
        highest: existing?.highest ?? null,
        state: 'connecting',
        failure: undefined,
        pendingDiscontinuity: null,
        waiters: [],
        call: null,
        generation: 0,
        outstanding: 0,
        undelivered: 0,
        attempts: 0,
        retryAt: null,
        chain: Promise.resolve(),
        timer: null,
      };
      channels.set(channel, c);
      const settled = new Promise<ChannelStatus>((resolve) => c.waiters.push(resolve));
      listener.onStatus(statusOf(c));
      try {
        await currentAccess();
      } catch (error) {
        // No session (a missing key, the org unreachable at login): forget the channel; the next subscribe logs in again.
        channels.delete(channel);
        throw error;
      }
      void open(c);
      return settled;
    },
    async unsubscribe(channel) {
      const c = channels.get(channel);
      if (c !== undefined) stop(c);
      if (channels.size === 0) closeClient();
      return Promise.resolve();
    },
    lastReplayId: (channel) => {
      const c = channels.get(channel);
      return c === undefined ? null : (c.last ?? c.highest);
    },
    get handshakes() {
      return calls;
    },
    get duplicates() {
      return duplicates;
    },
    async close() {
      for (const c of [...channels.values()]) stop(c);
      closeClient();
      closed = true;
      return Promise.resolve();
    },
  };

  function closeClient(): void {
    client?.close();
    client = null;
  }
}
