import avsc, { type Schema, type Type } from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrg, type TestOrg } from '../testing';
import { collectEvents, rawBayeux, type RawBayeux } from '../streaming/testing/raw-bayeux';
import { pubsubClient, type PubSubTestClient, type TestStream } from './testing/grpc-client';

type ConsumerEvent = { event: { id: string; schema_id: string; payload: Buffer }; replay_id: Buffer };
type FetchResponse = { events: ConsumerEvent[]; latest_replay_id: Buffer; pending_num_requested: number };
type ManagedResponse = FetchResponse & { commit_response: { commit_request_id: string; replay_id: Buffer; error: unknown } | null };
type AvroField = { name: string; type: unknown };
type Header = { entityName: string; recordIds: string[]; changeType: string; transactionKey: string; changedFields: string[]; nulledFields: string[]; diffFields: string[] };

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

/**
 * Field names of bitmap strings, decoded the way the guide's samples do: `0x…` is a big number whose bit i names the
 * schema's field i; `p-0x…` names fields of the record at top-level position p.
 */
function decodeBitmap(schema: { fields: AvroField[] }, bitmaps: string[]): string[] {
  const named = new Map<string, AvroField[]>();
  const recordOf = (type: unknown): AvroField[] => {
    const branch = Array.isArray(type) ? type.find((t) => t !== 'null') : type;
    if (typeof branch === 'string') return named.get(branch) ?? named.get(branch.split('.').pop() as string) ?? [];
    const record = branch as { name: string; namespace?: string; fields: AvroField[] };
    named.set(record.name, record.fields);
    if (record.namespace !== undefined) named.set(`${record.namespace}.${record.name}`, record.fields);
    return record.fields;
  };
  const nestedFields = schema.fields.map((f) => (typeof f.type === 'object' ? recordOf(f.type) : []));
  const bits = (hex: string): number[] => [...BigInt(hex).toString(2)].reverse().flatMap((b, i) => (b === '1' ? [i] : []));
  return bitmaps.flatMap((bitmap) => {
    if (bitmap.startsWith('0x')) return bits(bitmap).map((i) => schema.fields[i]?.name ?? `?${i}`);
    const [parent, hex] = bitmap.split('-') as [string, string];
    const p = Number(parent);
    return bits(hex).map((i) => `${schema.fields[p]?.name}.${nestedFields[p]?.[i]?.name ?? `?${i}`}`);
  });
}

async function decoder(schemaId: string): Promise<{ type: Type; schema: { fields: AvroField[] } }> {
  const info = await client.unary<{ schema_json: string }>('GetSchema', { schema_id: schemaId });
  const schema = JSON.parse(info.schema_json) as { fields: AvroField[] };
  return { type: avsc.Type.forSchema(schema as unknown as Schema), schema };
}

async function liveStream(topic: string): Promise<TestStream<Record<string, unknown>, FetchResponse>> {
  const stream = client.stream<Record<string, unknown>, FetchResponse>('Subscribe');
  stream.send({ topic_name: topic, replay_preset: 'LATEST', num_requested: 20 });
  await stream.next();
  return stream;
}

const leftovers = new WeakMap<object, ConsumerEvent[]>();

/** The next event of a stream (batches may carry several; keepalives are skipped). */
async function nextEvent(stream: TestStream<Record<string, unknown>, FetchResponse>): Promise<ConsumerEvent> {
  const kept = leftovers.get(stream) ?? [];
  leftovers.set(stream, kept);
  for (let keepalives = 0; kept.length === 0 && keepalives < 10; keepalives += 1) kept.push(...(await stream.next()).events);
  const event = kept.shift();
  if (!event) throw new Error('No event within 10 keepalives');
  return event;
}

async function cometdSubscriber(channel: string): Promise<RawBayeux> {
  const c = rawBayeux(org.url, { token: org.token });
  await c.handshake();
  await c.connect();
  await c.subscribe(channel);
  return c;
}

