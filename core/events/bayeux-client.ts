/**
 * The project's own Bayeux long-polling client for the Streaming API (salesforce-api.md 6.1, 6.2), over fetch: no global
 * `window`, no XMLHttpRequest shim and no patched library internals. It does the wire and the connect loop: handshake,
 * `/meta/connect` long-polls honouring `advice` (interval, timeout, reconnect: retry / handshake / none), the
 * `BAYEUX_BROWSER` cookie kept per client, headers on every request, subscribe / unsubscribe / disconnect, and jittered
 * back-off between failed attempts. Its one rule beyond Bayeux: a long-poll whose answer never arrived is followed by a
 * new handshake, not a retried connect, because the org may already count the events it carried as delivered (Bayeux has
 * no acknowledgement); the owner re-subscribes from the last replay id it really received.
 */

/** A Bayeux message (the fields the Streaming API uses). */
export type BayeuxMessage = {
  channel: string;
  id?: string;
  clientId?: string;
  successful?: boolean;
  error?: string;
  subscription?: string;
  advice?: { reconnect?: 'retry' | 'handshake' | 'none'; interval?: number; timeout?: number };
  ext?: Record<string, unknown>;
  data?: unknown;
  [field: string]: unknown;
};

/** A meta reply, or a stand-in for one that never came (`transport` says why: a network error, a status, a timeout). */
export type MetaResult = { message: BayeuxMessage; transport?: string };

/** Where the client reports. */
interface BayeuxListener {
  /** A handshake ended; `reestablish` is true for every handshake after the first successful one. */
  onHandshake(result: MetaResult, reestablish: boolean): void;
  /** A `/meta/connect` ended (its events were delivered before this). */
  onConnect(result: MetaResult): void;
  /** An event message arrived on a subscribed channel. */
  onMessage(message: BayeuxMessage): void;
}

/** Ports and tuning of the client. */
export type BayeuxClientOptions = {
  /** The endpoint, `https://…/cometd/66.0` (read on every request: a new login may move it). */
  url: () => string;
  /** Headers sent on every request (the bearer token). */
  headers: () => Record<string, string>;
  listener: BayeuxListener;
  /** The first back-off step; each further failure in a row adds about as much again (jittered ±50 %), up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** How much longer than the advised hold a long-poll may take before it counts as lost (10 s). */
  maxNetworkDelayMs?: number;
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
};

/** The client's state. */
type BayeuxStatus = 'disconnected' | 'handshaking' | 'connected';

/** A Bayeux session that handshakes, long-polls and re-handshakes by itself until `disconnect`. */
export type BayeuxClient = {
  /** Starts a new session (dropping the current one, if any); the connect loop follows a successful handshake. */
  handshake(): void;
  /** Sends `/meta/subscribe` with an `ext`; resolves with the reply, or an unsuccessful stand-in (`error` '') when none came. */
  subscribe(channel: string, ext?: Record<string, unknown>): Promise<BayeuxMessage>;
  /** Sends `/meta/unsubscribe` (best effort). */
  unsubscribe(channel: string): Promise<void>;
  /** Stops the loop without telling the org (the owner logs in again, then calls `handshake()`). */
  hold(): void;
  /** Ends the session: the held long-poll is cancelled and `/meta/disconnect` sent (waiting at most a second). */
  disconnect(): Promise<void>;
  clientId(): string | null;
  status(): BayeuxStatus;
  /** The wait before the next attempt after the failures so far (0 when the last attempt succeeded). */
  backoffPeriod(): number;
};

const DEFAULT_HOLD_MS = 110_000;

