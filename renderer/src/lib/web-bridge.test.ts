import { describe, expect, it } from 'vitest';
import { createWebBridge, openWebSession, takeLaunchToken, WEB_PROTOCOL } from './web-bridge';

describe('takeLaunchToken', () => {
  it('takes the token from the fragment and removes it from the address bar and this history entry', () => {
    const replaced: string[] = [];
    const token = takeLaunchToken({ hash: '#token=abc_123', pathname: '/', search: '' }, { replaceState: (_data, _unused, url) => replaced.push(String(url)) });
    expect(token).toBe('abc_123');
    expect(replaced).toEqual(['/']);
  });

  it('keeps the rest of the fragment and the query', () => {
    const replaced: string[] = [];
    takeLaunchToken({ hash: '#token=t&view=query', pathname: '/index.html', search: '?x=1' }, { replaceState: (_data, _unused, url) => replaced.push(String(url)) });
    expect(replaced).toEqual(['/index.html?x=1#view=query']);
  });

  it('returns null and leaves the URL alone when there is no token (a reload: the cookie carries on)', () => {
    const replaced: string[] = [];
    expect(takeLaunchToken({ hash: '', pathname: '/', search: '' }, { replaceState: (_data, _unused, url) => replaced.push(String(url)) })).toBeNull();
    expect(replaced).toEqual([]);
  });
});