describe('change events over Pub/Sub', () => {
  it('decodes an UPDATE that nulls one field and changes another back to field names, the same commit as CometD', async () => {
    const id = ((await org.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'Bitmap Co', Phone: '555-0100', Industry: 'Energy', BillingCity: 'Lyon', BillingCountry: 'France' } })).body as { id: string }).id;
    const stream = await liveStream('/data/AccountChangeEvent');
    const cometd = await cometdSubscriber('/data/AccountChangeEvent');
    expect((await org.call(`${V}/sobjects/Account/${id}`, { method: 'PATCH', json: { Phone: null, Industry: 'Banking', BillingCity: null, BillingCountry: 'Spain' } })).status).toBe(204);
    const event = await nextEvent(stream);
    const { type, schema } = await decoder(event.event.schema_id);
    const record = type.fromBuffer(event.event.payload) as Record<string, unknown> & { ChangeEventHeader: Header };
    const header = record.ChangeEventHeader;
    expect(header).toMatchObject({ entityName: 'Account', recordIds: [id], changeType: 'UPDATE', diffFields: [] });
    expect(decodeBitmap(schema, header.changedFields).sort()).toEqual(['BillingAddress.City', 'BillingAddress.Country', 'Industry', 'LastModifiedDate', 'Phone']);
    expect(decodeBitmap(schema, header.nulledFields).sort()).toEqual(['BillingAddress.City', 'Phone']);
    expect(header.changedFields[0]).toMatch(/^0x[0-9A-F]+$/);
    expect(header.changedFields.slice(1)).toEqual([expect.stringMatching(/^\d+-0x[0-9A-F]+$/)]);
    expect(record).toMatchObject({ Industry: 'Banking', Phone: null, BillingAddress: { City: null, Country: 'Spain' } });
    expect(typeof record.LastModifiedDate).toBe('number');
    const [viaCometd] = await collectEvents(cometd, 1);
    const cometdHeader = (viaCometd?.data as { payload: { ChangeEventHeader: Header } }).payload.ChangeEventHeader;
    expect(cometdHeader.transactionKey).toBe(header.transactionKey);
    expect((viaCometd?.data as { schema: string }).schema).toBe(event.event.schema_id);
    expect(cometdHeader.changedFields.sort()).toEqual(['BillingAddress.City', 'BillingAddress.Country', 'Industry', 'LastModifiedDate', 'Phone']);
    stream.end();
  });

  it('sends a CREATE with its fields and a DELETE with the header only, on the all-changes topic too', async () => {
    const all = await liveStream('/data/ChangeEvents');
    const id = ((await org.call(`${V}/sobjects/Contact`, { method: 'POST', json: { LastName: 'Avro', FirstName: 'Ada', Title: 'CTO' } })).body as { id: string }).id;
    await org.call(`${V}/sobjects/Contact/${id}`, { method: 'DELETE' });
    const created = await nextEvent(all);
    const { type, schema } = await decoder(created.event.schema_id);
    const record = type.fromBuffer(created.event.payload) as Record<string, unknown> & { ChangeEventHeader: Header };
    expect(record.ChangeEventHeader).toMatchObject({ entityName: 'Contact', changeType: 'CREATE', recordIds: [id], changedFields: [] });
    expect(record).toMatchObject({ Title: 'CTO', Name: { FirstName: 'Ada', LastName: 'Avro' } });
    expect(schema.fields.find((f) => f.name === 'Name')?.type).toEqual(['null', expect.objectContaining({ type: 'record', name: 'Switchable_PersonName' })]);
    const deleted = type.fromBuffer((await nextEvent(all)).event.payload) as Record<string, unknown> & { ChangeEventHeader: Header };
    expect(deleted.ChangeEventHeader.changeType).toBe('DELETE');
    expect(deleted.Title).toBeNull();
    all.end();
  });

  it('sends one event with several recordIds when a transaction makes the same change to several records, on both APIs', async () => {
    const created = (await org.call(`${V}/composite/sobjects`, { method: 'POST', json: { records: ['M1', 'M2', 'M3'].map((Name) => ({ attributes: { type: 'Account' }, Name })) } })).body as { id: string }[];
    const [a, b, c] = created.map((r) => r.id);
    const stream = await liveStream('/data/AccountChangeEvent');
    const cometd = await cometdSubscriber('/data/AccountChangeEvent');
    const records = [a, b].map((id) => ({ attributes: { type: 'Account' }, id, Industry: 'Mining' }));
    expect((await org.call(`${V}/composite/sobjects`, { method: 'PATCH', json: { records: [...records, { attributes: { type: 'Account' }, id: c, Industry: 'Retail' }] } })).status).toBe(200);
    expect((await org.call(`${V}/composite/sobjects?ids=${a},${b}`, { method: 'DELETE' })).status).toBe(200);
    const { type } = await decoder((await client.unary<{ schema_id: string }>('GetTopic', { topic_name: '/data/AccountChangeEvent' })).schema_id);
    const headers: Header[] = [];
    while (headers.length < 3) headers.push((type.fromBuffer((await nextEvent(stream)).event.payload) as { ChangeEventHeader: Header }).ChangeEventHeader);
    expect(headers.map((h) => [h.changeType, h.recordIds])).toEqual([['UPDATE', [a, b]], ['UPDATE', [c]], ['DELETE', [a, b]]]);
    const viaCometd = (await collectEvents(cometd, 3)).map((e) => (e.data as { payload: { ChangeEventHeader: Header } }).payload.ChangeEventHeader);
    expect(viaCometd.map((h) => [h.changeType, h.recordIds])).toEqual([['UPDATE', [a, b]], ['UPDATE', [c]], ['DELETE', [a, b]]]);
    stream.end();
  });

  it('ManagedSubscribe resumes after the replay id the client committed', async () => {
    const added = await org.call('/__emulator/pubsub/managed-subscriptions', { method: 'POST', json: { developerName: 'OrgDesk_Orders', topicName: '/event/Order_Event__e', defaultReplay: 'EARLIEST' } });
    expect(added.status).toBe(201);
    const sub = added.body as { id: string };
    expect((await org.call('/__emulator/pubsub/managed-subscriptions', { method: 'POST', json: { developerName: 'Bad', topicName: '/event/Nope__e' } })).status).toBe(400);
    for (const n of ['K1', 'K2', 'K3']) await org.call(`${V}/sobjects/Order_Event__e`, { method: 'POST', json: { Order_Number__c: n } });
    const first = client.stream<Record<string, unknown>, ManagedResponse>('ManagedSubscribe');
    first.send({ developer_name: 'OrgDesk_Orders', num_requested: 2 });
    const events: ConsumerEvent[] = [];
    while (events.length < 2) events.push(...(await first.next()).events);
    first.send({ commit_replay_id_request: { commit_request_id: 'c-1', replay_id: events[1]?.replay_id } });
    let commit = await first.next();
    while (!commit.commit_response) commit = await first.next();
    expect(commit.commit_response).toMatchObject({ commit_request_id: 'c-1', error: null });
    expect((await org.call('/__emulator/pubsub')).body).toMatchObject({ url: org.emulator.pubsubUrl, streams: 1, managedSubscriptions: [{ developerName: 'OrgDesk_Orders', committed: expect.any(Number) }] });
    first.end();
    const { type } = await decoder((events[0] as ConsumerEvent).event.schema_id);
    const second = client.stream<Record<string, unknown>, ManagedResponse>('ManagedSubscribe');
    second.send({ subscription_id: sub.id, num_requested: 5 });
    let batch = await second.next();
    while (batch.events.length === 0) batch = await second.next();
    expect((type.fromBuffer((batch.events[0] as ConsumerEvent).event.payload) as { Order_Number__c: string }).Order_Number__c).toBe('K3');
    second.send({ commit_replay_id_request: { commit_request_id: 'c-2', replay_id: Buffer.from('junk') } });
    let refused = await second.next();
    while (!refused.commit_response) refused = await second.next();
    expect(refused.commit_response.error).toMatchObject({ code: 'COMMIT' });
    second.end();
  });
});
