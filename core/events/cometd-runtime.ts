/**
 * The CometD project's JavaScript client made to run in Node: `cometd-nodejs-client` installs an XMLHttpRequest on a global
 * `window` (the CometD library reads timers, console and XHR from there). Installed once per process, with a cookie jar
 * per origin (scheme, host and port), so two orgs on one host never overwrite each other's `BAYEUX_BROWSER` cookie, and a
 * console that keeps CometD's warnings but not its info and debug lines.
 */
import { CometD } from 'cometd';
import { adapt } from 'cometd-nodejs-client';

let installed = false;
const jars = new Map<string, Map<string, string>>();

/** The cookie jar key of a request URL (cookies are kept per origin; Salesforce's BAYEUX_BROWSER uses Path=/). */
function originOf(uri: unknown): string {
  if (uri instanceof URL) return uri.origin;
  const u = uri as { protocol?: string; host?: string } | null;
  return `${u?.protocol ?? ''}//${u?.host ?? ''}`;
}

function install(): void {
  if (installed) return;
  installed = true;
  adapt({
    cookies: {
      storeCookie(uri, header, callback) {
        const nameValue = header.split(';')[0]?.trim() ?? '';
        const equal = nameValue.indexOf('=');
        if (equal > 0) {
          const origin = originOf(uri);
          const jar = jars.get(origin) ?? new Map<string, string>();
          jar.set(nameValue.slice(0, equal), nameValue);
          jars.set(origin, jar);
        }
        callback(null, null);
      },
      retrieveCookies(_context, uri, callback) {
        callback(null, [...(jars.get(originOf(uri))?.values() ?? [])]);
      },
    },
  });
  const host = globalThis as unknown as { window: { console: Pick<Console, 'log' | 'info' | 'debug' | 'warn' | 'error'> } };
  const quiet = (): void => undefined;
  host.window.console = { log: quiet, info: quiet, debug: quiet, warn: (...args: unknown[]) => console.warn(...args), error: (...args: unknown[]) => console.error(...args) };
}

/** A new CometD client limited to long-polling, the one transport the Streaming API offers (salesforce-api.md 6.1). */
export function createCometdClient(): CometD {
  install();
  const cometd = new CometD();
  cometd.unregisterTransport('websocket');
  cometd.unregisterTransport('callback-polling');
  return cometd;
}
