import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createRequestGuard, sessionCookieValue } from './request-guard';

const guard = createRequestGuard({ port: 4000, token: 'secret-token', sessionKey: 'session-key' });
const cookie4000 = sessionCookieValue('session-key', 4000);
const fakeRequest = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;

describe('createRequestGuard', () => {
  it('lets through an API call to 127.0.0.1 with the token and the app origin', () => {
    const verdict = guard.checkApi(fakeRequest({ host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000', 'x-orgdesk-token': 'secret-token' }));
    expect(verdict).toEqual({ allowed: true, by: 'token' });
  });

  it('refuses the same host on another port', () => {
    expect(guard.checkSite(fakeRequest({ host: '127.0.0.1:4001' }))).toMatchObject({ allowed: false, status: 403 });
  });

  it('refuses a request without a Host header', () => {
    expect(guard.checkSite(fakeRequest({}))).toMatchObject({ allowed: false, status: 403 });
  });

  it('checks the site before the token, so a foreign page learns nothing about the token', () => {
    expect(guard.checkApi(fakeRequest({ host: 'evil.example:4000' }))).toMatchObject({ status: 403 });
  });

  it('reads the WebSocket token from the subprotocol list', () => {
    const verdict = guard.checkEvents(fakeRequest({ host: 'localhost:4000', 'sec-websocket-protocol': 'orgdesk-events, orgdesk-token.secret-token' }));
    expect(verdict).toEqual({ allowed: true, by: 'token' });
  });

  it('accepts the session cookie of this port instead of the token, and not the token as a cookie', () => {
    const site = { host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000' };
    expect(guard.checkApi(fakeRequest({ ...site, cookie: `other=1; orgdesk-session-4000=${cookie4000}` }))).toEqual({ allowed: true, by: 'cookie' });
    expect(guard.checkEvents(fakeRequest({ ...site, cookie: `orgdesk-session-4000=${cookie4000}` }))).toEqual({ allowed: true, by: 'cookie' });
    expect(guard.checkApi(fakeRequest({ ...site, cookie: 'orgdesk-session-4000=secret-token' }))).toMatchObject({ status: 401 });
    expect(guard.checkApi(fakeRequest({ ...site, cookie: `orgdesk-session-4001=${cookie4000}` }))).toMatchObject({ status: 401 });
  });

  it("refuses another port's session cookie even under this port's name, and the key itself as a cookie", () => {
    const site = { host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000' };
    // Browsers send 127.0.0.1's cookies to every port: the cookie of a server on 4001 (same key or not) is useless here.
    expect(guard.checkApi(fakeRequest({ ...site, cookie: `orgdesk-session-4000=${sessionCookieValue('session-key', 4001)}` }))).toMatchObject({ status: 401 });
    expect(guard.checkApi(fakeRequest({ ...site, cookie: `orgdesk-session-4000=${sessionCookieValue('other-key', 4000)}` }))).toMatchObject({ status: 401 });
    expect(guard.checkApi(fakeRequest({ ...site, cookie: 'orgdesk-session-4000=session-key' }))).toMatchObject({ status: 401 });
    expect(guard.sessionCookie).toBe(`orgdesk-session-4000=${cookie4000}; HttpOnly; SameSite=Strict; Path=/`);
    expect(cookie4000.startsWith('4000.')).toBe(true);
  });
});
