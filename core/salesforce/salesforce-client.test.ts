import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminCall } from '../test-support/local-org';
import { useLocalOrg } from '../test-support/local-org-fixture';
import { createSystemClock } from './clock';
import { createRestApi, newestApiVersion } from './rest';
import { createSalesforceClient, type SalesforceClient } from './salesforce-client';
import { createCountingTransport, createFetchTransport } from './http-transport';
import type { SalesforceSession, SessionAccess } from './salesforce-session';
import { toAppError } from '../errors';
import { matching } from '../test-support/matchers';

const local = useLocalOrg();
let client: SalesforceClient;

beforeEach(async () => {
  client = createSalesforceClient({ session: local.login.session, transport: local.login.transport, clock: createSystemClock(), retry: { attempts: 3, baseDelayMs: 5 } });
});

const { fault } = local;

describe('the Salesforce client against the local org', () => {
  it('re-logs in once for 10 parallel requests whose session expired, and every request succeeds', async () => {
    const version = await newestApiVersion(client);
    await client.json('GET', `/services/data/v${version}/limits`);
    expect(local.login.transport.count('/services/oauth2/token')).toBe(1);
    const before = (await local.login.session.access()).accessToken;

    expect((await adminCall(local.org.url, 'sessions', 'DELETE')).status).toBe(204);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => client.json<{ totalSize: number }>('GET', `/services/data/v${version}/query`, { query: { q: 'SELECT Id FROM Account LIMIT 1' } })),
    );

    expect(results.every((r) => r.totalSize >= 1)).toBe(true);
    expect(local.login.transport.count('/services/oauth2/token')).toBe(2);
    expect((await local.login.session.access()).accessToken).not.toBe(before);
  });

  it('re-signs only once: a second INVALID_SESSION_ID in a row becomes an AUTH error', async () => {
    const version = await newestApiVersion(client);
    await fault({ kind: 'error', status: 401, path: '/services/data/*/limits', times: 2, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] });
    await expect(client.json('GET', `/services/data/v${version}/limits`)).rejects.toMatchObject({ code: 'AUTH', errorCode: 'INVALID_SESSION_ID' });
    expect(local.login.transport.count('/services/oauth2/token')).toBe(2);
    expect(local.login.transport.count('/limits')).toBe(2);
  });

  it('keeps the latest Sforce-Limit-Info usage', async () => {
    expect(client.apiUsage()).toBeNull();
    const version = await newestApiVersion(client);
    await client.json('GET', `/services/data/v${version}/sobjects`);
    const first = client.apiUsage();
    await client.json('GET', `/services/data/v${version}/sobjects`);
    expect(first?.max).toBe(100_000);
    expect(client.apiUsage()?.used).toBe((first?.used ?? 0) + 1);
  });

  it('retries an idempotent GET through 503s with back-off', async () => {
    const version = await newestApiVersion(client);
    await fault({ kind: 'error', status: 503, path: '/services/data/*/limits', times: 2 });
    const limits = await client.json<Record<string, unknown>>('GET', `/services/data/v${version}/limits`);
    expect(limits).toHaveProperty('DailyApiRequests');
    expect(local.login.transport.count('/limits')).toBe(3);
  });

  it('retries a GET whose connection was dropped', async () => {
    const version = await newestApiVersion(client);
    await fault({ kind: 'reset', path: '/services/data/*/sobjects', times: 1 });
    await expect(client.json('GET', `/services/data/v${version}/sobjects`)).resolves.toHaveProperty('sobjects');
    expect(local.login.transport.count('/sobjects')).toBe(2);
  });

  it('gives up after the retry budget and reports the last 503', async () => {
    const version = await newestApiVersion(client);
    await fault({ kind: 'error', status: 503, path: '/services/data/*/limits', times: 5 });
    await expect(client.json('GET', `/services/data/v${version}/limits`)).rejects.toMatchObject({ code: 'SF_API', status: 503 });
    expect(local.login.transport.count('/limits')).toBe(3);
  });

  it('never retries a POST that failed with a 5xx (it may have been applied)', async () => {
    const version = await newestApiVersion(client);
    await fault({ kind: 'error', status: 503, path: '/services/data/*/sobjects/Account', method: 'POST', times: 1 });
    await expect(client.json('POST', `/services/data/v${version}/sobjects/Account`, { json: { Name: 'Once' } })).rejects.toMatchObject({ status: 503 });
    expect(local.login.transport.count('/sobjects/Account')).toBe(1);
  });

  it('maps REQUEST_LIMIT_EXCEEDED to LIMIT', async () => {
    const version = await newestApiVersion(client);
    await fault({ kind: 'api-limit', remaining: 0 });
    try {
      await expect(client.json('GET', `/services/data/v${version}/limits`)).rejects.toMatchObject({ code: 'LIMIT', errorCode: 'REQUEST_LIMIT_EXCEEDED', hint: matching(/allowance/) });
    } finally {
      await fault({ kind: 'api-limit', remaining: 100_000 });
    }
  });

  it('maps a Salesforce error array to SF_API with its code and message', async () => {
    const rest = createRestApi(client, await newestApiVersion(client));
    await expect(rest.query('SELEKT Id FROM Account')).rejects.toMatchObject({ code: 'SF_API', status: 400, errorCode: 'MALFORMED_QUERY', message: matching(/^MALFORMED_QUERY: /) });
    await expect(client.json('GET', '/services/data/v1.0/limits')).rejects.toMatchObject({ status: 404, errorCode: 'NOT_FOUND' });
  });

  it('never sends the bearer token to another origin', async () => {
    const sent = local.login.transport.total;
    await client.access();
    // The client now holds a token (one login went out), so a leak would have something to leak.
    expect(local.login.transport.count('/services/oauth2/token')).toBe(1);
    const afterLogin = local.login.transport.total;
    expect(afterLogin).toBe(sent + 1);
    await expect(client.request('GET', 'https://elsewhere.example/steal')).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(client.request('GET', '//elsewhere.example/steal')).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(local.login.transport.total).toBe(afterLogin);
    expect(local.login.transport.urls.every((url) => new URL(url).origin === new URL(local.org.url).origin)).toBe(true);
  });

  it('serves the REST helpers: versions, describe, identity, and query pages with their locator', async () => {
    const version = await newestApiVersion(client);
    expect(version).toMatch(/^\d+\.0$/);
    const rest = createRestApi(client, version);
    expect((await rest.describeGlobal()).sobjects.some((o) => o.name === 'Account')).toBe(true);
    expect((await rest.describe('Account')).fields.some((f) => f.name === 'Name')).toBe(true);
    const identity = await rest.identity();
    expect(identity.user_id).toBe((await client.access()).userId);
    const first = await rest.query('SELECT Id FROM Contact', { batchSize: 200 });
    expect(first.done).toBe(false);
    expect(first.records).toHaveLength(200);
    const second = await rest.queryMore(first.nextRecordsUrl ?? '');
    expect(second.records.length).toBeGreaterThan(0);
  });
});

describe('the Salesforce client over a server whose response body stalls', () => {
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    // Headers and the start of a JSON body at once, then nothing: what a big page looks like when the connection hangs.
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"DailyApiRequests":');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('fails with NETWORK and a hint (never "Something went wrong"), after retrying the idempotent GET', async () => {
    const access: SessionAccess = { accessToken: 'token', instanceUrl: origin, identityUrl: `${origin}/id/00D/005`, orgId: '00D', userId: '005' };
    const session: SalesforceSession = { loginUrl: origin, access: () => Promise.resolve(access), renew: () => Promise.resolve(access) };
    const transport = createCountingTransport(createFetchTransport({ headersTimeoutMs: 2_000, bodyIdleTimeoutMs: 150 }));
    const stalled = createSalesforceClient({ session, transport, clock: createSystemClock(), retry: { attempts: 2, baseDelayMs: 5 } });

    const error = await stalled.json('GET', '/services/data/v62.0/limits').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'NETWORK', message: matching(/127\.0\.0\.1.*stopped sending/) });
    expect(toAppError(error)).toMatchObject({ code: 'NETWORK', hint: matching(/connection|VPN/) });
    expect(transport.count('/limits')).toBe(2);
  });
});
