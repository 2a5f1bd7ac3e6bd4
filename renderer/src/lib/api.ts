import type {
  EventChannel,
  EventPayload,
  FileRefProgress,
  InvokeArgs,
  InvokeChannel,
  InvokeResult,
  LoadFileRef,
  OrgDeskBridge,
} from '../../../shared/ipc/contract';
import { fail, type Result } from '../../../shared/ipc/result';
import { createWebBridge, openWebSession, takeLaunchToken } from './web-bridge';

declare global {
  interface Window {
    /** The one door to main: the preload's in Electron, the web bridge in browser mode. */
    readonly orgdesk?: OrgDeskBridge;
  }
}

/**
 * Makes sure `window.orgdesk` exists: inside Electron the preload put it there; otherwise open browser mode's session (the
 * launch token in the URL fragment is taken out of the address bar and history first, then exchanged for an HttpOnly cookie;
 * after a reload the cookie alone) and install the web bridge. Resolves false when the server refuses this tab.
 */
export async function ensureBridge(): Promise<boolean> {
  if (window.orgdesk !== undefined) return true;
  const launchToken = takeLaunchToken(window.location, window.history);
  if (!(await openWebSession({ origin: window.location.origin, launchToken }))) return false;
  const bridge = Object.freeze(createWebBridge({ origin: window.location.origin }));
  Object.defineProperty(window, 'orgdesk', { value: bridge, writable: false, configurable: false, enumerable: false });
  return true;
}

/** Calls one contract channel; never throws (a missing bridge or a dropped transport is a Result too). */
export async function invoke<C extends InvokeChannel>(channel: C, args: InvokeArgs<C>): Promise<Result<InvokeResult<C>>> {
  const bridge = window.orgdesk;
  if (bridge === undefined) {
    return fail('NETWORK', 'OrgDesk is not connected.', 'Start OrgDesk with `npm start`, or open the URL printed by `npm run web`.');
  }
  try {
    return await bridge.invoke(channel, args);
  } catch {
    return fail('NETWORK', 'OrgDesk did not answer.', 'Try again; if it keeps happening, restart OrgDesk.');
  }
}

/** Listens to one contract event; returns the disposer (a no-op when there is no bridge). */
export function on<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): () => void {
  return window.orgdesk?.on(channel, listener) ?? (() => undefined);
}

/**
 * Names a dropped or chosen file for main (`load:open`'s `file`): its path in Electron, an upload streamed to main in browser
 * mode (`onProgress` gets the bytes main has of the file's size). Never throws.
 */
export async function fileRef(file: File, onProgress?: FileRefProgress): Promise<Result<LoadFileRef>> {
  const bridge = window.orgdesk;
  if (bridge === undefined) {
    return fail('NETWORK', 'OrgDesk is not connected.', 'Start OrgDesk with `npm start`, or open the URL printed by `npm run web`.');
  }
  try {
    return await bridge.fileRef(file, onProgress);
  } catch {
    return fail('NETWORK', 'OrgDesk did not take the file.', 'Drop it again; if it keeps happening, restart OrgDesk.');
  }
}
