import type { EventChannel, FileRefProgress, InvokeChannel, LoadFileRef, OrgDeskBridge } from '../../../shared/ipc/contract';
import { fail, ok, type Result } from '../../../shared/ipc/result';
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
 * Dropped files are streamed in chunks to `/api/upload`, authenticated the same way.
 * Transport failures become NETWORK Results; nothing throws.
 */
export function createWebBridge(options: WebBridgeOptions): OrgDeskBridge {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const Socket = options.WebSocket ?? globalThis.WebSocket;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let socket: WebSocket | null = null;
  // Main's id for this tab's event connection (the socket's first message): calls name it, so what they start is this tab's.
  let connectionId: string | null = null;
  let connected: (() => void) | null = null;

  const dispatch = (data: unknown): void => {
    if (typeof data !== 'string') return;
    let message: { channel?: unknown; payload?: unknown; connection?: unknown };
    try {
      message = JSON.parse(data) as typeof message;
    } catch {
      return;
    }
    if (message.channel === undefined && typeof message.connection === 'string') {
      connectionId = message.connection;
      connected?.();
      return;
    }
    if (typeof message.channel !== 'string') return;
    for (const listener of listeners.get(message.channel) ?? []) listener(message.payload);
  };

  // Calls wait until the event socket is connected (main named it) or has failed, so a read made after subscribing cannot
  // miss an event main pushed between the read's answer and the socket's opening: what Electron's ipcRenderer gives for free.
  let ready: Promise<void> = Promise.resolve();

  const connect = (): void => {
    if (socket !== null) return;
    // A reconnecting socket names its previous connection, so what this tab started stays its own (main releases it once
    // the connection is gone for good).
    const resume = connectionId === null ? '' : `?${WEB_PROTOCOL.resumeParam}=${encodeURIComponent(connectionId)}`;
    const current = new Socket(`${options.origin.replace(/^http/, 'ws')}${WEB_PROTOCOL.eventsPath}${resume}`, [WEB_PROTOCOL.eventsProtocol]);
    socket = current;
    ready = new Promise((resolve) => {
      const settle = (): void => resolve();
      connected = settle;
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

  // The session cookie authenticates every request (the page never holds the token); the connection id names the sender.
  const authHeaders = (): Record<string, string> => (connectionId === null ? {} : { [WEB_PROTOCOL.connectionHeader]: connectionId });

  /** One upload request: the server's Result, or a NETWORK one when the server did not answer. */
  const uploadRequest = async <T>(path: string, init: RequestInit): Promise<Result<T>> => {
    try {
      const response = await doFetch(`${options.origin}${WEB_PROTOCOL.uploadPath}${path}`, { credentials: 'same-origin', ...init });
      return (await response.json()) as Result<T>;
    } catch {
      return fail('NETWORK', 'OrgDesk stopped answering while the file was sent.', 'Check that `npm run web` is still running, then drop the file again.');
    }
  };

  // Browser mode cannot hand main a path: the file goes to main's private upload folder in chunks (a Blob slice is read from
  // disk as it is sent, never whole into the page's memory), each answered before the next, so progress is what main has.
  const upload = async (file: Blob & { name?: string }, onProgress?: FileRefProgress): Promise<Result<LoadFileRef>> => {
    const started = await uploadRequest<{ uploadId: string; chunkBytes: number }>('', {
      method: 'POST',
      headers: { ...authHeaders(), 'content-type': 'application/json' },
      body: JSON.stringify({ name: file.name ?? 'file.csv', sizeBytes: file.size }),
    });
    if (!started.ok) return started;
    const { uploadId, chunkBytes } = started.value;
    let sent = 0;
    onProgress?.(0, file.size);
    do {
      const end = Math.min(file.size, sent + chunkBytes);
      const answer = await uploadRequest<{ receivedBytes: number; complete: boolean }>(`/${uploadId}`, {
        method: 'PUT',
        headers: { ...authHeaders(), 'content-type': 'application/octet-stream', [WEB_PROTOCOL.uploadOffsetHeader]: String(sent) },
        body: file.slice(sent, end),
      });
      if (!answer.ok) {
        void uploadRequest(`/${uploadId}`, { method: 'DELETE', headers: authHeaders() });
        return answer;
      }
      sent = answer.value.receivedBytes;
      onProgress?.(sent, file.size);
      if (answer.value.complete) return ok({ kind: 'upload', uploadId });
    } while (sent < file.size);
    return fail('INTERNAL', 'OrgDesk received the whole file but did not say it was complete.', 'Drop the file again.');
  };

  return {
    async fileRef(file: unknown, onProgress?: FileRefProgress) {
      if (!(file instanceof Blob)) return fail('VALIDATION', 'Only a file dropped on or chosen in OrgDesk can be sent to it.');
      connect();
      await ready;
      return upload(file, onProgress);
    },
    async invoke(channel: InvokeChannel, args: unknown) {
      connect();
      await ready;
      try {
        const response = await doFetch(`${options.origin}${WEB_PROTOCOL.invokePath}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', ...authHeaders() },
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
