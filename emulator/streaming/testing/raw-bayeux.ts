/** A bare Bayeux caller for protocol tests: POSTs JSON arrays to `/cometd/<version>`, keeping the BAYEUX_BROWSER cookie. */

/** One Bayeux message as it comes back. */
export type BayeuxReply = Record<string, unknown> & { channel?: string; successful?: boolean; error?: string; clientId?: string; data?: Record<string, unknown> };

/** The raw caller. */
export type RawBayeux = {
  /** Sends messages (ids added when missing); resolves with the HTTP status and the parsed array. */
  send(messages: Record<string, unknown>[], init?: { token?: string | null; cookie?: string | null; path?: string; body?: string }): Promise<{ status: number; headers: Headers; replies: BayeuxReply[] }>;
  /** Handshakes and returns the client id. */
  handshake(): Promise<string>;
  /** The cookie header kept so far. */
  cookie(): string | undefined;
  /** The client id of the last successful handshake. */
  clientId(): string;
  /** Subscribes with an optional replay value and returns the reply. */
  subscribe(channel: string, replay?: number): Promise<BayeuxReply>;
  /** One `/meta/connect`; resolves with the events before the connect reply and the reply itself. */
  connect(): Promise<{ events: BayeuxReply[]; reply: BayeuxReply; status: number }>;
};

/** Creates a caller for one emulator URL and token. */
export function rawBayeux(baseUrl: string, options: { token: string; version?: string }): RawBayeux {
  let cookie: string | undefined;
  let clientId = '';
  let nextId = 1;
  const path = `/cometd/${options.version ?? '66.0'}`;
  const caller: RawBayeux = {
    async send(messages, init = {}) {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      const token = init.token === undefined ? options.token : init.token;
      if (token !== null) headers.Authorization = `Bearer ${token}`;
      const sentCookie = init.cookie === undefined ? cookie : init.cookie;
      if (sentCookie !== null && sentCookie !== undefined) headers.Cookie = sentCookie;
      const body = init.body ?? JSON.stringify(messages.map((m) => ({ id: String(nextId++), ...m })));
      const response = await fetch(`${baseUrl}${init.path ?? path}`, { method: 'POST', headers, body });
      const setCookie = response.headers.get('set-cookie');
      if (setCookie) cookie = setCookie.split(';')[0];
      const text = await response.text();
      let replies: BayeuxReply[];
      try {
        replies = JSON.parse(text) as BayeuxReply[];
      } catch {
        replies = [];
      }
      return { status: response.status, headers: response.headers, replies };
    },
    async handshake() {
      const { replies } = await caller.send([{ channel: '/meta/handshake', version: '1.0', minimumVersion: '1.0', supportedConnectionTypes: ['long-polling'] }]);
      const reply = replies[0];
      if (!reply?.successful) throw new Error(`handshake failed: ${JSON.stringify(reply)}`);
      clientId = String(reply.clientId);
      return clientId;
    },
    cookie: () => cookie,
    clientId: () => clientId,
    async subscribe(channel, replay) {
      const message: Record<string, unknown> = { channel: '/meta/subscribe', clientId, subscription: channel };
      if (replay !== undefined) message.ext = { replay: { [channel]: replay } };
      const { replies } = await caller.send([message]);
      return replies[0] as BayeuxReply;
    },
    async connect() {
      const { status, replies } = await caller.send([{ channel: '/meta/connect', clientId, connectionType: 'long-polling' }]);
      const reply = replies.at(-1) as BayeuxReply;
      return { status, events: replies.slice(0, -1), reply };
    },
  };
  return caller;
}

/** Connects until `count` events arrived (or `rounds` connects passed) and returns them in arrival order. */
export async function collectEvents(caller: RawBayeux, count: number, rounds = 20): Promise<BayeuxReply[]> {
  const out: BayeuxReply[] = [];
  for (let i = 0; i < rounds && out.length < count; i += 1) {
    const { events, reply } = await caller.connect();
    if (reply.successful !== true) throw new Error(`connect failed: ${JSON.stringify(reply)}`);
    out.push(...events);
  }
  return out;
}
