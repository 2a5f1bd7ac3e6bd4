import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { fail } from '../../shared/ipc/result';
import type { AppContext } from './create-app-context';
import { isTrustedSender } from './sender-check';

/** The one ipcMain channel calls travel on: `(channel, args)` from the preload. */
export const IPC_INVOKE = 'orgdesk:invoke';
/** The one channel events travel on to the renderer: `{ channel, payload }`. */
export const IPC_EVENT = 'orgdesk:event';

/**
 * The Electron transport: the only module that touches ipcMain. Every message's sender frame is checked (main frame, app://
 * origin) before the handler table sees it; events go to every window showing the app.
 */
export function registerElectronTransport(options: {
  ipcMain: IpcMain;
  context: AppContext;
  windows: () => WebContents[];
}): () => void {
  const { ipcMain, context } = options;
  ipcMain.handle(IPC_INVOKE, (event: IpcMainInvokeEvent, channel: unknown, args: unknown) => {
    const frame = event.senderFrame;
    const trusted = isTrustedSender(frame === null ? null : { url: frame.url, isMainFrame: frame.parent === null });
    if (!trusted) return fail('VALIDATION', 'This page may not call OrgDesk.');
    return context.invoke(typeof channel === 'string' ? channel : '', args, { id: `window:${event.sender.id}` });
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
  };
}
