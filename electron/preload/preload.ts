/**
 * The preload: exposes exactly `window.orgdesk = { invoke, on }` for the contract's channels (Electron security checklist:
 * "Do not expose Electron APIs to untrusted web content"). Runs sandboxed; bundled to one CJS file by esbuild.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { EventChannel, OrgDeskBridge } from '../../shared/ipc/contract';
import { fail } from '../../shared/ipc/result';
import { isEventChannel, isInvokeChannel } from '../../shared/ipc/schemas';
import { ELECTRON_IPC } from '../../shared/ipc/transport-protocol';

const listeners = new Map<EventChannel, Set<(payload: never) => void>>();

// The IpcRendererEvent stays here: only the payload reaches the page.
ipcRenderer.on(ELECTRON_IPC.event, (_event, message: { channel?: unknown; payload?: unknown }) => {
  if (!isEventChannel(message.channel)) return;
  for (const listener of listeners.get(message.channel) ?? []) listener(message.payload as never);
});

const bridge: OrgDeskBridge = {
  invoke: (channel, args) => {
    if (!isInvokeChannel(channel)) return Promise.resolve(fail('VALIDATION', `Unknown channel: ${String(channel)}.`));
    return ipcRenderer.invoke(ELECTRON_IPC.invoke, channel, args) as ReturnType<OrgDeskBridge['invoke']>;
  },
  on: (channel, listener) => {
    if (!isEventChannel(channel) || typeof listener !== 'function') return () => undefined;
    const set = listeners.get(channel) ?? new Set();
    listeners.set(channel, set);
    const wrapped = (payload: never): void => listener(payload);
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('orgdesk', bridge);
