import type { ServiceError } from '@grpc/grpc-js';
import avsc, { type Schema, type Type } from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrg, type TestOrg } from '../testing';
import { collectEvents, rawBayeux } from '../streaming/testing/raw-bayeux';
import { pubsubClient, trailers, type PubSubTestClient, type TestStream } from './testing/grpc-client';

type ConsumerEvent = { event: { id: string; schema_id: string; payload: Buffer }; replay_id: Buffer };
type FetchResponse = { events: ConsumerEvent[]; latest_replay_id: Buffer; rpc_id: string; pending_num_requested: number };
type FetchRequest = { topic_name?: string; replay_preset?: string; replay_id?: Buffer; num_requested: number };
type TopicInfo = { topic_name: string; tenant_guid: string; can_publish: boolean; can_subscribe: boolean; schema_id: string; rpc_id: string };
type PublishResponse = { results: { replay_id: Buffer; error: { code: string; msg: string } | null; correlation_key: string }[]; schema_id: string; rpc_id: string };

const ORDER = '/event/Order_Event__e';
const V = '/services/data/v66.0';
let org: TestOrg;
let client: PubSubTestClient;

beforeAll(async () => {
  org = await startTestOrg({ seed: false, pubsub: { keepaliveMs: 300 } });
  client = pubsubClient(org.emulator.pubsubUrl, { accessToken: org.token, instanceUrl: org.url, tenantId: org.emulator.orgId });
});
afterAll(async () => {
  client.close();
  await org.emulator.stop();
});

const publishOrders = async (...numbers: string[]): Promise<void> => {
  for (const n of numbers) expect((await org.call(`${V}/sobjects/Order_Event__e`, { method: 'POST', json: { Order_Number__c: n, Amount__c: 10 } })).status).toBe(201);
};

async function orderType(): Promise<{ type: Type; schemaId: string }> {
  const topic = await client.unary<TopicInfo>('GetTopic', { topic_name: ORDER });
  const schema = await client.unary<{ schema_json: string; schema_id: string }>('GetSchema', { schema_id: topic.schema_id });
  return { type: avsc.Type.forSchema(JSON.parse(schema.schema_json) as Schema), schemaId: schema.schema_id };
}

const subscribe = (request: FetchRequest): TestStream<FetchRequest, FetchResponse> => {
  const stream = client.stream<FetchRequest, FetchResponse>('Subscribe');
  stream.send(request);
  return stream;
};

/** Responses until `count` events came; then the next response, which must be a keepalive (proves nothing more came). */
async function take(stream: TestStream<FetchRequest, FetchResponse>, count: number): Promise<{ events: ConsumerEvent[]; batches: FetchResponse[]; keepalive: FetchResponse }> {
  const batches: FetchResponse[] = [];
  const events: ConsumerEvent[] = [];
  while (events.length < count) {
    const batch = await stream.next();
    batches.push(batch);
    events.push(...batch.events);
  }
  return { events, batches, keepalive: await stream.next() };
}

async function failure(stream: TestStream<FetchRequest, FetchResponse>): Promise<{ code: number; details: string; errorCode: unknown; rpcId: unknown }> {
  const error: ServiceError = await stream.error();
  return { code: error.code, details: error.details, ...trailers(error) };
}

