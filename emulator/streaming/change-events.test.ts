import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrg, type TestOrg } from '../testing';
import { collectEvents, rawBayeux, type BayeuxReply, type RawBayeux } from './testing/raw-bayeux';

let org: TestOrg;
const V = '/services/data/v66.0';

type Payload = Record<string, unknown> & { ChangeEventHeader: Record<string, unknown> };
const payloadOf = (event: BayeuxReply | undefined): Payload => (event?.data as { payload: Payload }).payload;
const headerOf = (event: BayeuxReply | undefined): Record<string, unknown> => payloadOf(event).ChangeEventHeader;

beforeAll(async () => {
  org = await startTestOrg({ seed: false, bulkIngestChunkSize: 2, streaming: { connectTimeoutMs: 200, overflowLimit: 1000 } });
});
afterAll(async () => {
  await org.emulator.stop();
});

async function subscriber(channel: string, replay?: number, target = org): Promise<RawBayeux> {
  const c = rawBayeux(target.url, { token: target.token });
  await c.handshake();
  await c.connect();
  const reply = await c.subscribe(channel, replay);
  if (reply.successful !== true) throw new Error(JSON.stringify(reply));
  return c;
}

async function bulkInsert(object: string, csv: string, target = org): Promise<void> {
  const job = (await target.call(`${V}/jobs/ingest`, { method: 'POST', json: { object, operation: 'insert' }, headers: { 'Sforce-Call-Options': 'client=BulkLoader' } })).body as { id: string };
  await fetch(`${target.url}${V}/jobs/ingest/${job.id}/batches`, { method: 'PUT', headers: { Authorization: `Bearer ${target.token}`, 'Content-Type': 'text/csv' }, body: csv });
  await target.call(`${V}/jobs/ingest/${job.id}`, { method: 'PATCH', json: { state: 'UploadComplete' } });
  await target.emulator.bulk.idle();
}

