import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { startEmulator } from '../index';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestOrg, type TestOrg } from '../testing';

let org: TestOrg;
const V = '/services/data/v60.0';

async function admin(method: string, path: string, json?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${org.url}/__emulator${path}`, { method, body: json === undefined ? null : JSON.stringify(json) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

beforeAll(async () => {
  org = await startTestOrg();
});
afterAll(async () => {
  await org.emulator.stop();
});
beforeEach(async () => {
  await admin('DELETE', '/faults');
});

describe('admin API', () => {
  it('lists users with an active admin and an inactive user, and adds one', async () => {
    const users = (await admin('GET', '/users')).body as { username: string; isActive: boolean; id: string }[];
    const adminUser = users.find((u) => u.username === 'admin@orgdesk.example');
    expect(adminUser?.isActive).toBe(true);
    expect(adminUser?.id).toMatch(/^005/);
    expect(users.some((u) => !u.isActive)).toBe(true);
    const added = await admin('POST', '/users', { username: 'new.user@orgdesk.example', lastName: 'New' });
    expect(added.status).toBe(201);
    const session = await admin('POST', '/sessions', { username: 'new.user@orgdesk.example' });
    expect(session.body).toMatchObject({ instance_url: org.url, token_type: 'Bearer' });
  });

  it('refuses a connected app whose certificate is not a PEM, and bad JSON', async () => {
    expect((await admin('POST', '/connected-apps', { consumerKey: 'k', certificate: 'nope' })).status).toBe(400);
    const response = await fetch(`${org.url}/__emulator/faults`, { method: 'POST', body: '{oops' });
    expect(response.status).toBe(400);
  });

  it('injects a 503 on a route pattern exactly once', async () => {
    await admin('POST', '/faults', { kind: 'error', status: 503, path: '/services/data/*/limits' });
    expect((await org.call(`${V}/limits`)).status).toBe(503);
    expect((await org.call(`${V}/limits`)).status).toBe(200);
  });

  it('injects a 500 N times, only on the matching method', async () => {
    await admin('POST', '/faults', { kind: 'error', status: 500, path: '/services/data/*/sobjects/Account', method: 'POST', times: 2 });
    expect((await org.call(`${V}/sobjects/Account`)).status).toBe(200);
    const first = await org.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'x' } });
    expect([first.status, (first.body as { errorCode: string }[])[0]?.errorCode]).toEqual([500, 'UNKNOWN_EXCEPTION']);
    expect((await org.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'x' } })).status).toBe(500);
    expect((await org.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'x' } })).status).toBe(201);
  });

  it('answers a busy 429 with its Retry-After header and the concurrency limit body, and refuses headers that are not strings', async () => {
    await admin('POST', '/faults', { kind: 'error', status: 429, path: '*/limits', headers: { 'Retry-After': '3' } });
    const response = await fetch(`${org.url}${V}/limits`, { headers: { Authorization: `Bearer ${org.token}` } });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toEqual([{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentPerOrgLongTxn Limit exceeded.' }]);
    const refused = await admin('POST', '/faults', { kind: 'error', status: 503, headers: { 'Retry-After': 3 } });
    expect(refused.status).toBe(400);
  });

  it('injects errors at a rate of 1 until cleared, and lists armed faults', async () => {
    const added = await admin('POST', '/faults', { kind: 'error', status: 502, path: '*/limits', rate: 1 });
    expect((await admin('GET', '/faults')).body).toEqual([expect.objectContaining({ kind: 'error', status: 502 })]);
    expect((await org.call(`${V}/limits`)).status).toBe(502);
    expect((await org.call(`${V}/limits`)).status).toBe(502);
    expect((await admin('DELETE', `/faults/${(added.body as { id: string }).id}`)).status).toBe(204);
    expect((await org.call(`${V}/limits`)).status).toBe(200);
  });

  it('resets the connection mid-response', async () => {
    await admin('POST', '/faults', { kind: 'reset', path: '*/sobjects', afterBytes: 100 });
    const outcome = await new Promise<string>((resolve) => {
      const req = request(`${org.url}${V}/sobjects`, { headers: { Authorization: `Bearer ${org.token}` } }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () => resolve(`ended after ${bytes}`));
        res.on('error', () => resolve(`aborted after ${bytes}`));
        res.on('aborted', () => resolve(`aborted after ${bytes}`));
      });
      req.on('error', (error) => resolve(`error ${error.message}`));
      req.end();
    });
    expect(outcome).toBe('aborted after 100');
    expect((await org.call(`${V}/sobjects`)).status).toBe(200);
  });

  it('adds latency to matching requests', async () => {
    await admin('POST', '/faults', { kind: 'latency', ms: 50, path: '*/limits' });
    expect((await admin('GET', '/faults')).body).toEqual([expect.objectContaining({ kind: 'latency', ms: 50 })]);
    expect((await org.call(`${V}/limits`)).status).toBe(200);
    expect(((await admin('GET', '/faults')).body as { fired: number }[])[0]?.fired).toBe(1);
  });

  it('expires every session and sets the remaining API calls through faults', async () => {
    const session = (await admin('POST', '/sessions', { username: 'integration@orgdesk.example' })).body as { access_token: string };
    await admin('POST', '/faults', { kind: 'api-limit', remaining: 0 });
    const limited = await org.call(`${V}/limits`, { headers: { Authorization: `Bearer ${session.access_token}` } });
    expect(limited.status).toBe(403);
    await admin('POST', '/faults', { kind: 'api-limit', remaining: 100 });
    await admin('POST', '/faults', { kind: 'expire-sessions' });
    expect((await org.call(`${V}/limits`, { headers: { Authorization: `Bearer ${session.access_token}` } })).status).toBe(401);
    org.token = org.emulator.admin.createSession('admin@orgdesk.example').access_token;
  });

  it('refuses an unknown fault kind with a message naming the known ones', async () => {
    const answer = await admin('POST', '/faults', { kind: 'gremlins' });
    expect(answer.status).toBe(400);
    expect((answer.body as { error: string }).error).toContain('latency');
  });

  it('counts requests served and resets the org', async () => {
    const before = (await admin('GET', '/counters')).body as { total: number; byArea: Record<string, number> };
    await org.call(`${V}/limits`);
    const after = (await admin('GET', '/counters')).body as { total: number; byArea: Record<string, number>; apiUsage: { used: number } };
    expect(after.total).toBeGreaterThan(before.total);
    expect(after.byArea.rest).toBeGreaterThan(0);
    await org.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'temp' } });
    const count = org.emulator.org.store.count('Account');
    expect((await admin('POST', '/reset')).status).toBe(200);
    expect(org.emulator.org.store.count('Account')).toBeLessThan(count);
    expect((await org.call(`${V}/limits`)).status).toBe(200);
  });

  it('generates contacts', async () => {
    const before = org.emulator.org.store.count('Contact');
    expect((await admin('POST', '/generate', { count: 1000 })).body).toEqual({ generated: 1000 });
    expect(org.emulator.org.store.count('Contact')).toBe(before + 1000);
  });
});

/** A raw request whose Host and Origin headers the test chooses (fetch would set Host itself). */
function rawAdminGet(path: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const { port } = new URL(org.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: Number(port), path: `/__emulator${path}`, method: 'GET', headers, setHost: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('admin API guard against web pages', () => {
  it('refuses a request whose Host is another name resolving to 127.0.0.1 (DNS rebinding) with a 403 saying why', async () => {
    const { port } = new URL(org.url);
    const answer = await rawAdminGet('/users', { Host: `attacker.example:${port}` });
    expect(answer.status).toBe(403);
    expect((answer.body as { error: string }).error).toMatch(/127\.0\.0\.1:\d+.*attacker\.example/);
  });

  it('refuses a request naming the right host but another port', async () => {
    const { port } = new URL(org.url);
    expect((await rawAdminGet('/users', { Host: `127.0.0.1:${Number(port) + 1}` })).status).toBe(403);
  });

  it('refuses a request carrying an Origin header (a browser page) even with the right Host', async () => {
    const { host } = new URL(org.url);
    const answer = await rawAdminGet('/users', { Host: host, Origin: 'https://evil.example' });
    expect(answer.status).toBe(403);
    expect((answer.body as { error: string }).error).toContain('https://evil.example');
  });

  it('answers the same request from Node with its own Host under 127.0.0.1 and localhost', async () => {
    const { host, port } = new URL(org.url);
    expect((await rawAdminGet('/users', { Host: host })).status).toBe(200);
    expect((await rawAdminGet('/users', { Host: `localhost:${port}` })).status).toBe(200);
  });
});

const externalAddress = Object.values(networkInterfaces())
  .flat()
  .find((info) => info !== undefined && info.family === 'IPv4' && !info.internal)?.address;

describe.skipIf(externalAddress === undefined)('admin API on a non-loopback interface', () => {
  it('refuses callers that are not on this machine with 403, while REST still answers', async () => {
    const emulator = await startEmulator({ host: '0.0.0.0', seed: false });
    try {
      const port = new URL(emulator.url).port;
      const adminAnswer = await fetch(`http://${externalAddress as string}:${port}/__emulator/users`);
      expect(adminAnswer.status).toBe(403);
      const versions = await fetch(`http://${externalAddress as string}:${port}/services/data`);
      expect(versions.status).toBe(200);
    } finally {
      await emulator.stop();
    }
  });
});