describe('Pub/Sub API of the local org', () => {
  it('GetTopic and GetSchema describe a platform event topic and a change event topic with Avro schemas', async () => {
    const topic = await client.unary<TopicInfo>('GetTopic', { topic_name: ORDER });
    expect(topic).toMatchObject({ topic_name: ORDER, tenant_guid: org.emulator.orgId, can_publish: true, can_subscribe: true });
    expect(topic.schema_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(topic.rpc_id).not.toBe('');
    const schema = JSON.parse((await client.unary<{ schema_json: string }>('GetSchema', { schema_id: topic.schema_id })).schema_json) as { name: string; fields: { name: string }[] };
    expect(schema.name).toBe('Order_Event__e');
    expect(schema.fields.map((f) => f.name)).toEqual(['CreatedDate', 'CreatedById', 'Order_Number__c', 'Status__c', 'Amount__c', 'Account_Id__c']);
    const cdc = await client.unary<TopicInfo>('GetTopic', { topic_name: '/data/AccountChangeEvent' });
    expect(cdc.can_publish).toBe(false);
    const cdcSchema = JSON.parse((await client.unary<{ schema_json: string }>('GetSchema', { schema_id: cdc.schema_id })).schema_json) as { name: string; fields: { name: string; type: unknown }[] };
    expect(cdcSchema.name).toBe('AccountChangeEvent');
    expect(cdcSchema.fields[0]?.name).toBe('ChangeEventHeader');
    expect(cdcSchema.fields.find((f) => f.name === 'Name')?.type).toEqual(['null', 'string']);
  });

  it('Publish reaches a Pub/Sub subscriber and a CometD subscriber with the same event', async () => {
    const { type, schemaId } = await orderType();
    const cometd = rawBayeux(org.url, { token: org.token });
    await cometd.handshake();
    await cometd.connect();
    await cometd.subscribe(ORDER);
    const stream = subscribe({ topic_name: ORDER, replay_preset: 'LATEST', num_requested: 5 });
    await stream.next(); // the first keepalive: the subscription is in place
    const payload = type.toBuffer({ CreatedDate: Date.now(), CreatedById: 'ignored', Order_Number__c: 'PS-1', Status__c: 'New', Amount__c: 42.5, Account_Id__c: null });
    const published = await client.unary<PublishResponse>('Publish', { topic_name: ORDER, events: [{ id: 'corr-1', schema_id: schemaId, payload }] });
    expect(published.results).toHaveLength(1);
    expect(published.results[0]).toMatchObject({ error: null, correlation_key: 'corr-1' });
    const { events } = await take(stream, 1);
    expect(events[0]?.replay_id.equals(published.results[0]?.replay_id as Buffer)).toBe(true);
    const decoded = type.fromBuffer(events[0]?.event.payload as Buffer) as Record<string, unknown>;
    expect(decoded).toMatchObject({ Order_Number__c: 'PS-1', Status__c: 'New', Amount__c: 42.5 });
    expect(decoded.CreatedById).toMatch(/^005/);
    const [viaCometd] = await collectEvents(cometd, 1);
    expect((viaCometd?.data as { payload: Record<string, unknown> }).payload).toMatchObject({ Order_Number__c: 'PS-1', Amount__c: 42.5 });
    expect((viaCometd?.data as { schema: string }).schema).toBe(schemaId);
    stream.end();
  });

  it('sends only what was requested, with pending_num_requested, and keepalives with the latest replay id', async () => {
    await publishOrders('F1', 'F2', 'F3', 'F4', 'F5');
    const stream = subscribe({ topic_name: ORDER, replay_preset: 'EARLIEST', num_requested: 2 });
    const first = await take(stream, 2);
    expect(first.events).toHaveLength(2);
    expect(first.batches.at(-1)?.pending_num_requested).toBe(0);
    expect(first.keepalive.events).toEqual([]);
    expect(first.keepalive.pending_num_requested).toBe(0);
    expect(first.keepalive.latest_replay_id.equals(first.events[1]?.replay_id as Buffer)).toBe(true);
    stream.send({ num_requested: 2 });
    const second = await take(stream, 2);
    expect(second.events).toHaveLength(2);
    expect(second.events[0]?.replay_id.equals(first.events[1]?.replay_id as Buffer)).toBe(false);
    stream.end();
  });

  it('counts at most 100 outstanding events however many are requested, and refuses a count of 0', async () => {
    await publishOrders(...Array.from({ length: 105 }, (_, i) => `M${i}`));
    const stream = subscribe({ topic_name: ORDER, replay_preset: 'EARLIEST', num_requested: 150 });
    const { events, batches, keepalive } = await take(stream, 100);
    expect(events).toHaveLength(100);
    expect(batches[0]?.pending_num_requested).toBe(100 - (batches[0]?.events.length ?? 0));
    expect(keepalive.events).toEqual([]);
    stream.end();
    const zero = await failure(subscribe({ topic_name: ORDER, replay_preset: 'EARLIEST', num_requested: 0 }));
    expect(zero).toMatchObject({ code: 3, errorCode: 'sfdc.platform.eventbus.grpc.subscription.fetch.requested.events.invalid' });
  });

  it('replays from LATEST, EARLIEST and a CUSTOM replay id, and takes a keepalive id as a CUSTOM start', async () => {
    const live = subscribe({ topic_name: ORDER, num_requested: 10 });
    await live.next();
    await publishOrders('R1', 'R2', 'R3');
    const { events } = await take(live, 3);
    live.end();
    const custom = subscribe({ topic_name: ORDER, replay_preset: 'CUSTOM', replay_id: events[0]?.replay_id as Buffer, num_requested: 10 });
    const after = await take(custom, 2);
    expect(after.events.map((e) => e.replay_id.toString('hex'))).toEqual(events.slice(1).map((e) => e.replay_id.toString('hex')));
    expect(after.keepalive.events).toEqual([]);
    custom.end();
    const earliest = subscribe({ topic_name: ORDER, replay_preset: 'EARLIEST', num_requested: 1 });
    const { events: oldest } = await take(earliest, 1);
    expect(events.some((e) => e.replay_id.equals(oldest[0]?.replay_id as Buffer))).toBe(false);
    earliest.end();
    const latest = subscribe({ topic_name: ORDER, num_requested: 10 });
    const idle = await latest.next();
    expect(idle.events).toEqual([]);
    expect(idle.pending_num_requested).toBe(10);
    await publishOrders('R4');
    const { events: fresh } = await take(latest, 1);
    latest.end();
    const resumed = subscribe({ topic_name: ORDER, replay_preset: 'CUSTOM', replay_id: idle.latest_replay_id, num_requested: 10 });
    const again = await take(resumed, 1);
    expect(again.events[0]?.replay_id.equals(fresh[0]?.replay_id as Buffer)).toBe(true);
    resumed.end();
  });

  it('refuses a replay id of another topic, corrupted bytes and CUSTOM without an id, with the error-code and rpc-id trailers', async () => {
    await publishOrders('X1');
    const stream = subscribe({ topic_name: ORDER, replay_preset: 'EARLIEST', num_requested: 1 });
    const { events } = await take(stream, 1);
    stream.end();
    const otherTopic = await failure(subscribe({ topic_name: '/data/AccountChangeEvent', replay_preset: 'CUSTOM', replay_id: events[0]?.replay_id as Buffer, num_requested: 1 }));
    expect(otherTopic).toMatchObject({ code: 3, errorCode: 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted' });
    expect(otherTopic.details).toContain(`rpcId: ${String(otherTopic.rpcId)}`);
    const garbage = await failure(subscribe({ topic_name: ORDER, replay_preset: 'CUSTOM', replay_id: Buffer.from('not an id'), num_requested: 1 }));
    expect(garbage.errorCode).toBe('sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted');
    const missing = await failure(subscribe({ topic_name: ORDER, replay_preset: 'CUSTOM', num_requested: 1 }));
    expect(missing.errorCode).toBe('sfdc.platform.eventbus.grpc.subscription.fetch.replayid.validation.failed');
  });

  it('refuses a bad token, a wrong tenant and an unknown topic, and ends a stream whose session expires', async () => {
    const bad = pubsubClient(org.emulator.pubsubUrl, { accessToken: '00Dbad!token', instanceUrl: org.url, tenantId: org.emulator.orgId });
    const unary = (await bad.unary('GetTopic', { topic_name: ORDER }).catch((e: unknown) => e)) as ServiceError;
    expect(unary.code).toBe(16);
    expect(trailers(unary).errorCode).toBe('sfdc.platform.eventbus.grpc.service.auth.error');
    expect(trailers(unary).rpcId).toMatch(/^[0-9a-f-]{36}$/);
    const streamed = await failure(bad.stream<FetchRequest, FetchResponse>('Subscribe'));
    expect(streamed).toMatchObject({ code: 16, errorCode: 'sfdc.platform.eventbus.grpc.service.auth.error' });
    bad.close();
    const tenant = pubsubClient(org.emulator.pubsubUrl, { accessToken: org.token, instanceUrl: org.url, tenantId: '00D000000000001AAA' });
    expect(((await tenant.unary('GetTopic', { topic_name: ORDER }).catch((e: unknown) => e)) as ServiceError).code).toBe(16);
    tenant.close();
    const unknown = (await client.unary('GetTopic', { topic_name: '/event/Nope__e' }).catch((e: unknown) => e)) as ServiceError;
    expect({ code: unknown.code, errorCode: trailers(unknown).errorCode }).toEqual({ code: 5, errorCode: 'sfdc.platform.eventbus.grpc.topic.not.found' });

    const session = org.emulator.admin.createSession('admin@orgdesk.example').access_token;
    const own = pubsubClient(org.emulator.pubsubUrl, { accessToken: session, instanceUrl: org.url, tenantId: org.emulator.orgId });
    const live = own.stream<FetchRequest, FetchResponse>('Subscribe');
    live.send({ topic_name: ORDER, num_requested: 1 });
    await live.next();
    org.emulator.admin.expireSessions();
    org.token = org.emulator.admin.createSession('admin@orgdesk.example').access_token;
    expect(await failure(live)).toMatchObject({ code: 16, errorCode: 'sfdc.platform.eventbus.grpc.service.auth.error' });
    own.close();
    client.close();
    client = pubsubClient(org.emulator.pubsubUrl, { accessToken: org.token, instanceUrl: org.url, tenantId: org.emulator.orgId });
  });

  it('PublishStream answers each request, the topic named once', async () => {
    const { type, schemaId } = await orderType();
    const stream = client.stream<Record<string, unknown>, PublishResponse>('PublishStream');
    const event = (n: string): Record<string, unknown> => ({ id: n, schema_id: schemaId, payload: type.toBuffer({ CreatedDate: 0, CreatedById: '', Order_Number__c: n, Status__c: null, Amount__c: null, Account_Id__c: null }) });
    stream.send({ topic_name: ORDER, events: [event('S1'), event('S2')] });
    stream.send({ events: [event('S3')] });
    const first = await stream.next();
    const second = await stream.next();
    expect(first.results.map((r) => r.correlation_key)).toEqual(['S1', 'S2']);
    expect(second.results.map((r) => [r.correlation_key, r.error])).toEqual([['S3', null]]);
    stream.send({ topic_name: ORDER, events: [{ id: 'bad', schema_id: 'nope', payload: Buffer.from([1]) }] });
    expect((await stream.next()).results[0]?.error?.code).toBe('PUBLISH');
    stream.end();
  });

  it('fault kinds drop the streams, end them with an expired session, and hold batches back', async () => {
    const own = pubsubClient(org.emulator.pubsubUrl, { accessToken: org.emulator.admin.createSession('admin@orgdesk.example').access_token, instanceUrl: org.url, tenantId: org.emulator.orgId });
    const fault = async (json: Record<string, unknown>): Promise<unknown> => (await org.call('/__emulator/faults', { method: 'POST', json })).body;
    const first = own.stream<FetchRequest, FetchResponse>('Subscribe');
    first.send({ topic_name: ORDER, num_requested: 1 });
    await first.next();
    expect(await fault({ kind: 'pubsub-drop-streams' })).toEqual({ applied: 'pubsub-drop-streams', streams: 1 });
    const dropped = await failure(first);
    expect(dropped).toMatchObject({ code: 14, errorCode: undefined });
    const second = own.stream<FetchRequest, FetchResponse>('Subscribe');
    second.send({ topic_name: ORDER, num_requested: 1 });
    await second.next();
    expect(await fault({ kind: 'pubsub-delay', ms: 400 })).toEqual({ applied: 'pubsub-delay' });
    await publishOrders('D1');
    expect((await take(second, 1)).events).toHaveLength(1);
    await org.call('/__emulator/faults', { method: 'DELETE' });
    expect(await fault({ kind: 'pubsub-expire-sessions' })).toEqual({ applied: 'pubsub-expire-sessions', streams: 1 });
    expect(await failure(second)).toMatchObject({ code: 16, errorCode: 'sfdc.platform.eventbus.grpc.service.auth.error' });
    const revoked = (await own.unary('GetTopic', { topic_name: ORDER }).catch((e: unknown) => e)) as ServiceError;
    expect(revoked.code).toBe(16);
    own.close();
  });
});
