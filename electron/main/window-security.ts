import type { Session, Shell, WebContents } from 'electron';
import { isTrustedSender } from '../ipc/sender-check';
import { isAllowedExternalUrl } from '../../shared/ipc/external-links';

/**
 * Locks one web contents down (Electron security checklist): no navigation away from the app, no new windows, no webviews;
 * a link to a Salesforce https host opens in the system browser, anything else is dropped.
 */
export function lockDownWebContents(contents: WebContents, shell: Pick<Shell, 'openExternal'>): void {
  const openOutside = (url: string): void => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
  };
  contents.on('will-navigate', (event, url) => {
    if (isTrustedSender({ url, isMainFrame: true })) return;
    event.preventDefault();
    openOutside(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isTrustedSender({ url, isMainFrame: true })) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}

/** Denies every permission request and check (camera, notifications, geolocation, ...): OrgDesk needs none. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
