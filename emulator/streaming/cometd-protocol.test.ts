import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrg, type TestOrg } from '../testing';
import { rawBayeux, type BayeuxReply } from './testing/raw-bayeux';

let org: TestOrg;
const V = '/services/data/v66.0';
const CONNECT_TIMEOUT = 300;
const CLIENT_TIMEOUT = 700;

beforeAll(async () => {
  org = await startTestOrg({ seed: false, streaming: { connectTimeoutMs: CONNECT_TIMEOUT, clientTimeoutMs: CLIENT_TIMEOUT } });
});
afterAll(async () => {
  await org.emulator.stop();
});

const client = (token = org.token): ReturnType<typeof rawBayeux> => rawBayeux(org.url, { token });

async function subscribed(channel = '/data/AccountChangeEvent', replay?: number): Promise<ReturnType<typeof rawBayeux>> {
  const c = client();
  await c.handshake();
  await c.connect();
  expect((await c.subscribe(channel, replay)).successful).toBe(true);
  return c;
}

async function createAccount(name: string): Promise<string> {
  const answer = await org.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: name } });
  expect(answer.status).toBe(201);
  return (answer.body as { id: string }).id;
}

describe('CometD endpoint', () => {
  it('answers a handshake with the replay extension, long-polling only, and a BAYEUX_BROWSER cookie', async () => {
    const { status, headers, replies } = await client().send([{ channel: '/meta/handshake', version: '1.0', minimumVersion: '1.0', supportedConnectionTypes: ['long-polling'], id: '1' }]);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(headers.get('set-cookie')).toMatch(/^BAYEUX_BROWSER=[a-z0-9]+; Path=\//);
    const reply = replies[0] as BayeuxReply;
    expect(Object.keys(reply)).toEqual(['ext', 'minimumVersion', 'clientId', 'supportedConnectionTypes', 'channel', 'id', 'version', 'successful']);
    expect(reply).toMatchObject({ ext: { replay: true, 'payload.format': true }, supportedConnectionTypes: ['long-polling'], channel: '/meta/handshake', id: '1', version: '1.0', successful: true });
    expect(reply.clientId).toMatch(/^[a-z0-9]{20,}$/);
  });

  it('refuses a URI without a version, or with one older than 37.0, with the real 400 texts', async () => {
    const missing = await client().send([{ channel: '/meta/handshake' }], { path: '/cometd' });
    expect(missing.status).toBe(400);
    expect(missing.replies[0]).toMatchObject({ error: '403::Handshake denied', ext: { sfdc: { failureReason: "400::API version in the URI is mandatory. URI format: '/cometd/66.0'" } }, successful: false });
    const old = await client().send([{ channel: '/meta/handshake' }], { path: '/cometd/36.0' });
    expect(old.status).toBe(400);
    expect(JSON.stringify(old.replies[0])).toContain("400::Unsupported API version. Only API versions '37.0' and later are supported");
  });

  it('denies a handshake without a token or with an invalid one, with reconnect none', async () => {
    const none = await client().send([{ channel: '/meta/handshake' }], { token: null });
    expect(none.replies[0]).toMatchObject({ ext: { sfdc: { failureReason: '401::Request requires authentication' } }, advice: { reconnect: 'none' }, channel: '/meta/handshake', error: '403::Handshake denied', successful: false });
    const bad = await client('00D000000000001!nope').send([{ channel: '/meta/handshake' }]);
    expect(bad.replies[0]).toMatchObject({ ext: { sfdc: { failureReason: '401::Authentication invalid' } }, error: '403::Handshake denied', successful: false });
  });

  it('answers the first connect at once with the advice, then holds the next one for the timeout and answers without advice', async () => {
    const c = client();
    const id = await c.handshake();
    const first = await c.connect();
    expect(first.reply).toEqual({ clientId: id, advice: { interval: 0, timeout: CONNECT_TIMEOUT, reconnect: 'retry' }, channel: '/meta/connect', id: expect.any(String) as string, successful: true });
    const started = Date.now();
    const second = await c.connect();
    expect(Date.now() - started).toBeGreaterThanOrEqual(CONNECT_TIMEOUT - 20);
    expect(second.events).toEqual([]);
    expect(second.reply).toEqual({ clientId: id, channel: '/meta/connect', id: expect.any(String) as string, successful: true });
  });

  it('answers a held connect as soon as an event arrives, the events before the connect reply in the same array', async () => {
    const c = await subscribed();
    const pending = c.connect();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const id = await createAccount('Held Connect Co');
    const { events, reply } = await pending;
    expect(reply).toMatchObject({ channel: '/meta/connect', successful: true });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ channel: '/data/AccountChangeEvent', data: { payload: { ChangeEventHeader: { changeType: 'CREATE', recordIds: [id] } } } });
    expect(Object.keys(events[0] as object)).toEqual(['data', 'channel']);
  });

  it('answers a held connect with the retained events a new replaying subscription brings, without waiting for a new event', async () => {
    // An org whose connects are held for a minute: without the wake-up the held connect would outlast the test.
    const slow = await startTestOrg({ seed: false, streaming: { connectTimeoutMs: 60_000, clientTimeoutMs: 120_000 } });
    try {
      const created = await slow.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'Retained Before Subscribe Co' } });
      expect(created.status).toBe(201);
      const c = rawBayeux(slow.url, { token: slow.token });
      await c.handshake();
      await c.connect();
      expect((await c.subscribe('/data/AccountChangeEvent', -1)).successful).toBe(true);
      const pending = c.connect();
      expect((await c.subscribe('/data/ChangeEvents', -2)).successful).toBe(true);
      const { events } = await pending;
      expect(events.length).toBeGreaterThan(0);
      expect(events.every((event) => event.channel === '/data/ChangeEvents')).toBe(true);
    } finally {
      await slow.emulator.stop();
    }
  });

  it('answers 403::Unknown client with the handshake advice for a client id it does not know', async () => {
    const c = client();
    await c.handshake();
    const { replies } = await c.send([{ channel: '/meta/connect', clientId: 'nosuchclient', connectionType: 'long-polling', id: '9' }]);
    expect(replies[0]).toEqual({ advice: { interval: 0, reconnect: 'handshake' }, channel: '/meta/connect', id: '9', error: '403::Unknown client', successful: false });
  });

  it('refuses a request of a handshaken client that comes without the BAYEUX_BROWSER cookie', async () => {
    const c = client();
    const id = await c.handshake();
    const { replies } = await c.send([{ channel: '/meta/connect', clientId: id, connectionType: 'long-polling' }], { cookie: null });
    expect(replies[0]).toMatchObject({ clientId: id, error: `400::Client ${id} has established a session, but no BAYEUX_BROWSER cookie present`, successful: false });
  });

  it('checks the token on every request: a connect without it gets 401::Authentication invalid with reconnect none, and the client is gone', async () => {
    const c = client();
    const id = await c.handshake();
    const { replies } = await c.send([{ channel: '/meta/connect', clientId: id, connectionType: 'long-polling' }], { token: null });
    expect(replies[0]).toEqual({ clientId: id, advice: { reconnect: 'none', interval: 0 }, channel: '/meta/connect', id: expect.any(String) as string, error: '401::Authentication invalid', successful: false });
    expect((await c.connect()).reply.error).toBe('403::Unknown client');
  });

  it('accepts the jsforce form of the header (OAuth <token>)', async () => {
    const { replies } = await fetch(`${org.url}/cometd/66.0`, { method: 'POST', headers: { Authorization: `OAuth ${org.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify([{ channel: '/meta/handshake', id: '1' }]) }).then(async (r) => ({ replies: (await r.json()) as BayeuxReply[] }));
    expect(replies[0]?.successful).toBe(true);
  });

  it('refuses subscriptions to unknown channels, channels without a leading slash and invalid replay ids with the real texts', async () => {
    const c = client();
    await c.handshake();
    expect(await c.subscribe('/data/NoSuchChangeEvent')).toMatchObject({ channel: '/meta/subscribe', subscription: '/data/NoSuchChangeEvent', error: "400::The channel you requested to subscribe to doesn't exist {/data/NoSuchChangeEvent}", successful: false });
    expect((await c.subscribe('data/ChangeEvents')).error).toBe("400::Channel subscriptions must start with a leading '/'");
    const latest = org.emulator.admin.streaming.status().latestReplayId;
    expect((await c.subscribe('/data/ChangeEvents', latest + 1000)).error).toBe(`400::The replayId {${latest + 1000}} you provided was invalid. Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`);
  });

  it('refuses a body over 32,768 bytes with 413', async () => {
    const c = client();
    const body = JSON.stringify([{ channel: '/meta/handshake', padding: 'x'.repeat(33_000) }]);
    const { status } = await c.send([], { body });
    expect(status).toBe(413);
  });

  it('refuses a connection type other than long-polling', async () => {
    const c = client();
    const id = await c.handshake();
    const { replies } = await c.send([{ channel: '/meta/connect', clientId: id, connectionType: 'websocket' }]);
    expect(replies[0]).toMatchObject({ error: '400::Invalid connection type {websocket}', successful: false });
  });

  it('stops delivering after unsubscribe, and forgets the client after disconnect', async () => {
    const c = await subscribed();
    const { replies } = await c.send([{ channel: '/meta/unsubscribe', clientId: c.clientId(), subscription: '/data/AccountChangeEvent' }]);
    expect(replies[0]).toMatchObject({ clientId: c.clientId(), channel: '/meta/unsubscribe', subscription: '/data/AccountChangeEvent', successful: true });
    await createAccount('After Unsubscribe');
    expect((await c.connect()).events).toEqual([]);
    const bye = await c.send([{ channel: '/meta/disconnect', clientId: c.clientId() }]);
    expect(bye.replies[0]).toMatchObject({ channel: '/meta/disconnect', successful: true });
    expect((await c.connect()).reply.error).toBe('403::Unknown client');
  });

  it('forgets a client that does not reconnect within the client timeout', async () => {
    const c = client();
    await c.handshake();
    await c.connect();
    await new Promise((resolve) => setTimeout(resolve, CLIENT_TIMEOUT + 150));
    expect((await c.connect()).reply).toMatchObject({ error: '403::Unknown client', advice: { reconnect: 'handshake' } });
  });

  it('answers a held connect with 401 when the admin expires the client\'s session mid-stream', async () => {
    const c = await subscribed();
    const pending = c.connect();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(org.emulator.admin.streaming.expireClientSession(c.clientId())).toBe(true);
    const { reply } = await pending;
    expect(reply).toMatchObject({ error: '401::Authentication invalid', advice: { reconnect: 'none' } });
    org.token = org.emulator.admin.createSession('admin@orgdesk.example').access_token;
  });

  it('answers a held connect with 403::Unknown client when the admin drops the client over HTTP', async () => {
    const c = await subscribed();
    const pending = c.connect();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const dropped = await fetch(`${org.url}/__emulator/streaming/clients/${c.clientId()}`, { method: 'DELETE' });
    expect(dropped.status).toBe(204);
    expect((await pending).reply).toMatchObject({ error: '403::Unknown client', advice: { reconnect: 'handshake' } });
    expect((await fetch(`${org.url}/__emulator/streaming/clients/${c.clientId()}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('arms streaming faults: a lost connect reply after the cursor moved past its events, a dropped client, a revoked session', async () => {
    const arm = (kind: string): Promise<Response> => fetch(`${org.url}/__emulator/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ kind }) });
    const c = await subscribed();
    expect((await arm('streaming-lost-reply')).status).toBe(201);
    await createAccount('Lost On The Wire');
    await expect(c.connect()).rejects.toThrow();
    await createAccount('After The Loss');
    const names = (await c.connect()).events.map((e) => (e.data as { payload: { Name: string } }).payload.Name);
    expect(names).toEqual(['After The Loss']);
    await arm('streaming-drop-client');
    expect((await c.connect()).reply).toMatchObject({ error: '403::Unknown client', advice: { reconnect: 'handshake' } });
    const d = await subscribed();
    await arm('streaming-expire-session');
    expect((await d.connect()).reply).toMatchObject({ error: '401::Authentication invalid', advice: { reconnect: 'none' } });
    org.token = org.emulator.admin.createSession('admin@orgdesk.example').access_token;
  });

  it('holds delivery while paused and delivers everything on resume; counts subscribers per channel', async () => {
    const c = await subscribed('/data/ChangeEvents');
    const counts = (await (await fetch(`${org.url}/__emulator/streaming/subscribers`)).json()) as Record<string, number>;
    expect(counts['/data/ChangeEvents']).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${org.url}/__emulator/streaming/pause`, { method: 'POST' })).status).toBe(204);
    await createAccount('Paused One');
    await createAccount('Paused Two');
    expect((await c.connect()).events).toEqual([]);
    const pending = c.connect();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await fetch(`${org.url}/__emulator/streaming/resume`, { method: 'POST' })).status).toBe(204);
    const names = (await pending).events.map((e) => (e.data as { payload: { Name: string } }).payload.Name);
    expect(names).toEqual(['Paused One', 'Paused Two']);
  });
});
