import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventBatch, EventRow, EventSubscription } from '../../shared/ipc/domains/events';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { ServiceError } from '../errors';
import type { SaveFileFormat } from '../files';
import { openDatabase, type OrgDeskDatabase } from '../store/database';
import { createEventCapture } from './event-capture';
import { createEventsService, type EventsService } from './events-service';
import { createEmulatorEventsConnections } from '../test-support/emulator-connections';

const ADMIN = 'admin@orgdesk.example';
const V = '/services/data/v66.0';
const CONTACTS = '/data/ContactChangeEvent';
const ORG = 'org-1';

let emulator: RunningEmulator;
let dir: string;
let database: OrgDeskDatabase;
let service: EventsService;
let connections: ReturnType<typeof createEmulatorEventsConnections>;
let rows: EventRow[];
let statuses: EventSubscription[];
let batches: EventBatch[];
let savedFormats: SaveFileFormat[];

beforeAll(async () => {
  // A held /meta/connect answers after 1.5 s when nothing happens, so disconnects and faults play out quickly.
  emulator = await startEmulator({ port: 0, seed: false, streaming: { connectTimeoutMs: 1500 } });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.admin.reset({ seed: false });
  dir = mkdtempSync(join(tmpdir(), 'orgdesk-events-'));
  database = openDatabase({ folder: dir });
  connections = createEmulatorEventsConnections({ url: emulator.url, username: ADMIN });
  rows = [];
  statuses = [];
  batches = [];
  savedFormats = [];
  service = createEventsService({
    defaultApi: 'cometd',
    connections,
    capture: createEventCapture({ db: database.db }),
    emitBatch: (batch) => {
      batches.push(batch);
      rows.push(...batch.rows);
    },
    emitStatus: (status) => statuses.push(status),
    picker: {
      pickSavePath: ({ suggestedName, format }) => {
        savedFormats.push(format);
        return Promise.resolve(join(dir, suggestedName));
      },
    },
    stream: { backoffMs: 100, maxBackoffMs: 1000 },
  });
});
afterEach(async () => {
  await service.dispose();
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

const client = () => connections.connection.client;

async function createContact(lastName: string): Promise<string> {
  const created = await client().json<{ id: string }>('POST', `${V}/sobjects/Contact`, { json: { LastName: lastName } });
  return created.id;
}

async function updateContact(id: string, fields: Record<string, unknown>): Promise<void> {
  await client().json('PATCH', `${V}/sobjects/Contact/${id}`, { json: fields });
}

async function bulkContacts(lastNames: string[]): Promise<void> {
  const job = await client().json<{ id: string }>('POST', `${V}/jobs/ingest`, { json: { object: 'Contact', operation: 'insert' } });
  await client().request('PUT', `${V}/jobs/ingest/${job.id}/batches`, { body: `LastName\n${lastNames.join('\n')}\n`, headers: { 'Content-Type': 'text/csv' } });
  await client().json('PATCH', `${V}/jobs/ingest/${job.id}`, { json: { state: 'UploadComplete' } });
  await emulator.bulk.idle();
}

async function until<T>(what: string, read: () => T | undefined | false, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const rowsOf = (channel: string): EventRow[] => rows.filter((r) => r.channel === channel);
const waitForRows = (count: number, channel = CONTACTS): Promise<EventRow[]> =>
  until(`${count} events on ${channel} (have ${rowsOf(channel).length})`, () => (rowsOf(channel).length >= count ? rowsOf(channel) : undefined));
const clientIds = (): string[] => emulator.admin.streaming.clients().map((c) => c.clientId);

describe('subscriptions against the local org', () => {
  it('delivers REST and Bulk changes of contacts in commit order, batched to the renderer and stored', async () => {
    const subscription = await service.subscribe(ORG, CONTACTS, { kind: 'new' });
    expect(subscription.state).toBe('live');
    const id = await createContact('Lovelace');
    await updateContact(id, { Email: 'ada@example.com', FirstName: 'Ada' });
    await bulkContacts(['Hopper', 'Turing', 'Noether']);
    const got = await waitForRows(5);
    expect(got.map((r) => r.changeType)).toEqual(['CREATE', 'UPDATE', 'CREATE', 'CREATE', 'CREATE']);
    const replayIds = got.map((r) => r.replayId);
    expect([...replayIds].sort((a, b) => a - b)).toEqual(replayIds);
    expect(got[0]?.recordIds).toEqual([id]);
    expect(got[1]?.changedFields).toEqual(expect.arrayContaining(['Email', 'Name.FirstName']));
    expect(got[1]?.changeOrigin).toMatch(/^com\/salesforce\/api\/rest\//);
    expect(got[2]?.changeOrigin).toMatch(/bulkapi/);
    expect(new Set(got.slice(2).map((r) => r.transactionKey)).size).toBe(1);
    const window = service.rows({ orgId: ORG }, 0, 100, 'asc');
    expect(window.rows.map((r) => r.seq)).toEqual(got.map((r) => r.seq));
    expect(batches.every((b) => b.capture.events >= b.rows.length)).toBe(true);
    expect(statuses.at(-1)).toMatchObject({ channel: CONTACTS, state: 'live', received: 5, lastReplayId: replayIds.at(-1) });
  });

  it('replays every retained event with -2 and the events after an id', async () => {
    const first = await createContact('One');
    await createContact('Two');
    await updateContact(first, { Title: 'Engineer' });
    const all = await service.subscribe(ORG, CONTACTS, { kind: 'retained' });
    expect(all.state).toBe('live');
    const retained = await waitForRows(3);
    expect(retained.map((r) => r.changeType)).toEqual(['CREATE', 'CREATE', 'UPDATE']);
    await service.unsubscribe(all.subscriptionId);

    rows = [];
    await service.subscribe(ORG, CONTACTS, { kind: 'id', replayId: retained[0]?.replayId ?? 0 });
    const after = await waitForRows(2);
    expect(after.map((r) => r.replayId)).toEqual(retained.slice(1).map((r) => r.replayId));
  });

  it('resubscribes from the checkpoint after a restart, so nothing is missed or repeated', async () => {
    const first = await service.subscribe(ORG, CONTACTS, { kind: 'new' });
    await createContact('Before');
    await waitForRows(1);
    await service.unsubscribe(first.subscriptionId);
    await createContact('While away 1');
    await createContact('While away 2');
    rows = [];
    await service.subscribe(ORG, CONTACTS, { kind: 'checkpoint' });
    const resumed = await waitForRows(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rowsOf(CONTACTS)).toHaveLength(2);
    expect(resumed.map((r) => r.changeType)).toEqual(['CREATE', 'CREATE']);
  });

  it('re-handshakes, re-subscribes and resumes after the org drops the client, with no event lost or repeated', async () => {
    await service.subscribe(ORG, CONTACTS, { kind: 'new' });
    await service.subscribe(ORG, '/data/ChangeEvents', { kind: 'new' });
    await createContact('A');
    await waitForRows(1);
    const [dropped] = clientIds();
    expect(clientIds()).toHaveLength(1);
    expect(emulator.admin.streaming.dropClient(dropped ?? '')).toBe(true);
    // Changes made while the client is gone are replayed from the last replay id of each channel.
    await createContact('B');
    await createContact('C');
    await until('a new client', () => clientIds().length === 1 && clientIds()[0] !== dropped);
    await createContact('D');
    const got = await waitForRows(4);
    await waitForRows(4, '/data/ChangeEvents');
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const channel of [CONTACTS, '/data/ChangeEvents']) {
      const ids = rowsOf(channel).map((r) => r.replayId);
      expect(ids).toHaveLength(4);
      expect(new Set(ids).size).toBe(4);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    }
    expect(got.every((r) => r.discontinuity === null)).toBe(true);
    expect(service.subscriptions().every((s) => s.reconnects >= 1 && s.state === 'live')).toBe(true);
  });

  it('backs off and retries while the network drops the stream, then delivers what was committed meanwhile', async () => {
    await service.subscribe(ORG, CONTACTS, { kind: 'new' });
    await createContact('Before the drop');
    await waitForRows(1);
    // The next three CometD requests lose their connection before any byte of the answer.
    emulator.admin.addFault({ kind: 'reset', afterBytes: 0, path: '/cometd/*', times: 3 });
    await createContact('During the drop');
    await until('a reconnecting status', () => statuses.some((s) => s.state === 'reconnecting' && s.nextRetryAt !== null));
    await createContact('After the drop');
    const got = await waitForRows(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rowsOf(CONTACTS)).toHaveLength(3);
    expect(new Set(got.map((r) => r.replayId)).size).toBe(3);
    expect(emulator.admin.faults()).toHaveLength(0);
    await until('live again', () => service.subscriptions()[0]?.state === 'live');
    expect(service.subscriptions()[0]?.reconnects).toBeGreaterThanOrEqual(1);
  });

  it('flags a discontinuity when the org no longer keeps the events after the last replay id, and resumes from what it keeps', async () => {
    const small = await startEmulator({ port: 0, seed: false, streaming: { connectTimeoutMs: 1500, maxRetainedEvents: 3 } });
    const smallConnections = createEmulatorEventsConnections({ url: small.url, username: ADMIN });
    const smallRows: EventRow[] = [];
    const smallService = createEventsService({
    defaultApi: 'cometd',
      connections: smallConnections,
      capture: createEventCapture({ db: database.db }),
      emitBatch: (batch) => smallRows.push(...batch.rows),
      emitStatus: () => undefined,
      picker: { pickSavePath: () => Promise.resolve(null) },
      stream: { backoffMs: 100, maxBackoffMs: 1000 },
    });
    try {
      const create = (name: string) => smallConnections.connection.client.json('POST', `${V}/sobjects/Contact`, { json: { LastName: name } });
      await smallService.subscribe(ORG, CONTACTS, { kind: 'new' });
      await create('Seen');
      await until('the first event', () => smallRows.length === 1);
      // Delivery is held while five more changes happen: the org keeps only the last three, then forgets the client.
      small.admin.streaming.pause();
      for (let i = 0; i < 5; i += 1) await create(`Missed ${i}`);
      small.admin.streaming.dropClient(small.admin.streaming.clients()[0]?.clientId ?? '');
      small.admin.streaming.resume();
      await until('three replayed events', () => smallRows.length === 4);
      const resumed = smallRows.slice(1);
      expect(resumed[0]?.discontinuity).toMatchObject({ lastReplayId: smallRows[0]?.replayId });
      expect(resumed[0]?.discontinuity?.reason).toMatch(/may be missing/);
      expect(resumed[0]?.note).toBe(resumed[0]?.discontinuity?.reason);
      expect(resumed.slice(1).every((r) => r.discontinuity === null)).toBe(true);
      expect(smallService.subscriptions()[0]?.state).toBe('live');
    } finally {
      await smallService.dispose();
      await small.stop();
    }
  });

  it('streams from two orgs on one host at once, each keeping its own BAYEUX_BROWSER cookie', async () => {
    const second = await startEmulator({ port: 0, seed: false, streaming: { connectTimeoutMs: 1500 } });
    const secondConnections = createEmulatorEventsConnections({ url: second.url, username: ADMIN });
    const secondRows: EventRow[] = [];
    const secondService = createEventsService({
    defaultApi: 'cometd',
      connections: secondConnections,
      capture: createEventCapture({ db: database.db }),
      emitBatch: (batch) => secondRows.push(...batch.rows),
      emitStatus: () => undefined,
      picker: { pickSavePath: () => Promise.resolve(null) },
    });
    try {
      await service.subscribe(ORG, CONTACTS, { kind: 'new' });
      await secondService.subscribe('org-2', CONTACTS, { kind: 'new' });
      for (let i = 0; i < 3; i += 1) {
        await createContact(`First org ${i}`);
        await secondConnections.connection.client.json('POST', `${V}/sobjects/Contact`, { json: { LastName: `Second org ${i}` } });
        // Long enough for both held connects to answer and come back with their cookies.
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await waitForRows(3);
      await until('three events from the second org', () => secondRows.length === 3);
      expect(emulator.admin.streaming.clients()).toHaveLength(1);
      expect(second.admin.streaming.clients()).toHaveLength(1);
      expect(service.subscriptions()[0]?.reconnects).toBe(0);
      expect(secondService.subscriptions()[0]?.reconnects).toBe(0);
    } finally {
      await secondService.dispose();
      await second.stop();
    }
  });

  it('logs in again when the session expires mid-stream and resumes where it was', async () => {
    await service.subscribe(ORG, CONTACTS, { kind: 'new' });
    await createContact('Before expiry');
    await waitForRows(1);
    const loginsBefore = connections.logins;
    expect(emulator.admin.streaming.expireClientSession(clientIds()[0] ?? '')).toBe(true);
    await until('a new login', () => connections.logins > loginsBefore);
    await createContact('After expiry');
    const got = await waitForRows(2);
    expect(got.map((r) => r.recordIds.length)).toEqual([1, 1]);
    expect(new Set(got.map((r) => r.replayId)).size).toBe(2);
    expect(service.subscriptions()[0]?.state).toBe('live');
  });

  it('answers an invalid replay id with a clear failure offering -1 or -2, and -2 then works', async () => {
    await createContact('Retained');
    const failed = await service.subscribe(ORG, CONTACTS, { kind: 'id', replayId: 987_654_321 });
    expect(failed.state).toBe('failed');
    expect(failed.failure).toMatchObject({ reason: 'invalid-replay', code: 'VALIDATION' });
    expect(failed.failure?.message).toContain('987654321');
    expect(failed.failure?.hint).toMatch(/-1.*-2/);
    const retried = await service.subscribe(ORG, CONTACTS, { kind: 'retained' });
    expect(retried.state).toBe('live');
    expect(retried.subscriptionId).not.toBe(failed.subscriptionId);
    await waitForRows(1);
  });

  it('answers a failed login with its error, and the next subscribe logs in again', async () => {
    let refuse = true;
    const real = connections.connection.session;
    const flaky = createEventsService({
    defaultApi: 'cometd',
      connections: {
        connectionFor: () =>
          Promise.resolve({
            ...connections.connection,
            session: { loginUrl: real.loginUrl, renew: (stale) => real.renew(stale), access: () => (refuse ? Promise.reject(new ServiceError('AUTH', 'This org has no private key in the keychain.', 'Import a key.')) : real.access()) },
          }),
      },
      capture: createEventCapture({ db: database.db }),
      emitBatch: () => undefined,
      emitStatus: () => undefined,
      picker: { pickSavePath: () => Promise.resolve(null) },
    });
    try {
      await expect(flaky.subscribe(ORG, CONTACTS, { kind: 'new' })).rejects.toMatchObject({ code: 'AUTH' });
      expect(flaky.subscriptions()).toEqual([]);
      refuse = false;
      expect((await flaky.subscribe(ORG, CONTACTS, { kind: 'new' })).state).toBe('live');
    } finally {
      await flaky.dispose();
    }
  });

  it('refuses a channel the org does not have, saying so', async () => {
    const failed = await service.subscribe(ORG, '/data/NoSuchChangeEvent', { kind: 'new' });
    expect(failed).toMatchObject({ state: 'failed', failure: { reason: 'no-channel', code: 'NOT_FOUND' } });
  });

  it('shows a gap event as one, with what it means and a query that re-reads the records', async () => {
    await service.subscribe(ORG, CONTACTS, { kind: 'new' });
    const id = await createContact('Gappy');
    emulator.admin.streaming.emitGap('GAP_UPDATE', [id], 'Contact');
    emulator.admin.streaming.emitGap('GAP_OVERFLOW', ['000000000000000AAA'], 'Contact');
    const got = await waitForRows(3);
    expect(got.map((r) => [r.kind, r.changeType])).toEqual([
      ['change', 'CREATE'],
      ['gap', 'GAP_UPDATE'],
      ['overflow', 'GAP_OVERFLOW'],
    ]);
    expect(got[1]?.note).toMatch(/only the header.*re-query/);
    expect(service.get(got[1]?.seq ?? 0).requerySoql).toBe(`SELECT FIELDS(STANDARD) FROM Contact WHERE Id IN ('${id}')`);
    expect(service.get(got[2]?.seq ?? 0).requerySoql).toMatch(/^SELECT FIELDS\(STANDARD\) FROM Contact WHERE SystemModstamp >= \S+Z ORDER BY SystemModstamp LIMIT 200$/);
    const requery = await client().json<{ totalSize: number }>('GET', `${V}/query`, { query: { q: service.get(got[1]?.seq ?? 0).requerySoql ?? '' } });
    expect(requery.totalSize).toBe(1);
  });
});

describe('the captured events', () => {
  it('knows previous values of an UPDATE from earlier events and from a fetched record', async () => {
    await service.subscribe(ORG, CONTACTS, { kind: 'new' });
    const id = await createContact('Curie');
    await updateContact(id, { Title: 'Chemist' });
    await updateContact(id, { Title: 'Physicist', Email: 'marie@example.com' });
    const got = await waitForRows(3);
    const detail = service.get(got[2]?.seq ?? 0);
    expect(detail.changes).toEqual(
      expect.arrayContaining([
        { field: 'Title', value: 'Physicist', previous: { source: 'event', seq: got[1]?.seq, value: 'Chemist' } },
        { field: 'Email', value: 'marie@example.com', previous: { source: 'event', seq: got[0]?.seq, value: null } },
      ]),
    );
    const other = await client().json<{ id: string }>('POST', `${V}/sobjects/Contact`, { json: { LastName: 'Meitner', Title: 'Physicist' } });
    await waitForRows(4);
    const snapshot = await service.fetchRecord(ORG, 'Contact', other.id);
    expect(snapshot.fields.Title).toBe('Physicist');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await updateContact(other.id, { Title: 'Nuclear physicist' });
    const latest = (await waitForRows(5))[4];
    // The CREATE is earlier in the capture too, so the capture answers first; with the capture cleared the snapshot does.
    service.clear(ORG);
    expect(() => service.get(latest?.seq ?? 0)).toThrow(/no longer in the capture/);
    await updateContact(other.id, { Title: 'Professor' });
    const afterClear = await waitForRows(6);
    expect(service.get(afterClear[5]?.seq ?? 0).changes.find((c) => c.field === 'Title')).toMatchObject({ previous: { source: 'record', value: 'Physicist' } });
  });

  it('searches the capture by text, record id and change type, and keeps it across a restart', async () => {
    await service.subscribe(ORG, CONTACTS, { kind: 'new' });
    const id = await createContact('Zwicky');
    await createContact('Chandrasekhar');
    await updateContact(id, { Title: 'Astronomer' });
    await waitForRows(3);
    await service.dispose();
    const reopened = createEventsService({
    defaultApi: 'cometd',
      connections,
      capture: createEventCapture({ db: database.db }),
      emitBatch: () => undefined,
      emitStatus: () => undefined,
      picker: { pickSavePath: () => Promise.resolve(null) },
    });
    expect(reopened.rows({ orgId: ORG, text: 'zwick' }, 0, 10, 'asc').rows.map((r) => r.changeType)).toEqual(['CREATE']);
    expect(reopened.rows({ orgId: ORG, text: 'astronomer' }, 0, 10, 'asc').rows.map((r) => r.changeType)).toEqual(['UPDATE']);
    expect(reopened.rows({ orgId: ORG, recordId: id.slice(0, 15) }, 0, 10, 'asc').matched).toBe(2);
    expect(reopened.rows({ orgId: ORG, changeTypes: ['UPDATE'] }, 0, 10, 'desc').rows).toHaveLength(1);
    expect(reopened.rows({ orgId: ORG, text: 'name:"x' }, 0, 10, 'asc').matched).toBe(0);
    expect(reopened.rows({ orgId: 'another-org' }, 0, 10, 'asc').total).toBe(0);
    await reopened.dispose();
  });

  it('drops the oldest events past the size limit and says how many went', async () => {
    await service.subscribe(ORG, CONTACTS, { kind: 'new' });
    for (let i = 0; i < 6; i += 1) await createContact(`Limit ${i}`);
    const got = await waitForRows(6);
    const perEvent = service.capture().bytes / 6;
    const stats = service.setCaptureLimit(Math.floor(perEvent * 3.5));
    expect(stats).toMatchObject({ events: 3, dropped: 3, oldestAt: got[3]?.receivedAt });
    expect(service.rows({ orgId: ORG }, 0, 10, 'asc').rows.map((r) => r.seq)).toEqual(got.slice(3).map((r) => r.seq));
    await createContact('Limit 6');
    await waitForRows(7);
    expect(service.capture()).toMatchObject({ events: 3, dropped: 4 });
  });

  it('exports all or a selection as NDJSON and CSV, read back the same', async () => {
    await service.subscribe(ORG, CONTACTS, { kind: 'new' });
    await createContact('Export, "quoted"');
    await createContact('Second');
    const got = await waitForRows(2);
    const ndjson = await service.exportEvents({ kind: 'filter', filter: { orgId: ORG } }, 'ndjson');
    expect(ndjson.events).toBe(2);
    const lines = readFileSync(ndjson.file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { channel: string; replayId: number; data: { payload: { Name: { LastName: string } } } });
    expect(lines.map((l) => l.data.payload.Name.LastName)).toEqual(['Export, "quoted"', 'Second']);
    expect(lines.map((l) => l.replayId)).toEqual(got.map((r) => r.replayId));
    const csv = await service.exportEvents({ kind: 'seqs', orgId: ORG, seqs: [got[1]?.seq ?? 0] }, 'csv');
    expect(csv.events).toBe(1);
    const records = parse<Record<string, string>>(readFileSync(csv.file, 'utf8'), { columns: true });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ changeType: 'CREATE', entity: 'Contact', recordIds: got[1]?.recordIds[0] });
    expect(JSON.parse(records[0]?.data ?? '{}')).toMatchObject({ payload: { Name: { LastName: 'Second' } } });
    // The save dialog is asked for the format written, so it offers .ndjson for NDJSON.
    expect(savedFormats).toEqual(['ndjson', 'csv']);
  });

  it('turns an unwritable export path into a FILE error naming it', async () => {
    const failing = createEventsService({
    defaultApi: 'cometd',
      connections,
      capture: createEventCapture({ db: database.db }),
      emitBatch: () => undefined,
      emitStatus: () => undefined,
      picker: { pickSavePath: () => Promise.resolve(join(dir, 'missing-folder', 'events.ndjson')) },
    });
    await expect(failing.exportEvents({ kind: 'filter', filter: { orgId: ORG } }, 'ndjson')).rejects.toMatchObject({ code: 'FILE', message: expect.stringContaining('missing-folder') });
    await failing.dispose();
  });
});

describe('channels and platform events', () => {
  it('lists /data/ChangeEvents, the org’s change event channels and its platform events', async () => {
    const channels = await service.channels(ORG);
    expect(channels[0]).toMatchObject({ channel: '/data/ChangeEvents', kind: 'all-changes' });
    expect(channels).toEqual(expect.arrayContaining([
      expect.objectContaining({ channel: '/data/ContactChangeEvent', kind: 'change', entity: 'Contact' }),
      expect.objectContaining({ channel: '/data/Invoice__ChangeEvent', kind: 'change', entity: 'Invoice__c' }),
      expect.objectContaining({ channel: '/event/Order_Event__e', kind: 'platform', entity: 'Order_Event__e' }),
    ]));
  });

  it('publishes a platform event that a subscriber receives', async () => {
    await service.subscribe(ORG, '/event/Order_Event__e', { kind: 'new' });
    const describe = await client().json<{ fields: { name: string; type: string; createable: boolean }[] }>('GET', `${V}/sobjects/Order_Event__e/describe`);
    const field = describe.fields.find((f) => f.createable && f.type === 'string');
    expect(field).toBeDefined();
    const published = await service.publish(ORG, 'Order_Event__e', { [field?.name ?? '']: 'ORD-1' });
    expect(published.id).toMatch(/^e00/);
    const [event] = await waitForRows(1, '/event/Order_Event__e');
    expect(event).toMatchObject({ kind: 'platform', entity: 'Order_Event__e', changeType: null });
    expect((service.get(event?.seq ?? 0).data as { payload: Record<string, unknown> }).payload[field?.name ?? '']).toBe('ORD-1');
  });
});
