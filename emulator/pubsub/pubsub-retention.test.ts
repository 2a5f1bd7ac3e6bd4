import type { ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_USERNAME, startTestOrg, type TestOrg } from '../testing';
import { collectEvents, rawBayeux } from '../streaming/testing/raw-bayeux';
import { pubsubClient, trailers, type PubSubTestClient } from './testing/grpc-client';

type FetchResponse = { events: { replay_id: Buffer }[]; latest_replay_id: Buffer; pending_num_requested: number };

const V = '/services/data/v66.0';
const HOUR = 3_600_000;
let clock = Date.now();
let org: TestOrg;

beforeAll(async () => {
  org = await startTestOrg({ seed: false, now: () => new Date(clock), pubsub: { keepaliveMs: 200 }, streaming: { connectTimeoutMs: 150, standardVolumeEvents: ['Order_Event__e'] } });
});
afterAll(async () => {
  await org.emulator.stop();
});

const client = (): PubSubTestClient => pubsubClient(org.emulator.pubsubUrl, { accessToken: org.token, instanceUrl: org.url, tenantId: org.emulator.orgId });

/** The events an EARLIEST subscription gets before its first keepalive. */
async function earliest(c: PubSubTestClient, topic: string): Promise<{ replay_id: Buffer }[]> {
  const stream = c.stream<Record<string, unknown>, FetchResponse>('Subscribe');
  stream.send({ topic_name: topic, replay_preset: 'EARLIEST', num_requested: 10 });
  const events: { replay_id: Buffer }[] = [];
  for (let batch = await stream.next(); batch.events.length > 0; batch = await stream.next()) events.push(...batch.events);
  stream.end();
  return events;
}

async function cometdReplayAll(channel: string): Promise<number> {
  const c = rawBayeux(org.url, { token: org.token });
  await c.handshake();
  await c.connect();
  expect((await c.subscribe(channel, -2)).successful).toBe(true);
  return (await collectEvents(c, 1, 3)).length;
}

describe('retention per channel', () => {
  it('keeps a standard-volume platform event 24 h and a change event 72 h, on both APIs', async () => {
    await org.call(`${V}/sobjects/Order_Event__e`, { method: 'POST', json: { Order_Number__c: 'SV-1' } });
    await org.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'Kept 72 h' } });
    const before = client();
    const [order] = await earliest(before, '/event/Order_Event__e');
    expect(order).toBeDefined();
    before.close();

    clock += 25 * HOUR;
    org.token = org.emulator.admin.createSession(ADMIN_USERNAME).access_token;
    const after = client();
    expect(await earliest(after, '/event/Order_Event__e')).toEqual([]);
    expect(await earliest(after, '/data/AccountChangeEvent')).toHaveLength(1);
    const stream = after.stream<Record<string, unknown>, FetchResponse>('Subscribe');
    stream.send({ topic_name: '/event/Order_Event__e', replay_preset: 'CUSTOM', replay_id: order?.replay_id, num_requested: 1 });
    const refused: ServiceError = await stream.error();
    expect(trailers(refused).errorCode).toBe('sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted');
    after.close();
    expect(await cometdReplayAll('/event/Order_Event__e')).toBe(0);
    expect(await cometdReplayAll('/data/AccountChangeEvent')).toBe(1);
  });
});