describe('change events', () => {
  it('publishes a REST create with the real header, changeOrigin with the client, and set fields in schema order with ISO date-times and nested compounds', async () => {
    const c = await subscriber('/data/AccountChangeEvent');
    const created = await org.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'Acme CDC', BillingCity: 'Paris', BillingCountry: 'France', NumberOfEmployees: 12 }, headers: { 'Sforce-Call-Options': 'client=OrgDesk/1.0' } });
    const id = (created.body as { id: string }).id;
    const [event] = await collectEvents(c, 1);
    expect(event?.channel).toBe('/data/AccountChangeEvent');
    expect(Object.keys(event?.data as object)).toEqual(['schema', 'payload', 'event']);
    expect((event?.data as { schema: string }).schema).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const header = headerOf(event);
    expect(Object.keys(header)).toEqual(['entityName', 'recordIds', 'changeType', 'changeOrigin', 'transactionKey', 'sequenceNumber', 'commitTimestamp', 'commitNumber', 'commitUser', 'changedFields']);
    expect(header).toMatchObject({ entityName: 'Account', recordIds: [id], changeType: 'CREATE', changeOrigin: 'com/salesforce/api/rest/66.0;client=OrgDesk/1.0', sequenceNumber: 1, changedFields: [] });
    expect(header.transactionKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(typeof header.commitTimestamp).toBe('number');
    expect(header.commitUser).toMatch(/^005/);
    const payload = payloadOf(event);
    expect(Object.keys(payload)[0]).toBe('ChangeEventHeader');
    expect(payload).toMatchObject({ Name: 'Acme CDC', NumberOfEmployees: 12, BillingAddress: { City: 'Paris', Country: 'France' } });
    expect(payload).not.toHaveProperty('BillingCity');
    expect(payload).not.toHaveProperty('Id');
    expect(payload).not.toHaveProperty('SystemModstamp');
    expect(payload.CreatedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
    expect(Object.keys(payload).indexOf('Name')).toBeLessThan(Object.keys(payload).indexOf('CreatedDate'));
    expect(typeof (event?.data as { event: { replayId: number } }).event.replayId).toBe('number');
  });

  it('publishes an update with only the changed fields plus LastModifiedDate, a field set to null as null, and changedFields', async () => {
    const id = ((await org.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'To Update', Industry: 'Banking', Phone: '555' } })).body as { id: string }).id;
    const c = await subscriber('/data/AccountChangeEvent');
    expect((await org.call(`${V}/sobjects/Account/${id}`, { method: 'PATCH', json: { Industry: 'Energy', Phone: null, Name: 'To Update' } })).status).toBe(204);
    const [event] = await collectEvents(c, 1);
    const payload = payloadOf(event);
    const { ChangeEventHeader: header, ...fields } = payload;
    expect(header).toMatchObject({ changeType: 'UPDATE', recordIds: [id] });
    expect(Object.keys(fields).sort()).toEqual(['Industry', 'LastModifiedDate', 'Phone']);
    expect(fields).toMatchObject({ Industry: 'Energy', Phone: null });
    expect((header.changedFields as string[]).sort()).toEqual(['Industry', 'LastModifiedDate', 'Phone']);
  });

  it('publishes a delete with the header only, and an undelete with all fields', async () => {
    const id = ((await org.call(`${V}/sobjects/Contact`, { method: 'POST', json: { LastName: 'Gone', FirstName: 'Soon' } })).body as { id: string }).id;
    const c = await subscriber('/data/ContactChangeEvent');
    expect((await org.call(`${V}/sobjects/Contact/${id}`, { method: 'DELETE' })).status).toBe(204);
    org.emulator.org.store.undelete('Contact', id, { origin: 'rest', userId: org.emulator.admin.users()[0]?.id ?? '', apiVersion: '66.0' });
    const [deleted, undeleted] = await collectEvents(c, 2);
    expect(Object.keys(payloadOf(deleted))).toEqual(['ChangeEventHeader']);
    expect(headerOf(deleted)).toMatchObject({ changeType: 'DELETE', recordIds: [id], changeOrigin: 'com/salesforce/api/rest/66.0' });
    expect(headerOf(undeleted).changeType).toBe('UNDELETE');
    expect(payloadOf(undeleted)).toMatchObject({ Name: { FirstName: 'Soon', LastName: 'Gone' } });
  });

  it('shares one transaction key across a collections call, with increasing sequence numbers, on both channels', async () => {
    const all = await subscriber('/data/ChangeEvents');
    const one = await subscriber('/data/Invoice__ChangeEvent');
    const records = [1, 2, 3].map((n) => ({ attributes: { type: 'Invoice__c' }, Amount__c: n }));
    expect((await org.call(`${V}/composite/sobjects`, { method: 'POST', json: { allOrNone: false, records } })).status).toBe(200);
    const events = await collectEvents(all, 3);
    const headers = events.map(headerOf);
    expect(new Set(headers.map((h) => h.transactionKey)).size).toBe(1);
    expect(headers.map((h) => h.sequenceNumber)).toEqual([1, 2, 3]);
    expect(new Set(headers.map((h) => h.commitNumber)).size).toBe(1);
    const custom = await collectEvents(one, 3);
    expect(custom.map((e) => e.channel)).toEqual(['/data/Invoice__ChangeEvent', '/data/Invoice__ChangeEvent', '/data/Invoice__ChangeEvent']);
    expect(custom.map((e) => (e.data as { event: { replayId: number } }).event.replayId)).toEqual(events.map((e) => (e.data as { event: { replayId: number } }).event.replayId));
  });

  it('publishes Bulk ingest changes with the bulkapi origin, one transaction key per chunk', async () => {
    const c = await subscriber('/data/LeadChangeEvent');
    await bulkInsert('Lead', 'LastName,Company\nL1,C1\nL2,C2\nL3,C3\n');
    const headers = (await collectEvents(c, 3)).map(headerOf);
    expect(headers.map((h) => h.changeOrigin)).toEqual(Array(3).fill('com/salesforce/api/bulkapi/66.0;client=BulkLoader'));
    expect(headers[0]?.transactionKey).toBe(headers[1]?.transactionKey);
    expect(headers[2]?.transactionKey).not.toBe(headers[0]?.transactionKey);
    expect(headers.map((h) => h.sequenceNumber)).toEqual([1, 2, 1]);
  });

  it('lists the *ChangeEvent entities in the global describe', async () => {
    const sobjects = ((await org.call(`${V}/sobjects`)).body as { sobjects: { name: string; associateEntityType: string | null; associateParentEntity: string | null }[] }).sobjects;
    expect(sobjects.find((s) => s.name === 'AccountChangeEvent')).toMatchObject({ associateEntityType: 'ChangeEvent', associateParentEntity: 'Account' });
    expect(sobjects.find((s) => s.name === 'Invoice__ChangeEvent')).toMatchObject({ associateParentEntity: 'Invoice__c' });
  });

  it('emits admin gap events with the header only and the given record ids', async () => {
    const id = ((await org.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'Gap Co' } })).body as { id: string }).id;
    const c = await subscriber('/data/AccountChangeEvent');
    const answer = await fetch(`${org.url}/__emulator/streaming/gaps`, { method: 'POST', body: JSON.stringify({ changeType: 'GAP_UPDATE', recordIds: [id] }) });
    expect(answer.status).toBe(201);
    const [event] = await collectEvents(c, 1);
    expect(Object.keys(payloadOf(event))).toEqual(['ChangeEventHeader']);
    expect(headerOf(event)).toMatchObject({ changeType: 'GAP_UPDATE', recordIds: [id], changeOrigin: '', entityName: 'Account' });
    expect((await fetch(`${org.url}/__emulator/streaming/gaps`, { method: 'POST', body: JSON.stringify({ changeType: 'UPDATE', recordIds: [id] }) })).status).toBe(400);
  });
});

