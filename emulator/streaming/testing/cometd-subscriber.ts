/**
 * A subscriber built on the CometD project's own JavaScript client (`cometd` + `cometd-nodejs-client`), configured the
 * way Salesforce's samples configure it, with a small replay extension: every subscribe carries
 * `ext.replay: {channel: <last replay id seen or the start value>}`, and after a re-handshake the client re-subscribes.
 */
import { adapt } from 'cometd-nodejs-client';
import { CometD, type Message } from 'cometd';

adapt();

/** One received event. */
export type ReceivedEvent = { channel: string; replayId: number; data: Record<string, unknown> };

/** A running subscriber. */
export type CometdSubscriber = {
  events: ReceivedEvent[];
  /** Handshakes seen (the first and every re-handshake). */
  handshakes(): number;
  /** Resolves once `count` events arrived (rejects after `ms`). */
  waitFor(count: number, ms?: number): Promise<ReceivedEvent[]>;
  /** The client id of the current session. */
  clientId(): string | undefined;
  disconnect(): Promise<void>;
};

/** Handshakes, subscribes to `channel` from `replayFrom` (-1, -2 or an id) and collects events; resolves once subscribed. */
export function cometdSubscriber(options: { url: string; token: string; channel: string; replayFrom: number; version?: string }): Promise<CometdSubscriber> {
  const cometd = new CometD();
  const events: ReceivedEvent[] = [];
  let lastReplayId = options.replayFrom;
  let handshakes = 0;
  let currentClientId: string | undefined;
  cometd.registerExtension('replay', {
    outgoing(message: Message) {
      if (message.channel === '/meta/subscribe') message.ext = { ...(message.ext ?? {}), replay: { [options.channel]: lastReplayId } };
      return message;
    },
    incoming(message: Message) {
      const replayId = (message.data as { event?: { replayId?: number } } | undefined)?.event?.replayId;
      if (message.channel === options.channel && typeof replayId === 'number') lastReplayId = replayId;
      return message;
    },
  });
  cometd.configure({ url: `${options.url}/cometd/${options.version ?? '66.0'}`, requestHeaders: { Authorization: `OAuth ${options.token}` }, appendMessageTypeToURL: false, logLevel: 'warn' });
  return new Promise((resolve, reject) => {
    let subscribedOnce = false;
    cometd.addListener('/meta/handshake', (reply) => {
      if (!reply.successful) {
        if (!subscribedOnce) reject(new Error(`handshake failed: ${JSON.stringify(reply)}`));
        return;
      }
      handshakes += 1;
      currentClientId = reply.clientId;
      // Subscriptions do not survive a new session: subscribe again, from the last replay id seen.
      cometd.subscribe(
        options.channel,
        (message) => {
          const data = message.data as Record<string, unknown> & { event: { replayId: number } };
          events.push({ channel: message.channel, replayId: data.event.replayId, data });
        },
        (subscribed) => {
          if (subscribedOnce) return;
          subscribedOnce = true;
          if (!subscribed.successful) {
            reject(new Error(`subscribe failed: ${JSON.stringify(subscribed)}`));
            return;
          }
          resolve({
            events,
            handshakes: () => handshakes,
            clientId: () => currentClientId,
            async waitFor(count, ms = 5000) {
              const until = Date.now() + ms;
              while (events.length < count) {
                if (Date.now() > until) throw new Error(`only ${events.length} of ${count} events arrived`);
                await new Promise((r) => setTimeout(r, 20));
              }
              return events.slice(0, count);
            },
            disconnect: () => new Promise<void>((done) => cometd.disconnect(() => done())),
          });
        },
      );
    });
    cometd.handshake();
  });
}
