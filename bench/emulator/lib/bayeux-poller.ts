/** A bare long-polling Bayeux client for the streaming bench: handshake, subscribe, connect, disconnect (cookie kept). */

/** One message of a reply. */
export type BayeuxMessage = Record<string, unknown> & { channel?: string; successful?: boolean; clientId?: string; data?: Record<string, unknown> };

/** A client of one org. */
export type BayeuxPoller = {
  /** Handshakes, answers the first connect and subscribes; throws on any refusal. */
  start(channel: string): Promise<void>;
  /** One `/meta/connect`: the events before the reply, and the reply. */
  connect(): Promise<{ events: BayeuxMessage[]; reply: BayeuxMessage }>;
  /** `/meta/disconnect` (errors ignored). */
  disconnect(): Promise<void>;
};

/** Creates a client for `/cometd/66.0` of `url`. */
export function bayeuxPoller(url: string, token: string): BayeuxPoller {
  let cookie: string | undefined;
  let clientId = '';
  let id = 0;
  const post = async (message: Record<string, unknown>): Promise<BayeuxMessage[]> => {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    if (cookie !== undefined) headers.Cookie = cookie;
    const response = await fetch(`${url}/cometd/66.0`, { method: 'POST', headers, body: JSON.stringify([{ ...message, id: String(++id) }]) });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) cookie = setCookie.split(';')[0];
    return (await response.json()) as BayeuxMessage[];
  };
  const expectOk = (replies: BayeuxMessage[]): BayeuxMessage => {
    const reply = replies.at(-1);
    if (reply?.successful !== true) throw new Error(`refused: ${JSON.stringify(reply)}`);
    return reply;
  };
  return {
    async start(channel) {
      clientId = String(expectOk(await post({ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] })).clientId);
      expectOk(await post({ channel: '/meta/connect', clientId, connectionType: 'long-polling' }));
      expectOk(await post({ channel: '/meta/subscribe', clientId, subscription: channel, ext: { replay: { [channel]: -1 } } }));
    },
    async connect() {
      const replies = await post({ channel: '/meta/connect', clientId, connectionType: 'long-polling' });
      return { events: replies.slice(0, -1), reply: replies.at(-1) ?? {} };
    },
    async disconnect() {
      await post({ channel: '/meta/disconnect', clientId }).catch(() => undefined);
    },
  };
}
