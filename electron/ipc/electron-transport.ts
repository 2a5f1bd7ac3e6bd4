import { isAbsolute } from 'node:path';
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { fail, ok } from '../../shared/ipc/result';
import { ELECTRON_IPC } from '../../shared/ipc/transport-protocol';
import type { AppContext } from './create-app-context';
import { isTrustedSender } from './sender-check';

/** The one ipcMain channel calls travel on: `(channel, args)` from the preload (named in shared/ipc/transport-protocol.ts). */
export const IPC_INVOKE = ELECTRON_IPC.invoke;
/** The one channel events travel on to the renderer: `{ channel, payload }`. */
const IPC_EVENT = ELECTRON_IPC.event;
/** The channel the preload hands a dropped file's path on (from `webUtils.getPathForFile`), answered with a ref. */
export const IPC_FILE_REF = ELECTRON_IPC.fileRef;

/**
 * The Electron transport: the only module that touches ipcMain. Every message's sender frame is checked (main frame, app://
 * origin) before the handler table sees it; events go to every window showing the app. When a window's webContents is
 * destroyed, its sender scope is released (its query runs are cancelled and dropped) and the file refs minted for it go.
 * A dropped file's path arrives only from the preload, on its own channel, and the page gets a ref for it, never the path.
 */
export function registerElectronTransport(options: {
  ipcMain: IpcMain;
  context: AppContext;
  windows: () => WebContents[];
}): () => void {
  const { ipcMain, context } = options;
  // Each window's sender scope ends when its webContents is destroyed (conventions.md: main disposes per window).
  const watched = new Map<number, { contents: WebContents; release: () => void }>();
  const watch = (contents: WebContents, senderId: string): void => {
    if (watched.has(contents.id)) return;
    const id = contents.id;
    const release = (): void => {
      watched.delete(id);
      context.releaseSender(senderId);
    };
    watched.set(id, { contents, release });
    contents.once('destroyed', release);
  };
  /** The sender id of a trusted frame's message (watched so its scope ends with its window), or null for any other frame. */
  const trustedSenderOf = (event: IpcMainInvokeEvent): string | null => {
    const frame = event.senderFrame;
    if (!isTrustedSender(frame === null ? null : { url: frame.url, isMainFrame: frame.parent === null })) return null;
    const senderId = `window:${event.sender.id}`;
    watch(event.sender, senderId);
    return senderId;
  };
  const refused = (): ReturnType<typeof fail> => fail('VALIDATION', 'This page may not call OrgDesk.');
  ipcMain.handle(IPC_INVOKE, (event: IpcMainInvokeEvent, channel: unknown, args: unknown) => {
    const senderId = trustedSenderOf(event);
    if (senderId === null) return refused();
    return context.invoke(typeof channel === 'string' ? channel : '', args, { id: senderId });
  });
  ipcMain.handle(IPC_FILE_REF, (event: IpcMainInvokeEvent, path: unknown) => {
    const senderId = trustedSenderOf(event);
    if (senderId === null) return refused();
    if (typeof path !== 'string' || path.length > 4096 || !isAbsolute(path)) {
      return fail('VALIDATION', "This file is not on this computer's disk.", 'Save it to a folder first, then drop it again.');
    }
    return ok({ kind: 'ref' as const, ref: context.mintFileRef(senderId, path) });
  });
  const unsubscribe = context.subscribe((event) => {
    for (const contents of options.windows()) {
      if (!contents.isDestroyed() && isTrustedSender({ url: contents.getURL(), isMainFrame: true })) {
        contents.send(IPC_EVENT, event);
      }
    }
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_INVOKE);
    ipcMain.removeHandler(IPC_FILE_REF);
    for (const { contents, release } of watched.values()) contents.removeListener('destroyed', release);
    watched.clear();
  };
}
