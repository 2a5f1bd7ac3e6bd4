import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_USERNAME, makeKeyAndCertificate, signAssertion, startTestOrg, type CryptoKeyLike, type TestOrg } from '../testing';

let org: TestOrg;
/** The emulator's clock runs this far ahead of the real one (to pass the session timeout without waiting). */
let clockOffsetMs = 0;
let privateKey: CryptoKeyLike;
let otherKey: CryptoKeyLike;
const KEY = 'orgdesk-consumer-key';

async function token(form: Record<string, string>): Promise<{ status: number; body: Record<string, string>; headers: Headers }> {
  const response = await fetch(`${org.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string>, headers: response.headers };
}

async function grant(claims: Partial<{ iss: string; sub: string; aud: string; exp: number | string }>, key = privateKey) {
  const assertion = await signAssertion(key, { iss: KEY, sub: ADMIN_USERNAME, aud: 'https://login.salesforce.com', ...claims });
  return token({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
}

beforeAll(async () => {
  org = await startTestOrg({ seed: false, now: () => new Date(Date.now() + clockOffsetMs) });
  const pair = await makeKeyAndCertificate();
  privateKey = pair.privateKey;
  otherKey = (await makeKeyAndCertificate()).privateKey;
  const response = await fetch(`${org.url}/__emulator/connected-apps`, {
    method: 'POST',
    body: JSON.stringify({ consumerKey: KEY, certificate: pair.certificatePem, preAuthorizedUsernames: [ADMIN_USERNAME, 'former.employee@orgdesk.example'] }),
  });
  expect(response.status).toBe(201);
});

afterAll(async () => {
  await org.emulator.stop();
});

describe('POST /services/oauth2/token with the JWT bearer grant', () => {
  it('answers a valid assertion with a token shaped <org id>!<opaque>, no refresh token, and an identity URL that works', async () => {
    const answer = await grant({});
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(['access_token', 'id', 'instance_url', 'scope', 'token_type']);
    expect(answer.body.access_token).toMatch(/^00D[0-9A-Za-z]{12}!/);
    expect(answer.body.instance_url).toBe(org.url);
    expect(answer.body.token_type).toBe('Bearer');
    const identity = await fetch(answer.body.id as string, { headers: { Authorization: `Bearer ${answer.body.access_token}` } });
    const body = (await identity.json()) as Record<string, unknown>;
    expect(identity.status).toBe(200);
    expect(body).toMatchObject({ username: ADMIN_USERNAME, organization_id: org.emulator.orgId, active: true });
    expect((body.urls as Record<string, string>).rest).toBe(`${org.url}/services/data/v{version}/`);
    const versions = await fetch(`${org.url}/services/data/v60.0/limits`, { headers: { Authorization: `Bearer ${answer.body.access_token}` } });
    expect(versions.status).toBe(200);
  });

  it('accepts exp as a numeric string and the org URL or the test URL as audience', async () => {
    expect((await grant({ exp: String(Math.floor(Date.now() / 1000) + 120) })).status).toBe(200);
    expect((await grant({ aud: org.url })).status).toBe(200);
    expect((await grant({ aud: 'https://test.salesforce.com' })).status).toBe(200);
  });

  it.each([
    ['an unknown consumer key', { iss: 'nope' }, 'invalid_client_id', 'client identifier invalid'],
    ['a wrong audience', { aud: 'https://example.com' }, 'invalid_grant', 'audience is invalid'],
    ['an expired assertion', { exp: Math.floor(Date.now() / 1000) - 10 }, 'invalid_grant', 'expired authorization code'],
    ['an unknown user', { sub: 'nobody@orgdesk.example' }, 'invalid_grant', "user hasn't approved this consumer"],
    ['a user who is not pre-authorized', { sub: 'sales.rep@orgdesk.example' }, 'invalid_app_access', 'user is not admin approved to access this app'],
    ['an inactive user', { sub: 'former.employee@orgdesk.example' }, 'invalid_grant', 'authentication failure'],
  ])('refuses %s with the real error body', async (_name, claims, error, description) => {
    const answer = await grant(claims);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error, error_description: description });
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a signature made with another key, a malformed assertion, and another grant type', async () => {
    expect((await grant({}, otherKey)).body).toEqual({ error: 'invalid_grant', error_description: 'invalid assertion' });
    expect((await token({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: 'not.a.jwt' })).body).toEqual({ error: 'invalid_grant', error_description: 'invalid assertion' });
    const password = await token({ grant_type: 'password', username: 'a', password: 'b' });
    expect([password.status, password.body.error]).toEqual([400, 'unsupported_grant_type']);
  });

  it('keeps a session alive while it is used, expires it after two hours of inactivity, and answers 401 INVALID_SESSION_ID with WWW-Authenticate: Token', async () => {
    const session = (await grant({})).body.access_token as string;
    const call = () => fetch(`${org.url}/services/data/v60.0/sobjects`, { headers: { Authorization: `Bearer ${session}` } });
    clockOffsetMs = 60 * 60 * 1000;
    expect((await call()).status).toBe(200);
    clockOffsetMs += 2 * 60 * 60 * 1000 + 1000;
    const response = await call();
    clockOffsetMs = 0;
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Token');
    expect(await response.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });
});
