import { readFile } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { APP_HOST, APP_SCHEME } from '../ipc/sender-check';
import { contentSecurityPolicy } from '../shared-transport/content-security-policy';
import { contentTypeFor, resolveStaticPath } from '../shared-transport/renderer-files';

/** The privileges app:// needs to behave like a secure, standard origin (so fetch, workers and storage work; no file://). */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
} as const;

/**
 * The file of the renderer build an app:// request names, or null when it names none: another host, a path that leaves the
 * build (`..`, encoded separators or dots, NUL), or an unparsable URL (Electron security checklist: "Avoid usage of the
 * file:// protocol and prefer usage of custom protocols", whose handler must not serve files outside the app).
 */
export function appRequestPath(requestUrl: string, rendererDir: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  return resolveStaticPath(rendererDir, url.pathname);
}

/**
 * Serves the renderer build from app://orgdesk/ with the strict CSP on every response (Electron security checklist: "Avoid
 * usage of the file:// protocol and prefer usage of custom protocols", "Define a Content Security Policy").
 */
export function handleAppProtocol(protocol: Protocol, rendererDir: string): void {
  const headers = {
    'content-security-policy': contentSecurityPolicy(),
    'x-content-type-options': 'nosniff',
  };
  protocol.handle(APP_SCHEME, async (request) => {
    const path = appRequestPath(request.url, rendererDir);
    const body = path === null ? null : await readFile(path).catch(() => null);
    if (path === null || body === null) {
      return new Response('Not found', { status: 404, headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' } });
    }
    return new Response(new Uint8Array(body), { status: 200, headers: { ...headers, 'content-type': contentTypeFor(path) } });
  });
}
