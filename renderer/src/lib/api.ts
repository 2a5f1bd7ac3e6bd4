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
import { createWebBridge, takeTokenFromLocation } from './web-bridge';

declare global {
  interface Window {
    /** The one door to main: the preload's in Electron, the web bridge in browser mode. */
    readonly orgdesk?: OrgDeskBridge;
  }
}

/**
 * Makes sure `window.orgdesk` exists: inside Electron the preload put it there; otherwise install the web bridge for browser
 * mode (token from the URL fragment). Returns false when neither is possible (a page opened without its token).
 */
export function ensureBridge(): boolean {
  if (window.orgdesk !== undefined) return true;
  const token = takeTokenFromLocation(window.location, window.history, window.sessionStorage);
  if (token === null) return false;
  const bridge = Object.freeze(createWebBridge({ origin: window.location.origin, token }));
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
