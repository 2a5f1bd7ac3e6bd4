import { describe, expect, it } from 'vitest';
import { createWebBridge, takeTokenFromLocation, WEB_PROTOCOL } from './web-bridge';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const values = new Map<string, string>();
  return { getItem: (key) => values.get(key) ?? null, setItem: (key, value) => void values.set(key, value) };
}

describe('takeTokenFromLocation', () => {
  it('takes the token from the fragment and removes it from the address bar', () => {
    const replaced: string[] = [];
    const token = takeTokenFromLocation(
      { hash: '#token=abc_123', pathname: '/', search: '' },
      { replaceState: (_data, _unused, url) => replaced.push(String(url)) },
      memoryStorage(),
    );
    expect(token).toBe('abc_123');
    expect(replaced).toEqual(['/']);
  });

  it('falls back to the token kept for this tab after a reload', () => {
    const storage = memoryStorage();
    const history = { replaceState: () => undefined };
    takeTokenFromLocation({ hash: '#token=kept', pathname: '/', search: '' }, history, storage);
    expect(takeTokenFromLocation({ hash: '', pathname: '/', search: '' }, history, storage)).toBe('kept');
  });

  it('returns null when there is no token anywhere', () => {
    expect(takeTokenFromLocation({ hash: '', pathname: '/', search: '' }, { replaceState: () => undefined }, memoryStorage())).toBeNull();
  });
});

describe('createWebBridge', () => {
  it('posts calls with the token header and returns the Result the server sent', async () => {
    const requests: { url: string; init: RequestInit | undefined }[] = [];
    const fakeFetch = (async (url: string, init?: RequestInit) => {
      requests.push({ url, init });
      return new Response(JSON.stringify({ ok: true, value: { version: '1', platform: 'linux', mode: 'browser' } }), { status: 200 });
    }) as typeof fetch;
    const bridge = createWebBridge({ origin: 'http://127.0.0.1:9', token: 'tok', fetch: fakeFetch });
    await expect(bridge.invoke('app:info', {})).resolves.toMatchObject({ ok: true });
    expect(requests[0]?.url).toBe(`http://127.0.0.1:9${WEB_PROTOCOL.invokePath}`);
    expect(new Headers(requests[0]?.init?.headers).get(WEB_PROTOCOL.tokenHeader)).toBe('tok');
    expect(JSON.parse(requests[0]?.init?.body as string)).toEqual({ channel: 'app:info', args: {} });
  });

  it('turns a refused token into an AUTH Result that says how to reconnect', async () => {
    const fakeFetch = (async () => new Response(JSON.stringify({ ok: false, error: { code: 'AUTH', message: 'x' } }), { status: 401 })) as typeof fetch;
    const bridge = createWebBridge({ origin: 'http://127.0.0.1:9', token: 'bad', fetch: fakeFetch });
    const result = await bridge.invoke('app:info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'AUTH' } });
    expect(result.ok ? '' : result.error.hint).toContain('npm run web');
  });

  it('turns a server that does not answer into a NETWORK Result', async () => {
    const fakeFetch = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const bridge = createWebBridge({ origin: 'http://127.0.0.1:9', token: 'tok', fetch: fakeFetch });
    await expect(bridge.invoke('app:info', {})).resolves.toMatchObject({ ok: false, error: { code: 'NETWORK' } });
  });

  it('sends a call made after subscribing only once the event socket is open, so no event falls in between', async () => {
    const order: string[] = [];
    let openSocket: () => void = () => undefined;
    class FakeSocket extends EventTarget {
      constructor() {
        super();
        order.push('socket created');
        openSocket = () => {
          order.push('socket open');
          this.dispatchEvent(new Event('open'));
        };
      }
    }
    const fakeFetch = (async () => {
      order.push('call sent');
      return new Response(JSON.stringify({ ok: true, value: [] }), { status: 200 });
    }) as typeof fetch;
    const bridge = createWebBridge({
      origin: 'http://127.0.0.1:9',
      token: 'tok',
      fetch: fakeFetch,
      WebSocket: FakeSocket as unknown as typeof WebSocket,
    });
    bridge.on('orgs:changed', () => undefined);
    const call = bridge.invoke('orgs:list', {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual(['socket created']);
    openSocket();
    await call;
    expect(order).toEqual(['socket created', 'socket open', 'call sent']);
  });
});
