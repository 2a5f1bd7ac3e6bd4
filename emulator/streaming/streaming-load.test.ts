import { connect as netConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_USERNAME, startTestOrg, type TestOrg } from '../testing';
import { rawBayeux, type BayeuxReply, type RawBayeux } from './testing/raw-bayeux';

let org: TestOrg;
const SLOW_MS = 300;

beforeAll(async () => {
  org = await startTestOrg({ seed: false, streaming: { connectTimeoutMs: 3000, slowClientMs: SLOW_MS } });
});
afterAll(async () => {
  await org.emulator.stop();
});

const userId = (): string => org.emulator.admin.users().find((u) => u.username === ADMIN_USERNAME)?.id ?? '';

async function ready(channel: string): Promise<RawBayeux> {
  const c = rawBayeux(org.url, { token: org.token });
  await c.handshake();
  await c.connect();
  expect((await c.subscribe(channel)).successful).toBe(true);
  return c;
}

/** Connects until `count` events came, checking that replay ids only increase. */
async function drain(c: RawBayeux, count: number): Promise<BayeuxReply[]> {
  const got: BayeuxReply[] = [];
  while (got.length < count) {
    const { events, reply } = await c.connect();
    if (reply.successful !== true) throw new Error(JSON.stringify(reply));
    got.push(...events);
  }
  return got;
}

describe('streaming under load', () => {
  it('serves 100 concurrent long-polls and delivers 200 events to each in order, none lost (1,000 are in the bench)', async () => {
    const clients = await Promise.all(Array.from({ length: 100 }, () => ready('/data/ContactChangeEvent')));
    // A failed test must not leave 100 rejections behind: each drain settles to its events or its error.
    const receiving = clients.map((c) => drain(c, 200).catch((error: unknown) => error as Error));
    const waiting = (): number => org.emulator.admin.streaming.clients().filter((c) => c.waiting).length;
    const until = Date.now() + 5000;
    while (waiting() < 100 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(waiting()).toBe(100);
    const ids: string[] = [];
    for (let batch = 0; batch < 4; batch += 1) {
      for (let i = 0; i < 50; i += 1) ids.push(org.emulator.org.writer.createRecord('Contact', { LastName: `Load ${batch}-${i}` }, { userId: userId(), origin: 'rest' }).id);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const results = await Promise.all(receiving);
    for (const events of results) {
      if (events instanceof Error) throw events;
      const replayIds = events.map((e) => (e.data as { event: { replayId: number } }).event.replayId);
      expect(replayIds).toHaveLength(200);
      expect([...replayIds].sort((a, b) => a - b)).toEqual(replayIds);
      expect(events.map((e) => (e.data as { payload: { ChangeEventHeader: { recordIds: string[] } } }).payload.ChangeEventHeader.recordIds[0])).toEqual(ids);
    }
  });

  it('drops a client whose socket stops reading a reply instead of buffering for it', async () => {
    const c = await ready('/data/AccountChangeEvent');
    const big = 'x'.repeat(30_000);
    for (let i = 0; i < 400; i += 1) org.emulator.org.writer.createRecord('Account', { Name: `Big ${i}`, Description: big }, { userId: userId(), origin: 'rest' });
    const { port } = new URL(org.url);
    const body = JSON.stringify([{ channel: '/meta/connect', clientId: c.clientId(), connectionType: 'long-polling', id: 'slow' }]);
    const socket = netConnect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`POST /cometd/66.0 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${org.token}\r\nCookie: ${c.cookie() ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    socket.pause();
    const until = Date.now() + SLOW_MS * 10;
    while (org.emulator.admin.streaming.clients().some((x) => x.clientId === c.clientId()) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(org.emulator.admin.streaming.clients().some((x) => x.clientId === c.clientId())).toBe(false);
    socket.destroy();
    expect((await c.connect()).reply.error).toBe('403::Unknown client');
  });
});
