import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventRow, EventSubscription } from '../../shared/ipc/domains/events';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { openDatabase, type OrgDeskDatabase } from '../store/database';
import { createEmulatorEventsConnections, emulatorAdmin } from '../test-support/emulator-connections';
import { createEventCapture } from './event-capture';
import { createEventsService, type EventsService } from './events-service';
import { createPubSubStream } from './pubsub-stream';

const ADMIN = 'admin@orgdesk.example';
const V = '/services/data/v66.0';
const CONTACTS = '/data/ContactChangeEvent';
const ORG = 'org-1';
const HOUR = 3_600_000;

let clock = Date.now();
let emulator: RunningEmulator;
let dir: string;
let database: OrgDeskDatabase;
let connections: ReturnType<typeof createEmulatorEventsConnections>;
let service: EventsService;
let rows: EventRow[];
let statuses: EventSubscription[];

const openService = (): EventsService =>
  createEventsService({
    connections,
    capture: createEventCapture({ db: database.db }),
    emitBatch: (batch) => rows.push(...batch.rows),
    emitStatus: (status) => statuses.push(status),
    picker: { pickSavePath: () => Promise.resolve(null) },
    stream: { backoffMs: 50, maxBackoffMs: 400 },
    batchMs: 20,
  });

/** A fresh folder, database, connections and service per test (the local org is shared and reset). */
function openAll(): void {
  dir = mkdtempSync(join(tmpdir(), 'orgdesk-pubsub-'));
  database = openDatabase({ folder: dir });
  connections = createEmulatorEventsConnections({ url: emulator.url, username: ADMIN, pubsubEndpoint: emulator.pubsubUrl });
  [rows, statuses] = [[], []];
  service = openService();
}

async function closeAll(): Promise<void> {
  await service.dispose();
  database.close();
  rmSync(dir, { force: true, recursive: true });
}

// Keepalives every 300 ms, so a stream resumes from a fresh position quickly; the clock moves for the retention case.
beforeAll(async () => void (emulator = await startEmulator({ port: 0, seed: false, now: () => new Date(clock), pubsub: { keepaliveMs: 300 } })));
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.admin.reset({ seed: false });
  openAll();
});
afterEach(closeAll);

const client = () => connections.connection.client;
const fault = (spec: Record<string, unknown>) => emulatorAdmin(emulator.url, 'POST', 'faults', spec);

async function createContact(lastName: string, more: Record<string, unknown> = {}): Promise<string> {
  return (await client().json<{ id: string }>('POST', `${V}/sobjects/Contact`, { json: { LastName: lastName, ...more } })).id;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
  service.flush();
  if (!check()) throw new Error(`Timed out waiting for ${what}`);
}

const lastNames = (list: EventRow[]): string[] => list.map((r) => r.recordIds.join(','));
const replayIds = (list: EventRow[]): number[] => list.map((r) => r.replayId);