/** Creates a client; nothing is sent until `handshake()`. */
export function createBayeuxClient(options: BayeuxClientOptions): BayeuxClient {
  const { listener } = options;
  const send = options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  const maxNetworkDelayMs = options.maxNetworkDelayMs ?? 10_000;
  const cookies = new Map<string, string>();
  let clientId: string | null = null;
  let status: BayeuxStatus = 'disconnected';
  let generation = 0;
  let messageId = 0;
  let failures = 0;
  let established = false;
  let holdMs = DEFAULT_HOLD_MS;
  let intervalMs = 0;
  let timer: NodeJS.Timeout | null = null;
  let held: AbortController | null = null;

  const backoffPeriod = (): number => (failures === 0 ? 0 : Math.min(options.maxBackoffMs, options.backoffMs * failures));
  const later = (run: () => void, ms: number): void => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      run();
    }, ms);
  };

  /** POSTs messages; resolves with the reply array, or throws a TransportFailure. */
  const post = async (messages: BayeuxMessage[], signal: AbortSignal): Promise<BayeuxMessage[]> => {
    const cookie = [...cookies.values()].join('; ');
    let response: Response;
    try {
      response = await send(options.url(), {
        method: 'POST',
        headers: { ...options.headers(), 'Content-Type': 'application/json', ...(cookie === '' ? {} : { Cookie: cookie }) },
        body: JSON.stringify(messages),
        signal,
      });
    } catch (error) {
      throw new TransportFailure(signal.aborted ? 'timeout' : `network: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const header of response.headers.getSetCookie()) {
      const nameValue = header.split(';')[0]?.trim() ?? '';
      const equal = nameValue.indexOf('=');
      if (equal > 0) cookies.set(nameValue.slice(0, equal), nameValue);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new TransportFailure(signal.aborted ? 'timeout' : `network: ${error instanceof Error ? error.message : String(error)}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new TransportFailure(`HTTP ${response.status}: not a Bayeux reply`);
    }
    // Salesforce answers some refusals (a bad version) with 400 and a Bayeux array: those are replies, not transport failures.
    if (!Array.isArray(parsed) || parsed.some((m) => typeof m !== 'object' || m === null || typeof (m as { channel?: unknown }).channel !== 'string')) {
      throw new TransportFailure(`HTTP ${response.status}: not a Bayeux reply`);
    }
    return parsed as BayeuxMessage[];
  };

  const call = async (message: BayeuxMessage, timeoutMs: number, onOthers?: (others: BayeuxMessage[]) => void): Promise<MetaResult> => {
    const id = String((messageId += 1));
    const controller = new AbortController();
    const guard = setTimeout(() => controller.abort(), timeoutMs);
    if (message.channel === '/meta/connect') held = controller;
    try {
      const replies = await post([{ ...message, id }], controller.signal);
      const reply = replies.find((m) => m.channel === message.channel && (m.id === undefined || String(m.id) === id));
      onOthers?.(replies.filter((m) => m !== reply));
      if (reply === undefined) return { message: { channel: message.channel, successful: false }, transport: 'no reply to the message' };
      return { message: reply };
    } catch (error) {
      if (!(error instanceof TransportFailure)) throw error;
      return { message: { channel: message.channel, successful: false }, transport: error.message };
    } finally {
      clearTimeout(guard);
      if (held === controller) held = null;
    }
  };

  const fail = (): number => {
    failures += 1;
    return Math.round(backoffPeriod() * (0.5 + Math.random()));
  };

  const handshakeNow = async (mine: number): Promise<void> => {
    status = 'handshaking';
    clientId = null;
    const result = await call({ channel: '/meta/handshake', version: '1.0', minimumVersion: '1.0', supportedConnectionTypes: ['long-polling'], advice: { timeout: 60_000, interval: 0 } }, 60_000 + maxNetworkDelayMs);
    if (mine !== generation) return;
    if (result.message.successful === true && typeof result.message.clientId === 'string') {
      failures = 0;
      clientId = result.message.clientId;
      status = 'connected';
      const reestablish = established;
      established = true;
      listener.onHandshake(result, reestablish);
      if (mine === generation) void connectNow(mine, true);
      return;
    }
    listener.onHandshake(result, established);
    // The listener may have started a new session (a re-login) or ended this one.
    if (mine !== generation) return;
    if (result.transport === undefined && result.message.advice?.reconnect === 'none') {
      status = 'disconnected';
      return;
    }
    later(() => mine === generation && void handshakeNow(mine), fail());
  };

  const connectNow = async (mine: number, first: boolean): Promise<void> => {
    const current = clientId;
    if (current === null) return;
    const result = await call(
      { channel: '/meta/connect', clientId: current, connectionType: 'long-polling', ...(first ? { advice: { timeout: 0 } } : {}) },
      holdMs + maxNetworkDelayMs,
      (others) => {
        if (mine !== generation) return;
        for (const m of others) if (!m.channel.startsWith('/meta/')) listener.onMessage(m);
      },
    );
    if (mine !== generation) return;
    const advice = result.message.advice;
    if (typeof advice?.timeout === 'number') holdMs = advice.timeout;
    if (typeof advice?.interval === 'number') intervalMs = advice.interval;
    listener.onConnect(result);
    if (mine !== generation) return;
    if (result.message.successful === true) {
      failures = 0;
      later(() => mine === generation && void connectNow(mine, false), intervalMs);
      return;
    }
    const action = result.transport !== undefined ? 'handshake' : (advice?.reconnect ?? 'retry');
    if (action === 'none') {
      status = 'disconnected';
      clientId = null;
      return;
    }
    const wait = fail();
    // A long-poll lost on the way: the org still holds that client; say goodbye so it does not count against its limit.
    if (result.transport !== undefined) void call({ channel: '/meta/disconnect', clientId: current }, 1_000);
    if (action === 'handshake') later(() => mine === generation && void handshakeNow(mine), wait);
    else later(() => mine === generation && void connectNow(mine, false), wait);
  };

  const stopLoop = (): void => {
    generation += 1;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    held?.abort();
    held = null;
  };

  return {
    handshake() {
      stopLoop();
      const mine = generation;
      void handshakeNow(mine);
    },
    hold() {
      stopLoop();
      status = 'disconnected';
      clientId = null;
    },
    async subscribe(channel, ext) {
      const current = clientId;
      if (current === null) return { channel: '/meta/subscribe', subscription: channel, successful: false, error: '' };
      const result = await call({ channel: '/meta/subscribe', clientId: current, subscription: channel, ...(ext === undefined ? {} : { ext }) }, 60_000);
      return result.transport === undefined ? result.message : { ...result.message, subscription: channel, error: '' };
    },
    async unsubscribe(channel) {
      const current = clientId;
      if (current !== null) await call({ channel: '/meta/unsubscribe', clientId: current, subscription: channel }, 5_000);
    },
    async disconnect() {
      const current = clientId;
      stopLoop();
      status = 'disconnected';
      clientId = null;
      if (current !== null) await call({ channel: '/meta/disconnect', clientId: current }, 1_000);
    },
    clientId: () => clientId,
    status: () => status,
    backoffPeriod,
  };
}

/** A request that got no Bayeux reply (network error, timeout, or a body that is not Bayeux). */
class TransportFailure extends Error {}
