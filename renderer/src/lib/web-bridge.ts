import type { EventChannel, InvokeChannel, OrgDeskBridge } from '../../../shared/ipc/contract';
import { fail, type Result } from '../../../shared/ipc/result';
import { WEB_PROTOCOL } from '../../../shared/ipc/transport-protocol';

export { WEB_PROTOCOL };

/**
 * Takes the per-launch token from the URL fragment (`#token=...`) and removes it from the address bar and from this history
 * entry at once, before anything else runs. Returns null when there is none (a reload: the session cookie carries on).
 */
export function takeLaunchToken(location: Pick<Location, 'hash' | 'pathname' | 'search'>, history: Pick<History, 'replaceState'>): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get(WEB_PROTOCOL.launchFragmentKey);
  if (token === null) return null;
  params.delete(WEB_PROTOCOL.launchFragmentKey);
  const rest = params.toString();
  history.replaceState(null, '', `${location.pathname}${location.search}${rest === '' ? '' : `#${rest}`}`);
  return token === '' ? null : token;
}

/**
 * Opens this tab's session with browser mode: shows the launch token once, so the server sets its HttpOnly, SameSite=Strict
 * cookie, or (without a token, after a reload) checks the cookie is there. Resolves false when the server refuses or is gone.
 */
export async function openWebSession(options: { origin: string; launchToken: string | null; fetch?: typeof fetch }): Promise<boolean> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  try {
    const response = await doFetch(`${options.origin}${WEB_PROTOCOL.sessionPath}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: options.launchToken === null ? {} : { [WEB_PROTOCOL.tokenHeader]: options.launchToken },
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** What the web bridge needs from the page (injected so tests can pass fakes). */
export type WebBridgeOptions = {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  /** Delay before reconnecting the event socket after it dropped. */
  reconnectDelayMs?: number;
  /** How long a call waits for the event socket to open before going ahead without it. */
  openTimeoutMs?: number;
};

/**
 * Builds `window.orgdesk` for browser mode once `openWebSession` succeeded: calls go as `POST /api/invoke` and events come
 * over one WebSocket, both authenticated by the session cookie the browser sends (the page never holds the token).
 * Transport failures become NETWORK Results; nothing throws.
 */
export function createWebBridge(options: WebBridgeOptions): OrgDeskBridge {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const Socket = options.WebSocket ?? globalThis.WebSocket;
  const clientId = crypto.randomUUID();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let socket: WebSocket | null = null;

  const dispatch = (data: unknown): void => {
    if (typeof data !== 'string') return;
    let message: { channel?: unknown; payload?: unknown };
    try {
      message = JSON.parse(data) as typeof message;
    } catch {
      return;
    }
    if (typeof message.channel !== 'string') return;
    for (const listener of listeners.get(message.channel) ?? []) listener(message.payload);
  };

  // Calls wait until the event socket is open (or has failed), so a read made after subscribing cannot miss an event
  // main pushed between the read's answer and the socket's opening: what Electron's ipcRenderer gives for free.
  let ready: Promise<void> = Promise.resolve();

  const connect = (): void => {
    if (socket !== null) return;
    // The tab's id names the socket too: main releases what this tab started once its socket is gone for good.
    const url = `${options.origin.replace(/^http/, 'ws')}${WEB_PROTOCOL.eventsPath}?${WEB_PROTOCOL.clientParam}=${encodeURIComponent(clientId)}`;
    const current = new Socket(url, [WEB_PROTOCOL.eventsProtocol]);
    socket = current;
    ready = new Promise((resolve) => {
      const settle = (): void => resolve();
      current.addEventListener('open', settle);
      current.addEventListener('error', settle);
      current.addEventListener('close', settle);
      setTimeout(settle, options.openTimeoutMs ?? 3000);
    });
    current.addEventListener('message', (event: MessageEvent) => dispatch(event.data));
    current.addEventListener('close', () => {
      socket = null;
      setTimeout(connect, options.reconnectDelayMs ?? 1000);
    });
  };

  return {
    async invoke(channel: InvokeChannel, args: unknown) {
      connect();
      await ready;
      try {
        const response = await doFetch(`${options.origin}${WEB_PROTOCOL.invokePath}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', [WEB_PROTOCOL.clientHeader]: clientId },
          body: JSON.stringify({ channel, args }),
        });
        const body = (await response.json()) as Result<never>;
        if (response.status === 401) {
          return fail('AUTH', 'This browser tab is not connected to OrgDesk.', 'Open the URL printed by `npm run web` (it carries the token).');
        }
        return body;
      } catch {
        return fail('NETWORK', 'OrgDesk is not answering.', 'Check that `npm run web` is still running, then reload the page.');
      }
    },
    on(channel: EventChannel, listener: (payload: never) => void) {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      const wrapped = (payload: unknown): void => listener(payload as never);
      set.add(wrapped);
      connect();
      return () => {
        set.delete(wrapped);
      };
    },
  };
}
