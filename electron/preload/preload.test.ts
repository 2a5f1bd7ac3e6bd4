import { describe, expect, it, vi } from 'vitest';
import { ELECTRON_IPC } from '../../shared/ipc/transport-protocol';

/** What the preload gave the page, and what it asked of ipcRenderer: captured by the fake `electron` module below. */
const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as unknown[][],
  listeners: new Map<string, (event: unknown, message: unknown) => void>(),
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api),
  },
  ipcRenderer: {
    invoke: (...args: unknown[]) => {
      electron.invoked.push(args);
      return Promise.resolve({ ok: true, value: null });
    },
    on: (channel: string, listener: (event: unknown, message: unknown) => void) => electron.listeners.set(channel, listener),
  },
  webUtils: {
    // Electron answers '' for a File that is not on disk; here any object with a `path` stands for one that is.
    getPathForFile: (file: unknown) => (typeof file === 'object' && file !== null && 'path' in file ? String(file.path) : ''),
  },
}));

/**
 * Everything the page may see on `window`, name by name (Electron security checklist: "Do not expose Electron APIs to
 * untrusted web content"). A new, narrow helper is added here deliberately, with its own test of what it accepts.
 */
const EXPOSED_KEYS = { orgdesk: ['invoke', 'on', 'fileRef'] } as const;

type Bridge = {
  invoke: (channel: string, args: unknown) => Promise<unknown>;
  on: (channel: string, listener: (payload: unknown) => void) => () => void;
  fileRef: (file: unknown) => Promise<unknown>;
};

async function loadPreload(): Promise<Bridge> {
  vi.resetModules();
  electron.exposed.clear();
  electron.invoked.length = 0;
  electron.listeners.clear();
  await import('./preload');
  return electron.exposed.get('orgdesk') as Bridge;
}

describe('the Electron preload', () => {
  it("hands main a dropped file's path from webUtils on the file-ref channel, and refuses anything that is not a file on disk without calling main", async () => {
    const bridge = await loadPreload();
    await expect(bridge.fileRef('/etc/passwd')).resolves.toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    await expect(bridge.fileRef({ name: 'not-on-disk.csv' })).resolves.toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(electron.invoked).toHaveLength(0);
    // What main answers (a ref) is what the page gets; the path goes only to main.
    await expect(bridge.fileRef({ path: '/home/ada/contacts.csv' })).resolves.toEqual({ ok: true, value: null });
    expect(electron.invoked).toEqual([[ELECTRON_IPC.fileRef, '/home/ada/contacts.csv']]);
  });

  it('exposes exactly the listed globals, each with exactly the listed functions and nothing of Electron or Node', async () => {
    await loadPreload();
    expect([...electron.exposed.keys()].sort()).toEqual(Object.keys(EXPOSED_KEYS).sort());
    for (const [key, members] of Object.entries(EXPOSED_KEYS)) {
      const api = electron.exposed.get(key) as Record<string, unknown>;
      expect(Reflect.ownKeys(api).map(String).sort()).toEqual([...members].sort());
      for (const member of members) expect(typeof api[member]).toBe('function');
      expect(Object.getPrototypeOf(api)).toBe(Object.prototype);
    }
  });

  it('forwards a contract channel to main on the one invoke channel, and refuses any other without calling main', async () => {
    const bridge = await loadPreload();
    await bridge.invoke('app:info', {});
    expect(electron.invoked).toEqual([[ELECTRON_IPC.invoke, 'app:info', {}]]);
    await expect(bridge.invoke('fs:read', { path: '/etc/passwd' })).resolves.toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(electron.invoked).toHaveLength(1);
  });

  it('hands listeners only the payload of contract events, never the IpcRendererEvent', async () => {
    const bridge = await loadPreload();
    const seen: unknown[] = [];
    const off = bridge.on('orgs:changed', (payload) => seen.push(payload));
    expect(bridge.on('not:an-event', () => undefined)).toBeTypeOf('function');
    const deliver = electron.listeners.get(ELECTRON_IPC.event);
    const ipcEvent = { sender: { send: () => undefined } };
    deliver?.(ipcEvent, { channel: 'orgs:changed', payload: { activeOrgId: 'a' } });
    deliver?.(ipcEvent, { channel: 'not:an-event', payload: 'x' });
    off();
    deliver?.(ipcEvent, { channel: 'orgs:changed', payload: { activeOrgId: 'b' } });
    expect(seen).toEqual([{ activeOrgId: 'a' }]);
  });
});
