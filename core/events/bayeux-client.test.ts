import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { createBayeuxClient, type BayeuxClient, type BayeuxMessage, type MetaResult } from './bayeux-client';

const ADMIN = 'admin@orgdesk.example';
const CHANNEL = '/data/ContactChangeEvent';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: false, streaming: { connectTimeoutMs: 1000 } });
});
afterAll(async () => {
  await emulator.stop();
});

/** A client on the local org that records what it reports, and waits for it. */
function recordingClient(token: () => string): { client: BayeuxClient; handshakes: MetaResult[]; connects: MetaResult[]; events: BayeuxMessage[]; until(test: () => boolean): Promise<void> } {
  const handshakes: MetaResult[] = [];
  const connects: MetaResult[] = [];
  const events: BayeuxMessage[] = [];
  const client = createBayeuxClient({
    url: () => `${emulator.url}/cometd/66.0`,
    headers: () => ({ Authorization: `Bearer ${token()}` }),
    backoffMs: 20,
    maxBackoffMs: 100,
    listener: {
      onHandshake: (result) => {
        handshakes.push(result);
        if (result.message.successful === true) void client.subscribe(CHANNEL, { replay: { [CHANNEL]: -1 } });
      },
      onConnect: (result) => connects.push(result),
      onMessage: (message) => events.push(message),
    },
  });
  const until = async (test: () => boolean): Promise<void> => {
    for (let i = 0; i < 500 && !test(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(test()).toBe(true);
  };
  return { client, handshakes, connects, events, until };
}

async function createContact(token: string, lastName: string): Promise<void> {
  const response = await fetch(`${emulator.url}/services/data/v66.0/sobjects/Contact`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ LastName: lastName }) });
  expect(response.status).toBe(201);
}

/** Whether the org holds this client subscribed to the channel (clients abandoned by earlier tests linger until they expire). */
const subscribed = (client: BayeuxClient): boolean =>
  emulator.admin.streaming.clients().some((known) => known.clientId === client.clientId() && known.subscriptions.some((s) => s.channel === CHANNEL));

describe('the Bayeux client', () => {
  it('streams with no global window or XMLHttpRequest installed, keeping the BAYEUX_BROWSER cookie', async () => {
    const token = emulator.admin.createSession(ADMIN).access_token;
    const c = recordingClient(() => token);
    c.client.handshake();
    await c.until(() => subscribed(c.client));
    await createContact(token, 'Cookie Kept');
    await c.until(() => c.events.length === 1);
    expect(c.client.status()).toBe('connected');
    expect('window' in globalThis).toBe(false);
    expect('XMLHttpRequest' in globalThis).toBe(false);
    const id = c.client.clientId() ?? '';
    await c.client.disconnect();
    expect(emulator.admin.streaming.clients().some((known) => known.clientId === id)).toBe(false);
  });

  it('handshakes again (never retries the connect) after a long-poll whose answer was lost once the org dequeued its events', async () => {
    const token = emulator.admin.createSession(ADMIN).access_token;
    const c = recordingClient(() => token);
    c.client.handshake();
    await c.until(() => subscribed(c.client));
    emulator.admin.addFault({ kind: 'streaming-lost-reply' });
    const firstClient = c.client.clientId() ?? '';
    await createContact(token, 'Lost Reply');
    await c.until(() => c.handshakes.filter((h) => h.message.successful === true).length === 2);
    expect(c.connects.some((r) => r.transport !== undefined)).toBe(true);
    expect(c.client.clientId()).not.toBe(firstClient);
    // The abandoned client is told goodbye rather than left to count against the org's concurrent-client limit.
    await c.until(() => !emulator.admin.streaming.clients().some((known) => known.clientId === firstClient));
    await c.client.disconnect();
  });

  it('follows the advice: handshakes after 403::Unknown client, stops after 401 with reconnect none', async () => {
    let token = emulator.admin.createSession(ADMIN).access_token;
    const c = recordingClient(() => token);
    c.client.handshake();
    await c.until(() => subscribed(c.client));
    emulator.admin.addFault({ kind: 'streaming-drop-client' });
    await c.until(() => c.handshakes.filter((h) => h.message.successful === true).length === 2);
    expect(c.connects.some((r) => r.message.error === '403::Unknown client')).toBe(true);
    await c.until(() => subscribed(c.client));
    emulator.admin.addFault({ kind: 'streaming-expire-session' });
    await c.until(() => c.client.status() === 'disconnected');
    expect(c.connects.at(-1)?.message).toMatchObject({ error: '401::Authentication invalid', advice: { reconnect: 'none' } });
    token = emulator.admin.createSession(ADMIN).access_token;
    c.client.handshake();
    await c.until(() => c.client.status() === 'connected' && subscribed(c.client));
    await c.client.disconnect();
  });
});
