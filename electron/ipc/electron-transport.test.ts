import { EventEmitter } from 'node:events';
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import type { AppContext } from './create-app-context';
import { IPC_FILE_REF, IPC_INVOKE, registerElectronTransport } from './electron-transport';
import { APP_START_URL } from './sender-check';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

/** The slice of ipcMain the transport uses, recording the one handler it registers. */
function fakeIpcMain(): {
  ipcMain: IpcMain;
  call: (contents: WebContents, channel: string, args: unknown, senderFrame?: unknown) => unknown;
  handOver: (contents: WebContents, path: unknown, senderFrame?: unknown) => unknown;
} {
  const handlers = new Map<string, Handler>();
  const ipcMain = {
    handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  } as unknown as IpcMain;
  const call = (contents: WebContents, channel: string, args: unknown, senderFrame: unknown = { url: APP_START_URL, parent: null }): unknown => {
    const handler = handlers.get(IPC_INVOKE);
    if (handler === undefined) throw new Error('no handler');
    const event = { sender: contents, senderFrame } as unknown as IpcMainInvokeEvent;
    return handler(event, channel, args);
  };
  const handOver = (contents: WebContents, path: unknown, senderFrame: unknown = { url: APP_START_URL, parent: null }): unknown => {
    const handler = handlers.get(IPC_FILE_REF);
    if (handler === undefined) throw new Error('no file-ref handler');
    return handler({ sender: contents, senderFrame } as unknown as IpcMainInvokeEvent, path);
  };
  return { ipcMain, call, handOver };
}

/** A window's webContents: an id and the 'destroyed' event Electron emits when the window closes. */
function fakeWebContents(id: number): WebContents & EventEmitter {
  return Object.assign(new EventEmitter(), { id, isDestroyed: () => false, getURL: () => APP_START_URL, send: () => undefined }) as unknown as WebContents &
    EventEmitter;
}

function fakeContext(): { context: AppContext; senders: string[]; released: string[]; minted: string[][] } {
  const senders: string[] = [];
  const released: string[] = [];
  const minted: string[][] = [];
  const context = {
    invoke: (_channel: string, _args: unknown, sender?: { id: string }) => {
      senders.push(sender?.id ?? 'none');
      return Promise.resolve({ ok: true, value: null });
    },
    subscribe: () => () => undefined,
    releaseSender: (id: string) => released.push(id),
    mintFileRef: (id: string, path: string) => {
      minted.push([id, path]);
      return 'f'.repeat(32);
    },
  } as unknown as AppContext;
  return { context, senders, released, minted };
}

describe('registerElectronTransport', () => {
  it("names each window as the sender of its calls and releases that window's scope when its webContents is destroyed", async () => {
    const { ipcMain, call } = fakeIpcMain();
    const { context, senders, released } = fakeContext();
    registerElectronTransport({ ipcMain, context, windows: () => [] });
    const first = fakeWebContents(3);
    const second = fakeWebContents(4);
    await call(first, 'orgs:list', {});
    await call(first, 'orgs:list', {});
    await call(second, 'orgs:list', {});
    expect(senders).toEqual(['window:3', 'window:3', 'window:4']);
    first.emit('destroyed');
    expect(released).toEqual(['window:3']);
    expect(first.listenerCount('destroyed')).toBe(0);
    expect(second.listenerCount('destroyed')).toBe(1);
  });

  it('refuses a call from a subframe, another origin or a destroyed frame before the handler table sees it', async () => {
    const { ipcMain, call } = fakeIpcMain();
    const { context, senders } = fakeContext();
    registerElectronTransport({ ipcMain, context, windows: () => [] });
    const contents = fakeWebContents(5);
    const refused = { ok: false, error: { code: 'VALIDATION', message: 'This page may not call OrgDesk.' } };
    expect(await call(contents, 'orgs:list', {}, { url: APP_START_URL, parent: { url: APP_START_URL } })).toEqual(refused);
    expect(await call(contents, 'orgs:list', {}, { url: 'https://evil.example/', parent: null })).toEqual(refused);
    expect(await call(contents, 'orgs:list', {}, null)).toEqual(refused);
    expect(senders).toEqual([]);
    expect(contents.listenerCount('destroyed')).toBe(0);
    expect(await call(contents, 'orgs:list', {})).toEqual({ ok: true, value: null });
    expect(senders).toEqual(['window:5']);
  });

  it('stops watching windows once the transport is disposed', async () => {
    const { ipcMain, call } = fakeIpcMain();
    const { context, released } = fakeContext();
    const dispose = registerElectronTransport({ ipcMain, context, windows: () => [] });
    const contents = fakeWebContents(9);
    await call(contents, 'orgs:list', {});
    dispose();
    contents.emit('destroyed');
    expect(released).toEqual([]);
  });

  it("answers the preload's hand-over of a dropped file's path with a ref for that window, and refuses it from any other frame", () => {
    const { ipcMain, handOver } = fakeIpcMain();
    const { context, minted } = fakeContext();
    registerElectronTransport({ ipcMain, context, windows: () => [] });
    const contents = fakeWebContents(7);
    expect(handOver(contents, '/home/ada/contacts.csv')).toEqual({ ok: true, value: { kind: 'ref', ref: 'f'.repeat(32) } });
    expect(minted).toEqual([['window:7', '/home/ada/contacts.csv']]);
    expect(handOver(contents, '/etc/passwd', { url: 'https://evil.example/', parent: null })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(handOver(contents, 'relative/id_rsa')).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(handOver(contents, { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(minted).toHaveLength(1);
  });
});
