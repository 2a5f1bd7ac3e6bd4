import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionTestResult, DemoOrgStatus, OrgSummary } from '../../../shared/ipc/domains/orgs';
import type { Result } from '../../../shared/ipc/result';
import { startEmulator, type RunningEmulator } from '../../../emulator';
import { createMemorySecretStore } from '../../../core/secrets';
import { createAppContext, type AppContext } from '../create-app-context';

const value = <T>(result: Result<unknown>): T => {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
};

describe('orgs handlers in the app context', () => {
  let userDataDir: string;
  let context: AppContext;
  let org: RunningEmulator;
  const results: unknown[] = [];

  /** Invokes a channel and keeps the answer for the "no secret in any result" check. */
  const call = async (channel: string, args: unknown): Promise<Result<unknown>> => {
    const result = await context.invoke(channel, args);
    results.push(result);
    return result;
  };

  beforeEach(async () => {
    userDataDir = await mkdtemp(join(tmpdir(), 'orgdesk-orgs-handlers-'));
    org = await startEmulator({ port: 0, seedSize: { accounts: 10, contacts: 10, opportunities: 5, cases: 5, leads: 5, invoices: 5 } });
    context = await createAppContext({
      userDataDir,
      mode: 'browser',
      version: '0.1.0',
      platform: 'linux',
      secrets: createMemorySecretStore(),
      startLocalOrg: ({ host, dataDir }) => startEmulator({ port: 0, host, dataDir, seedSize: { accounts: 10, contacts: 10 } }),
      demoOnLaunch: false,
    });
  });

  afterEach(async () => {
    await context.dispose();
    await org.stop();
    await rm(userDataDir, { recursive: true, force: true });
  });

  it('takes a profile from creation to a tested connection, as the Orgs area does, and never answers with a key or a token', async () => {
    const demo = value<DemoOrgStatus>(await call('orgs:demo-start', {}));
    expect(demo.state).toBe('ready');

    const profile = value<OrgSummary>(
      await call('orgs:create', { label: 'Local org', environment: 'mydomain', myDomainUrl: org.url, consumerKey: 'CK-handlers', username: 'admin@orgdesk.example', apiVersion: null, color: '#0176d3' }),
    );
    const info = value<{ fingerprintSha256: string }>(await call('orgs:generate-key', { id: profile.id }));
    const target = join(userDataDir, 'orgdesk-local-org.crt');
    value(await call('orgs:save-certificate', { id: profile.id, path: target }));
    const certificate = readFileSync(target, 'utf8');
    expect(value<{ info: { fingerprintSha256: string } }>(await call('orgs:certificate', { id: profile.id })).info.fingerprintSha256).toBe(info.fingerprintSha256);

    const registered = await fetch(`${org.url}/__emulator/connected-apps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ consumerKey: 'CK-handlers', certificate, preAuthorizedUsernames: ['admin@orgdesk.example'] }),
    });
    expect(registered.status).toBe(201);
    const tested = value<ConnectionTestResult>(await call('orgs:test-connection', { id: profile.id }));
    expect(tested.orgId).toBe(org.orgId);

    value(await call('orgs:update', { id: profile.id, changes: { consumerKey: 'CK-wrong' } }));
    const wrong = await call('orgs:test-connection', { id: profile.id });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'AUTH' } });
    expect(!wrong.ok && wrong.error.hint).toMatch(/consumer key/);

    expect(value(await call('orgs:set-active', { id: profile.id }))).toEqual({ activeOrgId: profile.id });
    expect(value(await call('orgs:active', {}))).toEqual({ activeOrgId: profile.id });
    value(await call('orgs:list', {}));
    value(await call('orgs:delete', { id: profile.id }));
    expect(value<OrgSummary[]>(await call('orgs:list', {})).map((p) => p.id)).toEqual([demo.profileId]);

    const answers = JSON.stringify(results);
    expect(answers).not.toMatch(/PRIVATE KEY/);
    expect(answers).not.toMatch(/00D[0-9A-Za-z]{12}!/);
  });

  it('refuses invalid profile input with VALIDATION before any service runs', async () => {
    const missingUrl = await call('orgs:create', { label: 'X', environment: 'mydomain', myDomainUrl: null, consumerKey: 'CK', username: 'u@x.com', apiVersion: null, color: '#000000' });
    expect(missingUrl).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const plainHttp = await call('orgs:create', { label: 'X', environment: 'mydomain', myDomainUrl: 'http://acme.my.salesforce.com', consumerKey: 'CK', username: 'u@x.com', apiVersion: null, color: '#000000' });
    expect(plainHttp).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await call('orgs:get', { id: 'missing' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
