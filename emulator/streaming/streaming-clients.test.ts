import jsforce from 'jsforce';
import { StreamingExtension } from 'jsforce/api/streaming';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrg, type TestOrg } from '../testing';
import { cometdSubscriber, type ReceivedEvent } from './testing/cometd-subscriber';

let org: TestOrg;
const V = '/services/data/v66.0';
const CHANNEL = '/data/AccountChangeEvent';

beforeAll(async () => {
  org = await startTestOrg({ seed: false, streaming: { connectTimeoutMs: 1500 } });
});
afterAll(async () => {
  await org.emulator.stop();
});

type Header = { changeType: string; recordIds: string[]; changeOrigin: string };
const headerOf = (e: ReceivedEvent): Header => (e.data as { payload: { ChangeEventHeader: Header } }).payload.ChangeEventHeader;

/** How many Account change events this file has caused so far (every Account change goes through the two helpers). */
let published = 0;

async function createAccounts(names: string[]): Promise<string[]> {
  published += names.length;
  const ids: string[] = [];
  for (const name of names) ids.push(((await org.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: name } })).body as { id: string }).id);
  return ids;
}

async function bulkAccounts(names: string[]): Promise<void> {
  published += names.length;
  const job = (await org.call(`${V}/jobs/ingest`, { method: 'POST', json: { object: 'Account', operation: 'insert' } })).body as { id: string };
  await fetch(`${org.url}${V}/jobs/ingest/${job.id}/batches`, { method: 'PUT', headers: { Authorization: `Bearer ${org.token}`, 'Content-Type': 'text/csv' }, body: `Name\n${names.join('\n')}\n` });
  await org.call(`${V}/jobs/ingest/${job.id}`, { method: 'PATCH', json: { state: 'UploadComplete' } });
  await org.emulator.bulk.idle();
}

/** A subscriber on jsforce's streaming client (faye inside) with jsforce's own Replay extension. */
type FayeLike = { subscribe(channel: string, cb: (m: Record<string, unknown>) => void): PromiseLike<unknown>; disconnect(): void };
async function jsforceSubscriber(replayFrom: number): Promise<{ events: ReceivedEvent[]; waitFor(n: number): Promise<ReceivedEvent[]>; close(): void }> {
  const conn = new jsforce.Connection({ instanceUrl: org.url, accessToken: org.token, version: '66.0' });
  const client = conn.streaming.createClient([new StreamingExtension.Replay(CHANNEL, replayFrom)]) as unknown as FayeLike;
  const events: ReceivedEvent[] = [];
  await client.subscribe(CHANNEL, (message) => {
    const data = message as Record<string, unknown> & { event: { replayId: number } };
    events.push({ channel: CHANNEL, replayId: data.event.replayId, data });
  });
  return {
    events,
    async waitFor(count) {
      const until = Date.now() + 8000;
      while (events.length < count) {
        if (Date.now() > until) throw new Error(`only ${events.length} of ${count} events arrived`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return events.slice(0, count);
    },
    close: () => client.disconnect(),
  };
}

function expectNoGapNoDuplicate(events: ReceivedEvent[], recordIds: string[]): void {
  const replayIds = events.map((e) => e.replayId);
  expect(new Set(replayIds).size).toBe(replayIds.length);
  expect([...replayIds].sort((a, b) => a - b)).toEqual(replayIds);
  expect(events.map((e) => headerOf(e).recordIds[0])).toEqual(recordIds);
}

describe.each([
  ['jsforce (faye)', (replayFrom: number) => jsforceSubscriber(replayFrom).then((s) => ({ ...s, close: async () => s.close() }))],
  ['the CometD JavaScript client', (replayFrom: number) => cometdSubscriber({ url: org.url, token: org.token, channel: CHANNEL, replayFrom }).then((s) => ({ events: s.events, waitFor: (n: number) => s.waitFor(n, 8000), close: () => s.disconnect() }))],
])('%s as a subscriber', (_name, subscribe) => {
  it('receives change events for REST and Bulk changes, then replays them all with -2 and the later ones from an id', async () => {
    const live = await subscribe(-1);
    const restIds = await createAccounts(['Client REST 1', 'Client REST 2']);
    await bulkAccounts(['Client Bulk 1', 'Client Bulk 2']);
    const received = await live.waitFor(4);
    await live.close();
    expect(received.map((e) => headerOf(e).changeOrigin.split(';')[0])).toEqual(['com/salesforce/api/rest/66.0', 'com/salesforce/api/rest/66.0', 'com/salesforce/api/bulkapi/66.0', 'com/salesforce/api/bulkapi/66.0']);
    expect(received.slice(0, 2).map((e) => headerOf(e).recordIds[0])).toEqual(restIds);

    const all = await subscribe(-2);
    await all.waitFor(published);
    await new Promise((r) => setTimeout(r, 100));
    await all.close();
    expect(all.events).toHaveLength(published);
    const ids = all.events.map((e) => e.replayId);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(ids.slice(-4)).toEqual(received.map((e) => e.replayId));

    const fromId = await subscribe(received[1]?.replayId as number);
    await fromId.waitFor(2);
    await new Promise((r) => setTimeout(r, 100));
    await fromId.close();
    expect(fromId.events.map((e) => e.replayId)).toEqual(received.slice(2).map((e) => e.replayId));
  });

  it('after the org drops it, re-handshakes, re-subscribes from its last replay id and ends with no gap and no duplicate', async () => {
    const sub = await subscribe(-1);
    const before = await createAccounts(['Drop A', 'Drop B']);
    await sub.waitFor(2);
    const clientIds = org.emulator.admin.streaming.clients().filter((c) => c.subscriptions.some((s) => s.channel === CHANNEL)).map((c) => c.clientId);
    for (const id of clientIds) expect(org.emulator.admin.streaming.dropClient(id)).toBe(true);
    const during = await createAccounts(['Drop C', 'Drop D', 'Drop E']);
    const events = await sub.waitFor(5);
    const after = await createAccounts(['Drop F']);
    const all = await sub.waitFor(6);
    await new Promise((r) => setTimeout(r, 100));
    const now = org.emulator.admin.streaming.clients().filter((c) => c.subscriptions.some((s) => s.channel === CHANNEL)).map((c) => c.clientId);
    await sub.close();
    expect(now).toHaveLength(1);
    expect(clientIds).not.toContain(now[0]);
    expect(events).toHaveLength(5);
    expect(sub.events).toHaveLength(6);
    expectNoGapNoDuplicate(all, [...before, ...during, ...after]);
  });
});
