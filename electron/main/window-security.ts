import type { Session, Shell, WebContents } from 'electron';
import { APP_HOST, APP_SCHEME, isTrustedSender } from '../ipc/sender-check';
import { isAllowedExternalUrl } from '../../shared/ipc/external-links';

/** What to do with a navigation or a new window: stay in the app, hand a Salesforce link to the system browser, or drop it. */
export type NavigationDecision = 'stay' | 'open-outside' | 'drop';

/**
 * Decides a navigation (Electron security checklist: "Limit navigation", "Limit creation of new windows", "Do not use
 * shell.openExternal with untrusted content"): only the app's own page stays, only an allowlisted Salesforce https link
 * goes to the system browser, everything else (file://, other sites, javascript:) is dropped.
 */
export function decideNavigation(url: string): NavigationDecision {
  if (isTrustedSender({ url, isMainFrame: true })) return 'stay';
  return isAllowedExternalUrl(url) ? 'open-outside' : 'drop';
}

/** The one permission the app uses: writing to the clipboard (copy as TSV from the grid, Ctrl+C in the editor). */
const ALLOWED_PERMISSION = 'clipboard-sanitized-write';

/**
 * Decides a permission request or check (Electron security checklist: "Handle session permission requests from remote
 * content"): exactly `clipboard-sanitized-write`, for the app's own app://orgdesk origin; everything else is denied.
 */
export function isPermissionAllowed(permission: string, requestingOrigin: string): boolean {
  return permission === ALLOWED_PERMISSION && isAppOrigin(requestingOrigin);
}

/** Whether an origin (or URL) is the app's own `app://orgdesk`. */
function isAppOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/**
 * Locks one web contents down (Electron security checklist): no navigation away from the app, no new windows, no webviews;
 * a link to a Salesforce https host opens in the system browser, anything else is dropped.
 */
export function lockDownWebContents(contents: WebContents, shell: Pick<Shell, 'openExternal'>): void {
  const openOutside = (url: string): void => {
    if (decideNavigation(url) === 'open-outside') void shell.openExternal(url);
  };
  contents.on('will-navigate', (event, url) => {
    if (decideNavigation(url) === 'stay') return;
    event.preventDefault();
    openOutside(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (decideNavigation(url) !== 'stay') event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}

/**
 * Denies every permission request and check (camera, notifications, geolocation, ...) except the clipboard write the app
 * itself needs (see isPermissionAllowed); devices are always denied.
 */
export function restrictPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionAllowed(permission, details.requestingUrl)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin));
  session.setDevicePermissionHandler(() => false);
}
