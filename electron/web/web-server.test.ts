import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { TOKEN_HEADER, TOKEN_PROTOCOL_PREFIX } from './request-guard';
import { CONNECTION_HEADER, startWebServer, type WebServer } from './web-server';

let dir: string;
let server: WebServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orgdesk-web-'));
  await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>OrgDesk</title>');
  await writeFile(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'outside the build');
  server = await startWebServer({ userDataDir: dir, rendererDir: join(dir, 'renderer'), version: '9.9.9' });
});

afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

function invoke(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.origin}/api/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token, ...headers },
    body: JSON.stringify(body),
  });
}

/** A raw request, because fetch will not let a test forge the Host header. */
function rawGet(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens an event socket; once open, resolves with it and the connection id main named it with (its first message). */
function openSocket(protocols: string[], headers: Record<string, string> = {}): Promise<{ ws: WebSocket; connection: string } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, protocols, { headers });
    ws.once('message', (data: Buffer) => resolve({ ws, connection: (JSON.parse(data.toString('utf8')) as { connection: string }).connection }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.once('error', reject);
  });
}

describe('startWebServer', () => {
  it('prints a URL on 127.0.0.1 that carries the token in the fragment, never in the query', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the renderer build with a strict Content-Security-Policy', async () => {
    const response = await fetch(`${server.origin}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>OrgDesk</title>');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
  });

  it('does not serve files outside the renderer build', async () => {
    expect(await rawGet('/../secret.txt', { host: `127.0.0.1:${server.port}` })).toBe(404);
    expect(await rawGet('/%2e%2e/secret.txt', { host: `127.0.0.1:${server.port}` })).toBe(404);
  });

  it('answers a contract call made with the token', async () => {
    const response = await invoke({ channel: 'app:info', args: {} });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, value: { version: '9.9.9', platform: process.platform, mode: 'browser' } });
  });

  it('refuses an unknown channel with a VALIDATION Result', async () => {
    const response = await invoke({ channel: 'shell:exec', args: { command: 'id' } });
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('answers 401 to a call without the token', async () => {
    const response = await fetch(`${server.origin}/api/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'app:info', args: {} }),
    });
    expect(response.status).toBe(401);
  });

  it('answers 401 to a call with a wrong token', async () => {
    const response = await invoke({ channel: 'app:info', args: {} }, { [TOKEN_HEADER]: 'x'.repeat(server.token.length) });
    expect(response.status).toBe(401);
  });

  it('answers 403 to a call from a foreign Origin, even with the token', async () => {
    const response = await invoke({ channel: 'app:info', args: {} }, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
  });

  it('answers 403 to a request for a foreign Host (DNS rebinding), even for static files', async () => {
    expect(await rawGet('/', { host: `evil.example:${server.port}` })).toBe(403);
    expect(await rawGet('/', { host: `localhost:${server.port}` })).toBe(200);
  });

  it('pushes contract events over a WebSocket opened with the token', async () => {
    const opened = await openSocket(['orgdesk-events', `${TOKEN_PROTOCOL_PREFIX}${server.token}`], { origin: server.origin });
    if (!('ws' in opened)) throw new Error(`socket refused with ${opened.status}`);
    const received = new Promise<unknown>((resolve) => opened.ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')))));
    server.context.events.emit('orgs:changed', { activeOrgId: 'org-42' });
    await expect(received).resolves.toEqual({ channel: 'orgs:changed', payload: { activeOrgId: 'org-42' } });
    opened.ws.close();
  });

  it('refuses a WebSocket without the token with 401', async () => {
    await expect(openSocket(['orgdesk-events'], { origin: server.origin })).resolves.toEqual({ status: 401 });
  });

  it('refuses a WebSocket from a foreign Origin with 403', async () => {
    const opened = await openSocket([`${TOKEN_PROTOCOL_PREFIX}${server.token}`], { origin: 'https://evil.example' });
    expect(opened).toEqual({ status: 403 });
  });

  it('exchanges the launch token for an HttpOnly, SameSite=Strict cookie named for this server, holding a different secret', async () => {
    const response = await fetch(`${server.origin}/api/session`, { method: 'POST', headers: { [TOKEN_HEADER]: server.token, origin: server.origin } });
    expect(response.status).toBe(204);
    const cookie = response.headers.get('set-cookie') ?? '';
    const [pair = '', ...attributes] = cookie.split(';').map((part) => part.trim());
    expect(pair.split('=')[0]).toBe(`orgdesk-session-${server.port}`);
    expect(pair).not.toContain(server.token);
    expect(attributes.sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict']);
  });

  it("answers a page's calls with the session cookie and its event connection, and refuses a wrong cookie or a missing connection", async () => {
    const exchanged = await fetch(`${server.origin}/api/session`, { method: 'POST', headers: { [TOKEN_HEADER]: server.token } });
    const cookie = (exchanged.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const opened = await openSocket(['orgdesk-events'], { origin: server.origin, cookie });
    if (!('ws' in opened)) throw new Error(`socket refused with ${opened.status}`);
    const call = (cookieHeader: string, connection: string | null = opened.connection): Promise<Response> =>
      fetch(`${server.origin}/api/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: cookieHeader, origin: server.origin, ...(connection === null ? {} : { [CONNECTION_HEADER]: connection }) },
        body: JSON.stringify({ channel: 'app:info', args: {} }),
      });
    expect((await call(cookie)).status).toBe(200);
    expect((await call(cookie, null)).status).toBe(401);
    expect((await call(cookie, 'my-own-tab-name')).status).toBe(401);
    expect((await call(`orgdesk-session-${server.port}=${server.token}`)).status).toBe(401);
    expect((await call(`orgdesk-session-${server.port + 1}=${cookie.split('=')[1] ?? ''}`)).status).toBe(401);
    expect((await fetch(`${server.origin}/api/session`, { method: 'POST', headers: { cookie } })).status).toBe(204);
    expect((await fetch(`${server.origin}/api/session`, { method: 'POST' })).status).toBe(401);
    opened.ws.close();
    await expect(openSocket(['orgdesk-events'], { origin: server.origin, cookie: `orgdesk-session-${server.port}=wrong` })).resolves.toEqual({ status: 401 });
  });

  it("binds the session cookie's value to this port: a cookie valued for another port is refused under this port's name", async () => {
    const exchanged = await fetch(`${server.origin}/api/session`, { method: 'POST', headers: { [TOKEN_HEADER]: server.token } });
    const value = (exchanged.headers.get('set-cookie') ?? '').split(';')[0]?.split('=')[1] ?? '';
    expect(value.startsWith(`${server.port}.`)).toBe(true);
    const forOtherPort = `${server.port + 1}.${value.slice(value.indexOf('.') + 1)}`;
    const response = await fetch(`${server.origin}/api/session`, { method: 'POST', headers: { cookie: `orgdesk-session-${server.port}=${forOtherPort}` } });
    expect(response.status).toBe(401);
  });

  it('refuses load:open of a path the page names (the SSH key, /etc/passwd), over HTTP as through the handler table', async () => {
    for (const file of [{ kind: 'path', path: join(homedir(), '.ssh', 'id_rsa') }, { kind: 'path', path: '/etc/passwd' }, { kind: 'ref', ref: '/etc/passwd' }]) {
      const response = await invoke({ channel: 'load:open', args: { file } });
      expect(await response.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    const start = await invoke({
      channel: 'load:start',
      args: { orgId: 'o', fileId: 'f', plan: { objectName: 'Account', operation: 'insert', mappings: [], dates: { dateOrder: 'ymd', timeZone: 'UTC' } }, options: { excludeInvalid: true, outputDir: '/etc' } },
    });
    expect(await start.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('cuts off a call body past its cap after answering 413, instead of reading the rest', async () => {
    const outcome = await new Promise<{ status: number; closed: boolean }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/api/invoke', method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token } });
      let status = 0;
      req.on('response', (res) => {
        status = res.statusCode ?? 0;
        res.resume();
      });
      // The body never ends: a server that drains it would never answer; one that cuts it off answers and closes.
      req.on('close', () => resolve({ status, closed: true }));
      req.on('error', () => undefined);
      req.write(Buffer.alloc(6 * 1024 * 1024, 0x20), (error) => {
        if (error !== undefined && error !== null) reject(error);
      });
    });
    expect(outcome).toEqual({ status: 413, closed: true });
  });

  it('never hands out the session cookie to a foreign Origin, even with the token', async () => {
    const response = await fetch(`${server.origin}/api/session`, { method: 'POST', headers: { [TOKEN_HEADER]: server.token, origin: 'https://evil.example' } });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});
