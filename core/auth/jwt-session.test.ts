import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index';
import { createSystemClock } from '../salesforce/clock';
import { generateKeyAndCertificate } from './certificate';
import { adminCall, LOCAL_ADMIN, localLogin, registerConnectedApp, startLocalOrg } from '../test-support/local-org';
import { matching } from '../test-support/matchers';

let org: RunningEmulator;
beforeAll(async () => {
  org = await startLocalOrg();
});
afterAll(async () => {
  await org.stop();
});

describe('JWT bearer login against the local org', () => {
  it('logs in and reads the org and user ids from the identity URL', async () => {
    const { session } = await localLogin(org.url);
    const access = await session.access();
    expect(access.orgId).toBe(org.orgId);
    expect(access.userId).toMatch(/^005/);
    expect(access.instanceUrl).toBe(org.url);
    expect(access.accessToken.startsWith(org.orgId.slice(0, 15))).toBe(true);
    expect(await session.access()).toBe(access);
    expect(session.logins).toBe(1);
  });

  it('shares one token request between concurrent first callers', async () => {
    const { session, transport } = await localLogin(org.url);
    const all = await Promise.all(Array.from({ length: 10 }, () => session.access()));
    expect(new Set(all.map((a) => a.accessToken)).size).toBe(1);
    expect(transport.count('/services/oauth2/token')).toBe(1);
  });

  it('maps an unknown consumer key to AUTH with a consumer key hint', async () => {
    const { session } = await localLogin(org.url, { register: false });
    await expect(session.access()).rejects.toMatchObject({ code: 'AUTH', message: matching(/consumer key/), hint: matching(/Consumer Details/) });
  });

  it('maps a certificate that does not match the key to the upload-the-certificate hint', async () => {
    const login = await localLogin(org.url, { register: false });
    const other = await generateKeyAndCertificate({ commonName: 'Other', now: new Date() });
    await registerConnectedApp(org.url, { consumerKey: login.consumerKey, certificate: other.certificatePem, preAuthorizedUsernames: [LOCAL_ADMIN] });
    await expect(login.session.access()).rejects.toMatchObject({
      code: 'AUTH',
      message: matching(/no certificate matching this key/),
      hint: matching(/orgdesk-local-test\.crt/),
    });
  });

  it('maps a user who is not pre-authorized to the pre-authorize hint (admin approved and all-users policies)', async () => {
    const adminApproved = await localLogin(org.url, { preAuthorized: [] });
    await expect(adminApproved.session.access()).rejects.toMatchObject({ code: 'AUTH', hint: matching(/^Pre-authorize this user's profile or permission set/) });

    const allUsers = await localLogin(org.url, { register: false });
    await registerConnectedApp(org.url, { consumerKey: allUsers.consumerKey, certificate: allUsers.certificatePem, preAuthorizedUsernames: [], permittedUsers: 'all_users' });
    await expect(allUsers.session.access()).rejects.toMatchObject({
      code: 'AUTH',
      message: matching(/has not approved/),
      hint: "Pre-authorize this user's profile or permission set on the connected app (Admin approved users are pre-authorized).",
    });
  });

  it('maps a wrong audience (a login URL that is not the org) to the environment hint', async () => {
    const { session } = await localLogin(org.url, { loginUrl: org.url.replace('127.0.0.1', 'localhost') });
    await expect(session.access()).rejects.toMatchObject({ code: 'AUTH', message: matching(/audience/), hint: matching(/My Domain/) });
  });

  it("names the clock skew when the computer's clock is 10 minutes slow", async () => {
    const { session } = await localLogin(org.url, { clock: createSystemClock({ offsetMs: -10 * 60_000 }) });
    await expect(session.access()).rejects.toMatchObject({ code: 'AUTH', message: matching(/expired/), hint: matching(/10 minutes behind/) });
  });

  it('maps an inactive user to the authentication failure hint', async () => {
    const username = `inactive-${Date.now()}@orgdesk.example`;
    expect((await adminCall(org.url, 'users', 'POST', { username, lastName: 'Inactive', isActive: false })).status).toBe(201);
    const { session } = await localLogin(org.url, { username });
    await expect(session.access()).rejects.toMatchObject({ code: 'AUTH', hint: matching(/active/) });
  });

  it('asks for a key when the keychain has none for the profile', async () => {
    const login = await localLogin(org.url);
    await login.secrets.delete('profile-1');
    await expect(login.session.access()).rejects.toMatchObject({ code: 'AUTH', hint: matching(/Generate a key/) });
    expect(login.transport.total).toBe(0);
  });

  it('maps a login URL where nothing listens to NETWORK', async () => {
    const stopped = await startLocalOrg();
    const { session } = await localLogin(stopped.url);
    await stopped.stop();
    await expect(session.access()).rejects.toMatchObject({ code: 'NETWORK', message: matching(/refused/) });
  });
});
