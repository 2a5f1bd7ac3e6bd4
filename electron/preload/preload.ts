/**
 * The preload: exposes exactly `window.orgdesk = { invoke, on, fileRef }` for the contract's channels and a ref to a dropped
 * file (Electron security checklist: "Do not expose Electron APIs to untrusted web content"). Runs sandboxed; bundled to one
 * CJS file by esbuild.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
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
  // The narrowest use of webUtils: the path of a File the page holds (one the person dropped or chose) goes to main, which
  // answers with a ref for this window; the page never holds the path, so it can name no file of its own.
  fileRef: (file) => {
    let path = '';
    try {
      path = webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0]);
    } catch {
      // Not a File: answered below like a file that is not on disk.
    }
    if (path === '') {
      return Promise.resolve(fail('VALIDATION', 'This file is not on this computer\'s disk.', 'Save it to a folder first, then drop it again.'));
    }
    return ipcRenderer.invoke(ELECTRON_IPC.fileRef, path) as ReturnType<OrgDeskBridge['fileRef']>;
  },
};

contextBridge.exposeInMainWorld('orgdesk', bridge);