describe('change events past the overflow limit and for a subset of objects', () => {
  let small: TestOrg;
  beforeAll(async () => {
    small = await startTestOrg({ seed: false, streaming: { connectTimeoutMs: 200, overflowLimit: 3, changeEventObjects: ['Account', 'Contact'] } });
  });
  afterAll(async () => {
    await small.emulator.stop();
  });

  it('sends the first changes of a transaction, then one GAP_OVERFLOW per entity with the overflow record id', async () => {
    const c = await subscriber('/data/ChangeEvents', undefined, small);
    const records = [
      ...[1, 2, 3, 4].map((n) => ({ attributes: { type: 'Account' }, Name: `Over ${n}` })),
      ...[1, 2].map((n) => ({ attributes: { type: 'Contact' }, LastName: `Over ${n}` })),
    ];
    await small.call(`${V}/composite/sobjects`, { method: 'POST', json: { records } });
    const headers = (await collectEvents(c, 5)).map(headerOf);
    expect(headers.map((h) => h.changeType)).toEqual(['CREATE', 'CREATE', 'CREATE', 'GAP_OVERFLOW', 'GAP_OVERFLOW']);
    expect(headers.slice(3).map((h) => [h.entityName, h.recordIds])).toEqual([['Account', ['000000000000000AAA']], ['Contact', ['000000000000000AAA']]]);
  });

  it('publishes only the configured objects: other change-event channels do not exist', async () => {
    const c = rawBayeux(small.url, { token: small.token });
    await c.handshake();
    expect((await c.subscribe('/data/LeadChangeEvent')).error).toBe("400::The channel you requested to subscribe to doesn't exist {/data/LeadChangeEvent}");
    expect((await c.subscribe('/data/ContactChangeEvent')).successful).toBe(true);
  });
});