describe('the events engine over Pub/Sub against the local org', () => {
  it('delivers changes in commit order with nulled fields decoded and the replay bytes kept for a resume', async () => {
    const subscription = await service.subscribe(ORG, CONTACTS, { kind: 'new' });
    expect(subscription).toMatchObject({ api: 'pubsub', state: 'live' });
    const ids = [await createContact('One', { Title: 'Boss', Email: 'one@example.com' }), await createContact('Two'), await createContact('Three')];
    await client().json('PATCH', `${V}/sobjects/Contact/${ids[0] ?? ''}`, { json: { Title: null, Phone: '555' } });
    await until(() => rows.length === 4, 'four events');
    expect(rows.map((r) => r.changeType)).toEqual(['CREATE', 'CREATE', 'CREATE', 'UPDATE']);
    expect(lastNames(rows.slice(0, 3))).toEqual(ids);
    expect(replayIds(rows)).toEqual([...replayIds(rows)].sort((a, b) => a - b));
    const update = rows[3];
    expect(update?.changedFields).toEqual(expect.arrayContaining(['Title', 'Phone']));
    expect(update?.nulledFields).toEqual(['Title']);
    expect(update?.diffFields).toEqual([]);
    const detail = service.get(update?.seq ?? 0);
    expect(detail.data).toMatchObject({ payload: { Phone: '555', Title: null, ChangeEventHeader: { entityName: 'Contact', nulledFields: ['Title'] } } });
    expect(createEventCapture({ db: database.db }).replayBytes(ORG, CONTACTS, update?.replayId ?? 0)?.length).toBeGreaterThanOrEqual(8);
  });

  it('decodes compound fields of several objects on /data/ChangeEvents: a changed name part and a nulled address part', async () => {
    const contact = await createContact('Compound', { FirstName: 'Ada' });
    const account = (await client().json<{ id: string }>('POST', `${V}/sobjects/Account`, { json: { Name: 'Acme', BillingCity: 'Paris', BillingStreet: '1 Rue' } })).id;
    await service.subscribe(ORG, '/data/ChangeEvents', { kind: 'new' });
    await client().json('PATCH', `${V}/sobjects/Contact/${contact}`, { json: { FirstName: 'Grace' } });
    await client().json('PATCH', `${V}/sobjects/Account/${account}`, { json: { BillingCity: null } });
    await until(() => rows.length === 2, 'both updates');
    expect(rows.map((r) => r.entity)).toEqual(['Contact', 'Account']);
    expect(rows[0]?.changedFields).toContain('Name.FirstName');
    expect(rows[1]?.changedFields).toContain('BillingAddress.City');
    expect(rows[1]?.nulledFields).toEqual(['BillingAddress.City']);
  });

  it('replays every retained event (EARLIEST) and the events after a stored id, and resumes from the checkpoint after a restart', async () => {
    for (const name of ['A', 'B', 'C']) await createContact(name);
    await service.subscribe(ORG, CONTACTS, { kind: 'retained' });
    await until(() => rows.length === 3, 'three retained events');
    const all = [...rows];
    await service.dispose();
    rows = [];
    service = openService();
    await service.subscribe(ORG, CONTACTS, { kind: 'id', replayId: all[0]?.replayId ?? 0 });
    await until(() => rows.length === 2, 'the two events after the first');
    expect(replayIds(rows)).toEqual(replayIds(all.slice(1)));
    await service.dispose();
    await createContact('D');
    rows = [];
    service = openService();
    await service.subscribe(ORG, CONTACTS, { kind: 'checkpoint' });
    await until(() => rows.length === 1, 'only the event after the checkpoint');
    await new Promise((resolve) => setTimeout(resolve, 300));
    service.flush();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.replayId).toBeGreaterThan(all[2]?.replayId ?? 0);
  });

  it('resubscribes from the last replay id after the org drops the stream, with nothing lost or repeated', async () => {
    await service.subscribe(ORG, CONTACTS, { kind: 'new' });
    await createContact('Before');
    await until(() => rows.length === 1, 'the first event');
    expect(await fault({ kind: 'pubsub-drop-streams' })).toMatchObject({ streams: 1 });
    for (const name of ['During1', 'During2']) await createContact(name);
    await until(() => statuses.some((s) => s.state === 'reconnecting'), 'a reconnect');
    await until(() => rows.length === 3, 'the events committed while the stream was down');
    await fault({ kind: 'pubsub-drop-streams' });
    await createContact('After');
    await until(() => rows.length === 4, 'the event after the second drop');
    expect(new Set(replayIds(rows)).size).toBe(4);
    expect(service.subscriptions()[0]?.reconnects).toBeGreaterThanOrEqual(2);
    expect(rows.every((r) => r.discontinuity === null)).toBe(true);
  });

  it('logs in again when the session expires mid-stream and resumes where it was', async () => {
    await service.subscribe(ORG, CONTACTS, { kind: 'new' });
    await createContact('Before');
    await until(() => rows.length === 1, 'the first event');
    const logins = connections.logins;
    expect(await fault({ kind: 'pubsub-expire-sessions' })).toMatchObject({ streams: 1 });
    await until(() => connections.logins > logins, 'a new login');
    await createContact('After');
    await until(() => rows.length === 2, 'the event after the re-login');
    expect(service.subscriptions()[0]?.state).toBe('live');
  });

  it('refuses an unknown replay id offering LATEST or EARLIEST, and EARLIEST then works', async () => {
    await createContact('Kept');
    const failed = await service.subscribe(ORG, CONTACTS, { kind: 'id', replayId: 987_654_321 });
    expect(failed.state).toBe('failed');
    expect(failed.failure).toMatchObject({ reason: 'invalid-replay', code: 'VALIDATION' });
    expect(failed.failure?.hint).toMatch(/LATEST.*EARLIEST/);
    expect((await service.subscribe(ORG, CONTACTS, { kind: 'retained' })).state).toBe('live');
    await until(() => rows.length === 1, 'the retained event');
  });

  it('refuses a stored id past the retention window as invalid, and says the topic does not exist', async () => {
    await service.subscribe(ORG, CONTACTS, { kind: 'new' });
    await createContact('Old1');
    await createContact('Old2');
    await until(() => rows.length === 2, 'the events');
    const first = rows[0]?.replayId ?? 0;
    await service.dispose();
    clock += 73 * HOUR;
    try {
      connections = createEmulatorEventsConnections({ url: emulator.url, username: ADMIN, pubsubEndpoint: emulator.pubsubUrl });
      service = openService();
      // Both events are past the 72 h window: resuming after the first would miss the second, so the org refuses it.
      const expired = await service.subscribe(ORG, CONTACTS, { kind: 'id', replayId: first });
      expect(expired.failure?.reason).toBe('invalid-replay');
      expect((await service.subscribe(ORG, '/data/NoSuchChangeEvent', { kind: 'new' })).failure?.reason).toBe('no-channel');
    } finally {
      clock -= 73 * HOUR;
    }
  });

  it('publishes a platform event through Publish, typed to its schema, and a Pub/Sub subscriber receives it', async () => {
    await service.subscribe(ORG, '/event/Order_Event__e', { kind: 'new' });
    const published = await service.publish(ORG, 'Order_Event__e', { Order_Number__c: 'PS-1', Amount__c: 12.5 });
    expect(published.id).toMatch(/^[0-9a-f-]{36}$/);
    await until(() => rows.length === 1, 'the published event');
    expect(rows[0]).toMatchObject({ kind: 'platform', entity: 'Order_Event__e' });
    expect(service.get(rows[0]?.seq ?? 0).data).toMatchObject({ payload: { Order_Number__c: 'PS-1', Amount__c: 12.5 } });
    await expect(service.publish(ORG, 'Order_Event__e', { Amount__c: 'lots' })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('asks for no events while the consumer has no room, and for them once it has', async () => {
    let room = 0;
    const received: number[] = [];
    const stream = createPubSubStream({
      session: connections.connection.session,
      endpoint: emulator.pubsubUrl,
      room: () => room,
      listener: {
        onEvent: (event) => {
          received.push(event.replayId);
          room = Math.max(0, room - 1);
        },
        onStatus: () => undefined,
      },
    });
    try {
      await createContact('Held1');
      await createContact('Held2');
      await stream.subscribe(CONTACTS, -2);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(received).toEqual([]);
      room = 1;
      await until(() => received.length === 1, 'one event for one slot');
      room = 100;
      await until(() => received.length === 2, 'the rest');
    } finally {
      await stream.close();
    }
  });
});
