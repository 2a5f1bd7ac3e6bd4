import { isAllowedExternalUrl } from '../../../shared/ipc/external-links';

/**
 * Keeps the app from navigating away when a link is clicked (in Electron main also blocks it; in browser mode only this
 * does): a link to another origin never replaces the app; an https Salesforce link opens in a new window (Electron hands it
 * to the system browser through its allowlist), anything else is dropped.
 */
export function installLinkGuard(doc: Document, open: (url: string) => void): () => void {
  const onClick = (event: MouseEvent): void => {
    const target = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!(target instanceof HTMLAnchorElement)) return;
    const url = new URL(target.href, doc.baseURI);
    if (url.origin === doc.location.origin && url.protocol === doc.location.protocol) return;
    event.preventDefault();
    if (isAllowedExternalUrl(url.href)) open(url.href);
  };
  doc.addEventListener('click', onClick, true);
  doc.addEventListener('auxclick', onClick, true);
  return () => {
    doc.removeEventListener('click', onClick, true);
    doc.removeEventListener('auxclick', onClick, true);
  };
}