describe('openWebSession', () => {
  it('shows the launch token once, in the header, to the session path, and never keeps it', async () => {
    const requests: { url: string; init: RequestInit | undefined }[] = [];
    const fakeFetch = (async (url: string, init?: RequestInit) => {
      requests.push({ url, init });
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    await expect(openWebSession({ origin: 'http://127.0.0.1:9', launchToken: 'tok', fetch: fakeFetch })).resolves.toBe(true);
    expect(requests[0]?.url).toBe(`http://127.0.0.1:9${WEB_PROTOCOL.sessionPath}`);
    expect(new Headers(requests[0]?.init?.headers).get(WEB_PROTOCOL.tokenHeader)).toBe('tok');
    expect(requests[0]?.init?.credentials).toBe('same-origin');
    expect(window.sessionStorage.length).toBe(0);
    expect(window.localStorage.length).toBe(0);
  });

  it('checks the cookie alone after a reload, and says false when the server refuses or is gone', async () => {
    const refused = (async (_url: string, init?: RequestInit) => {
      expect(new Headers(init?.headers).has(WEB_PROTOCOL.tokenHeader)).toBe(false);
      return new Response('{}', { status: 401 });
    }) as typeof fetch;
    await expect(openWebSession({ origin: 'http://127.0.0.1:9', launchToken: null, fetch: refused })).resolves.toBe(false);
    const gone = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    await expect(openWebSession({ origin: 'http://127.0.0.1:9', launchToken: 'tok', fetch: gone })).resolves.toBe(false);
  });
});

describe('createWebBridge', () => {
  it('posts calls without the token (the session cookie authenticates them) and returns the Result the server sent', async () => {
    const requests: { url: string; init: RequestInit | undefined }[] = [];
    const fakeFetch = (async (url: string, init?: RequestInit) => {
      requests.push({ url, init });
      return new Response(JSON.stringify({ ok: true, value: { version: '1', platform: 'linux', mode: 'browser' } }), { status: 200 });
    }) as typeof fetch;
    const bridge = createWebBridge({ origin: 'http://127.0.0.1:9', fetch: fakeFetch });
    await expect(bridge.invoke('app:info', {})).resolves.toMatchObject({ ok: true });
    expect(requests[0]?.url).toBe(`http://127.0.0.1:9${WEB_PROTOCOL.invokePath}`);
    expect(new Headers(requests[0]?.init?.headers).has(WEB_PROTOCOL.tokenHeader)).toBe(false);
    expect(requests[0]?.init?.credentials).toBe('same-origin');
    expect(JSON.parse(requests[0]?.init?.body as string)).toEqual({ channel: 'app:info', args: {} });
  });

  it('turns a refused session into an AUTH Result that says how to reconnect', async () => {
    const fakeFetch = (async () => new Response(JSON.stringify({ ok: false, error: { code: 'AUTH', message: 'x' } }), { status: 401 })) as typeof fetch;
    const bridge = createWebBridge({ origin: 'http://127.0.0.1:9', fetch: fakeFetch });
    const result = await bridge.invoke('app:info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'AUTH' } });
    expect(result.ok ? '' : result.error.hint).toContain('npm run web');
  });

  it('turns a server that does not answer into a NETWORK Result', async () => {
    const fakeFetch = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const bridge = createWebBridge({ origin: 'http://127.0.0.1:9', fetch: fakeFetch });
    await expect(bridge.invoke('app:info', {})).resolves.toMatchObject({ ok: false, error: { code: 'NETWORK' } });
  });

  it('sends a call made after subscribing only once main named the event connection, and names that connection on it', async () => {
    const order: string[] = [];
    const urls: string[] = [];
    const sockets: FakeSocket[] = [];
    class FakeSocket extends EventTarget {
      constructor(url: string) {
        super();
        urls.push(url);
        sockets.push(this);
        order.push('socket created');
      }
      greet(connection: string): void {
        order.push('socket named');
        this.dispatchEvent(new Event('open'));
        this.dispatchEvent(Object.assign(new Event('message'), { data: JSON.stringify({ connection }) }));
      }
    }
    const headers: Headers[] = [];
    const fakeFetch = (async (_url: string, init?: RequestInit) => {
      order.push('call sent');
      headers.push(new Headers(init?.headers));
      return new Response(JSON.stringify({ ok: true, value: [] }), { status: 200 });
    }) as typeof fetch;
    const bridge = createWebBridge({ origin: 'http://127.0.0.1:9', fetch: fakeFetch, WebSocket: FakeSocket as unknown as typeof WebSocket, reconnectDelayMs: 1 });
    bridge.on('orgs:changed', () => undefined);
    const call = bridge.invoke('orgs:list', {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual(['socket created']);
    sockets[0]?.dispatchEvent(new Event('open'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual(['socket created']);
    sockets[0]?.greet('c'.repeat(32));
    await call;
    expect(order).toEqual(['socket created', 'socket named', 'call sent']);
    expect(headers[0]?.get(WEB_PROTOCOL.connectionHeader)).toBe('c'.repeat(32));
    expect(urls[0]).toBe(`ws://127.0.0.1:9${WEB_PROTOCOL.eventsPath}`);
    sockets[0]?.dispatchEvent(new Event('close'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(urls[1]).toBe(`ws://127.0.0.1:9${WEB_PROTOCOL.eventsPath}?${WEB_PROTOCOL.resumeParam}=${'c'.repeat(32)}`);
  });
});

describe('createWebBridge fileRef', () => {
  type Sent = { url: string; method: string; headers: Headers; body: unknown };

  function uploadServer(options: { chunkBytes: number; failAt?: number }): { sent: Sent[]; fetch: typeof fetch } {
    const sent: Sent[] = [];
    let received = 0;
    let size = 0;
    const fakeFetch = (async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      sent.push({ url, method, headers: new Headers(init?.headers), body: init?.body });
      if (method === 'POST') {
        size = (JSON.parse(init?.body as string) as { sizeBytes: number }).sizeBytes;
        return new Response(JSON.stringify({ ok: true, value: { uploadId: 'a'.repeat(32), chunkBytes: options.chunkBytes } }), { status: 201 });
      }
      if (method === 'DELETE') return new Response(JSON.stringify({ ok: true, value: { removed: true } }));
      const part = init?.body as Blob;
      if (options.failAt !== undefined && received >= options.failAt) {
        return new Response(JSON.stringify({ ok: false, error: { code: 'FILE', message: 'The disk is full.' } }), { status: 507 });
      }
      received += part.size;
      return new Response(JSON.stringify({ ok: true, value: { receivedBytes: received, complete: received === size } }));
    }) as typeof fetch;
    return { sent, fetch: fakeFetch };
  }

  it('streams a file to /api/upload in chunks, in order, under the session cookie (never the token), reporting the bytes main has', async () => {
    const server = uploadServer({ chunkBytes: 4 });
    const bridge = createWebBridge({ origin: 'http://127.0.0.1:9', fetch: server.fetch, openTimeoutMs: 1 });
    const progress: number[] = [];
    const file = new File(['Name\nAcme\n'], 'accounts.csv');
    const result = await bridge.fileRef(file, (sentBytes) => progress.push(sentBytes));
    expect(result).toEqual({ ok: true, value: { kind: 'upload', uploadId: 'a'.repeat(32) } });
    expect(JSON.parse(server.sent[0]?.body as string)).toEqual({ name: 'accounts.csv', sizeBytes: 10 });
    const puts = server.sent.filter((request) => request.method === 'PUT');
    expect(puts.map((request) => request.headers.get(WEB_PROTOCOL.uploadOffsetHeader))).toEqual(['0', '4', '8']);
    expect(server.sent.some((request) => request.headers.has(WEB_PROTOCOL.tokenHeader))).toBe(false);
    expect(progress).toEqual([0, 4, 8, 10]);
  });

  it('sends one empty chunk for an empty file, so main can say it is empty', async () => {
    const server = uploadServer({ chunkBytes: 4 });
    const bridge = createWebBridge({ origin: 'http://127.0.0.1:9', fetch: server.fetch, openTimeoutMs: 1 });
    await expect(bridge.fileRef(new File([], 'empty.csv'))).resolves.toMatchObject({ ok: true });
    expect(server.sent.filter((request) => request.method === 'PUT')).toHaveLength(1);
  });

  it("answers main's error and drops the upload when a chunk is refused", async () => {
    const server = uploadServer({ chunkBytes: 4, failAt: 4 });
    const bridge = createWebBridge({ origin: 'http://127.0.0.1:9', fetch: server.fetch, openTimeoutMs: 1 });
    const result = await bridge.fileRef(new File(['Name\nAcme\n'], 'accounts.csv'));
    expect(result).toEqual({ ok: false, error: { code: 'FILE', message: 'The disk is full.' } });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(server.sent.at(-1)?.method).toBe('DELETE');
  });

  it('refuses anything but a file', async () => {
    const bridge = createWebBridge({ origin: 'http://127.0.0.1:9', fetch: uploadServer({ chunkBytes: 4 }).fetch, openTimeoutMs: 1 });
    await expect(bridge.fileRef('/etc/passwd')).resolves.toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