describe('retention and replay', () => {
  const id = (e: BayeuxReply): number => (e.data as { event: { replayId: number } }).event.replayId;

  it('replays every retained event with -2, those after an id with that id, and only new ones with -1', async () => {
    const r = await startTestOrg({ seed: false, streaming: { connectTimeoutMs: 150 } });
    try {
      for (const n of [1, 2, 3]) await r.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: `Replay ${n}` } });
      const all = await collectEvents(await subscriber('/data/AccountChangeEvent', -2, r), 3);
      expect(all.map((e) => payloadOf(e).Name)).toEqual(['Replay 1', 'Replay 2', 'Replay 3']);
      const ids = all.map(id);
      expect(ids[1]).toBeGreaterThan(ids[0] as number);
      const after = await collectEvents(await subscriber('/data/AccountChangeEvent', ids[0], r), 2);
      expect(after.map(id)).toEqual(ids.slice(1));
      const fresh = await subscriber('/data/AccountChangeEvent', -1, r);
      expect(await collectEvents(fresh, 1, 2)).toEqual([]);
      await r.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'Replay 4' } });
      expect((await collectEvents(fresh, 1)).map((e) => payloadOf(e).Name)).toEqual(['Replay 4']);
    } finally {
      await r.emulator.stop();
    }
  });

  it('refuses an id that fell out of the retained count with the real invalid-replay error', async () => {
    const r = await startTestOrg({ seed: false, streaming: { connectTimeoutMs: 150, maxRetainedEvents: 2 } });
    try {
      for (const n of [1, 2, 3, 4]) await r.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: `Kept ${n}` } });
      const kept = await collectEvents(await subscriber('/data/AccountChangeEvent', -2, r), 2);
      expect(kept.map((e) => payloadOf(e).Name)).toEqual(['Kept 3', 'Kept 4']);
      const c = rawBayeux(r.url, { token: r.token });
      await c.handshake();
      const tooOld = r.emulator.admin.streaming.status().lowWaterReplayId - 1;
      expect((await c.subscribe('/data/AccountChangeEvent', tooOld)).error).toBe(`400::The replayId {${tooOld}} you provided was invalid. Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`);
    } finally {
      await r.emulator.stop();
    }
  });

  it('drops events older than the retention window', async () => {
    let clock = Date.now();
    const r = await startTestOrg({ seed: false, now: () => new Date(clock), streaming: { connectTimeoutMs: 150, retentionMs: 60_000 } });
    try {
      await r.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'Old' } });
      clock += 61_000;
      await r.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'New' } });
      const replayed = await collectEvents(await subscriber('/data/AccountChangeEvent', -2, r), 1);
      expect(replayed.map((e) => payloadOf(e).Name)).toEqual(['New']);
    } finally {
      await r.emulator.stop();
    }
  });

  it('keeps retained events across a restart when dataDir is set, and replay ids keep increasing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orgdesk-events-'));
    try {
      const first = await startTestOrg({ seed: false, dataDir, streaming: { connectTimeoutMs: 150 } });
      await first.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'Before Restart' } });
      const before = first.emulator.admin.streaming.status().latestReplayId;
      await first.emulator.stop();
      const second = await startTestOrg({ seed: false, dataDir, streaming: { connectTimeoutMs: 150 } });
      try {
        await second.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'After Restart' } });
        const events = await collectEvents(await subscriber('/data/AccountChangeEvent', -2, second), 2);
        expect(events.map((e) => payloadOf(e).Name)).toEqual(['Before Restart', 'After Restart']);
        expect(id(events[0] as BayeuxReply)).toBe(before);
        expect(id(events[1] as BayeuxReply)).toBeGreaterThan(before);
      } finally {
        await second.emulator.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('platform events', () => {
  it('publishes Order_Event__e with POST /sobjects (201 with an id) and delivers it in the real shape', async () => {
    const c = await subscriber('/event/Order_Event__e');
    const answer = await org.call(`${V}/sobjects/Order_Event__e`, { method: 'POST', json: { Order_Number__c: 'ORD-1', Status__c: 'Shipped', Amount__c: 12.5 } });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ id: expect.stringMatching(/^e00\w{15}$/) as string, success: true, errors: [] });
    const [event] = await collectEvents(c, 1);
    expect(event?.channel).toBe('/event/Order_Event__e');
    const data = event?.data as { schema: string; payload: Record<string, unknown>; event: { EventUuid: string; replayId: number } };
    expect(Object.keys(data)).toEqual(['schema', 'payload', 'event']);
    expect(Object.keys(data.payload).slice(0, 2)).toEqual(['CreatedDate', 'CreatedById']);
    expect(data.payload).toMatchObject({ Order_Number__c: 'ORD-1', Status__c: 'Shipped', Amount__c: 12.5, Account_Id__c: null });
    expect(data.payload.CreatedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Object.keys(data.event)).toEqual(['EventUuid', 'replayId']);
    expect(data.event.EventUuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses an unknown field or a read-only one the way a create does, and lists the event in describe', async () => {
    const unknown = await org.call(`${V}/sobjects/Order_Event__e`, { method: 'POST', json: { Nope__c: 1 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual([{ message: "No such column 'Nope__c' on sobject of type Order_Event__e", errorCode: 'INVALID_FIELD' }]);
    const readOnly = await org.call(`${V}/sobjects/Order_Event__e`, { method: 'POST', json: { ReplayId: '1' } });
    expect((readOnly.body as { errorCode: string }[])[0]?.errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    const described = (await org.call(`${V}/sobjects/Order_Event__e/describe`)).body as { name: string; queryable: boolean; fields: { name: string }[] };
    expect(described).toMatchObject({ name: 'Order_Event__e', queryable: false });
    expect(described.fields.map((f) => f.name)).toContain('Order_Number__c');
  });
});
