import { EventEmitter } from 'node:events';
import type { Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { APP_START_URL } from '../ipc/sender-check';
import { decideNavigation, isPermissionAllowed, lockDownWebContents, restrictPermissions } from './window-security';

describe('isPermissionAllowed', () => {
  it('allows exactly clipboard-sanitized-write for the app origin, so Ctrl+C in the grid and the editor works', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', 'app://orgdesk')).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'app://orgdesk/index.html')).toBe(true);
  });

  it('denies clipboard reads and every other permission, even for the app origin', () => {
    for (const permission of ['clipboard-read', 'deprecated-sync-clipboard-read', 'notifications', 'media', 'geolocation', 'openExternal', 'fileSystem']) {
      expect(isPermissionAllowed(permission, 'app://orgdesk')).toBe(false);
    }
  });

  it('denies the clipboard to any other origin', () => {
    for (const origin of ['https://acme.my.salesforce.com', 'app://other', 'file:///', 'http://127.0.0.1:5173', 'app://user@orgdesk', '', 'null']) {
      expect(isPermissionAllowed('clipboard-sanitized-write', origin)).toBe(false);
    }
  });
});

describe('restrictPermissions', () => {
  it('wires the same rule into the request and check handlers, and denies every device', () => {
    const handlers: Record<string, (...args: never[]) => unknown> = {};
    const session = {
      setPermissionRequestHandler: (handler: (...args: never[]) => unknown) => (handlers['request'] = handler),
      setPermissionCheckHandler: (handler: (...args: never[]) => unknown) => (handlers['check'] = handler),
      setDevicePermissionHandler: (handler: (...args: never[]) => unknown) => (handlers['device'] = handler),
    } as unknown as Session;
    restrictPermissions(session);
    const check = handlers['check'] as unknown as (contents: null, permission: string, origin: string) => boolean;
    const request = handlers['request'] as unknown as (contents: null, permission: string, callback: (granted: boolean) => void, details: { requestingUrl: string }) => void;
    expect(check(null, 'clipboard-sanitized-write', 'app://orgdesk')).toBe(true);
    expect(check(null, 'clipboard-sanitized-write', 'https://evil.example')).toBe(false);
    expect(check(null, 'notifications', 'app://orgdesk')).toBe(false);
    const granted: boolean[] = [];
    request(null, 'clipboard-sanitized-write', (value) => granted.push(value), { requestingUrl: APP_START_URL });
    request(null, 'media', (value) => granted.push(value), { requestingUrl: APP_START_URL });
    expect(granted).toEqual([true, false]);
    expect((handlers['device'] as unknown as () => boolean)()).toBe(false);
  });
});

describe('decideNavigation', () => {
  it("keeps the app's own page, sends an allowlisted Salesforce link outside, and drops the rest", () => {
    expect(decideNavigation('app://orgdesk/index.html#/query')).toBe('stay');
    expect(decideNavigation('https://acme.my.salesforce.com/001000000000001')).toBe('open-outside');
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'javascript:alert(1)', 'https://acme.my.site.com/', 'http://acme.my.salesforce.com/']) {
      expect(decideNavigation(url)).toBe('drop');
    }
  });
});

describe('lockDownWebContents', () => {
  /** A web contents as far as the lock-down uses it: navigation events and the window-open handler. */
  function fakeContents(): { contents: WebContents; emitter: EventEmitter; openWindow: (url: string) => unknown } {
    const emitter = new EventEmitter();
    let windowOpen: (details: { url: string }) => unknown = () => undefined;
    const contents = Object.assign(emitter, { setWindowOpenHandler: (handler: typeof windowOpen) => (windowOpen = handler) }) as unknown as WebContents;
    return { contents, emitter, openWindow: (url) => windowOpen({ url }) };
  }
  const navigate = (emitter: EventEmitter, name: string, url: string): boolean => {
    let prevented = false;
    emitter.emit(name, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  };

  it('blocks navigation away from the app, opens only Salesforce links outside, and denies every new window and webview', () => {
    const opened: string[] = [];
    const { contents, emitter, openWindow } = fakeContents();
    lockDownWebContents(contents, { openExternal: (url) => Promise.resolve(void opened.push(url)) });

    expect(navigate(emitter, 'will-navigate', APP_START_URL)).toBe(false);
    expect(navigate(emitter, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate(emitter, 'will-navigate', 'https://acme.my.salesforce.com/')).toBe(true);
    expect(navigate(emitter, 'will-redirect', 'https://acme.my.salesforce.com/')).toBe(true);
    expect(navigate(emitter, 'will-attach-webview', 'app://orgdesk/')).toBe(true);
    expect(openWindow('https://acme.lightning.force.com/')).toEqual({ action: 'deny' });
    expect(openWindow('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://acme.my.salesforce.com/', 'https://acme.lightning.force.com/']);
  });
});
