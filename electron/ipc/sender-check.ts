/** The scheme the renderer is served from in Electron (never file://). */
export const APP_SCHEME = 'app';
/** The host of the app:// origin. */
export const APP_HOST = 'orgdesk';
/** The renderer's start page. */
export const APP_START_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The facts about a message's sender frame that decide whether it may call main. */
export type SenderFrameFacts = { url: string; isMainFrame: boolean };

/**
 * Tells whether an IPC message comes from the app itself: the top frame of a window showing app://orgdesk (Electron security
 * checklist: "Validate the sender of all IPC messages"). A subframe, a navigated-away page or any other origin is refused.
 */
export function isTrustedSender(frame: SenderFrameFacts | null | undefined): boolean {
  if (frame === null || frame === undefined || !frame.isMainFrame) return false;
  try {
    const url = new URL(frame.url);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}
