import { describe, expect, it } from 'vitest';
import { tokenError, type TokenErrorContext } from './token-errors';

const base: TokenErrorContext = {
  status: 400,
  bodyText: '',
  contentType: 'application/json',
  serverDate: null,
  localNow: Date.parse('2026-11-28T12:00:00Z'),
  loginUrl: 'https://login.salesforce.com',
  username: 'admin@acme.com',
  certificateFileName: 'orgdesk-acme.crt',
};

const answer = (error: string, description?: string, extra: Partial<TokenErrorContext> = {}) =>
  tokenError({ ...base, ...extra, bodyText: JSON.stringify(description === undefined ? { error } : { error, error_description: description }) });

describe('tokenError', () => {
  it("tells the admin to pre-authorize the user when the user hasn't approved the consumer", () => {
    const error = answer('invalid_grant', "user hasn't approved this consumer");
    expect(error.code).toBe('AUTH');
    expect(error.hint).toBe("Pre-authorize this user's profile or permission set on the connected app (Admin approved users are pre-authorized).");
  });

  it('names the certificate file to upload on an invalid assertion', () => {
    const error = answer('invalid_grant', 'invalid assertion');
    expect(error.message).toMatch(/no certificate matching this key/);
    expect(error.hint).toMatch(/orgdesk-acme\.crt/);
  });

  it.each(['audience is invalid', 'Audience validation failed'])('explains login hosts on "%s"', (description) => {
    expect(answer('invalid_grant', description).hint).toMatch(/login\.salesforce\.com.*test\.salesforce\.com/);
  });

  it('measures clock skew from the Date header on an expired authorization code', () => {
    const behind = answer('invalid_grant', 'expired authorization code', { serverDate: 'Sat, 28 Nov 2026 12:10:00 GMT' });
    expect(behind.hint).toMatch(/10 minutes behind/);
    const ahead = answer('invalid_grant', 'expired authorization code', { serverDate: 'Sat, 28 Nov 2026 11:55:00 GMT' });
    expect(ahead.hint).toMatch(/5 minutes ahead of/);
    const inSync = answer('invalid_grant', 'expired authorization code', { serverDate: 'Sat, 28 Nov 2026 12:00:10 GMT' });
    expect(inSync.hint).toMatch(/agrees with Salesforce/);
  });

  it('says how to unlock a locked user', () => {
    expect(answer('invalid_grant', 'user is locked').hint).toMatch(/Unlock the user/);
  });

  it('lists what to check on an authentication failure', () => {
    expect(answer('invalid_grant', 'authentication failure').hint).toMatch(/username.*active.*API Enabled/);
  });

  it('points at the consumer key on invalid_client_id', () => {
    const error = answer('invalid_client_id', 'client identifier invalid');
    expect(error.code).toBe('AUTH');
    expect(error.hint).toMatch(/consumer key/);
  });

  it('points at the connected app policy on invalid_app_access', () => {
    expect(answer('invalid_app_access', 'user is not admin approved to access this app').hint).toMatch(/Pre-authorize/);
  });

  it('keeps an unknown error description in the message', () => {
    expect(answer('invalid_grant', 'something new').message).toMatch(/something new/);
    expect(answer('unsupported_grant_type', 'grant type not supported').message).toMatch(/grant type not supported/);
  });

  it('treats a non-JSON 5xx as a NETWORK problem and a non-JSON 4xx as a wrong login URL', () => {
    expect(tokenError({ ...base, status: 503, bodyText: '<html>maintenance</html>' }).code).toBe('NETWORK');
    const wrongHost = tokenError({ ...base, status: 404, bodyText: '<html>not found</html>' });
    expect(wrongHost.code).toBe('AUTH');
    expect(wrongHost.hint).toMatch(/My Domain URL/);
  });
});
