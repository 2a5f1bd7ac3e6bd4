import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { fail } from '../../shared/ipc/result';
import { ELECTRON_IPC } from '../../shared/ipc/transport-protocol';
import type { AppContext } from './create-app-context';
import { isTrustedSender } from './sender-check';

/** The one ipcMain channel calls travel on: `(channel, args)` from the preload (named in shared/ipc/transport-protocol.ts). */
export const IPC_INVOKE = ELECTRON_IPC.invoke;
/** The one channel events travel on to the renderer: `{ channel, payload }`. */
const IPC_EVENT = ELECTRON_IPC.event;

/**
 * The Electron transport: the only module that touches ipcMain. Every message's sender frame is checked (main frame, app://
 * origin) before the handler table sees it; events go to every window showing the app. When a window's webContents is
 * destroyed, its sender scope is released (its query runs are cancelled and dropped).
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
  ipcMain.handle(IPC_INVOKE, (event: IpcMainInvokeEvent, channel: unknown, args: unknown) => {
    const frame = event.senderFrame;
    const trusted = isTrustedSender(frame === null ? null : { url: frame.url, isMainFrame: frame.parent === null });
    if (!trusted) return fail('VALIDATION', 'This page may not call OrgDesk.');
    const senderId = `window:${event.sender.id}`;
    watch(event.sender, senderId);
    return context.invoke(typeof channel === 'string' ? channel : '', args, { id: senderId });
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
    for (const { contents, release } of watched.values()) contents.removeListener('destroyed', release);
    watched.clear();
  };
}
