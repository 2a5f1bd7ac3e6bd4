import { beforeEach, describe, expect, it } from 'vitest';
import { useLocalOrg } from '../test-support/local-org-fixture';
import { busyDelayMs, classifyBusy, parseRetryAfter } from './busy-retry';
import type { BusyWait } from './busy-retry';
import type { Clock } from './clock';
import { newestApiVersion } from './rest';
import { createSalesforceClient, type SalesforceClient } from './salesforce-client';

const local = useLocalOrg();
let client: SalesforceClient;
let version: string;
/** Every wait the client asked the clock for (the waits themselves are skipped: the clock is a port). */
let slept: number[];
let told: BusyWait[];

const clock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => {
    slept.push(ms);
    return Promise.resolve();
  },
};

beforeEach(async () => {
  slept = [];
  told = [];
  client = createSalesforceClient({ session: local.login.session, transport: local.login.transport, clock, retry: { attempts: 3, baseDelayMs: 5 }, busy: { retries: 4, baseDelayMs: 1000, maxDelayMs: 8000 } });
  client.onBusyWait((wait) => told.push(wait));
  version = await newestApiVersion(client);
});

const { fault } = local;

const accountsNamed = (name: string): number => [...local.org.org.store.rows('Account', { includeDeleted: false })].filter((row) => row['Name'] === name).length;

describe('busy answers against the local org', () => {
  it('sends a POST again through 429s (the org did nothing), telling each wait, and the record exists once', async () => {
    await fault({ kind: 'error', status: 429, path: '/services/data/*/sobjects/Account', method: 'POST', times: 3 });
    const created = await client.json<{ id: string }>('POST', `/services/data/v${version}/sobjects/Account`, { json: { Name: 'Busy once' } });
    expect(created.id).toMatch(/^001/);
    expect(accountsNamed('Busy once')).toBe(1);
    expect(told.map((wait) => [wait.limit, wait.retry, wait.of, wait.method])).toEqual([
      ['ConcurrentPerOrgLongTxn', 1, 4, 'POST'],
      ['ConcurrentPerOrgLongTxn', 2, 4, 'POST'],
      ['ConcurrentPerOrgLongTxn', 3, 4, 'POST'],
    ]);
    // Capped exponential back-off with equal jitter: each wait lies in [step/2, step] for steps of 1, 2, 4 s.
    expect(slept.map((ms, i) => ms >= 500 * 2 ** i && ms <= 1000 * 2 ** i)).toEqual([true, true, true]);
  });

  it('honours Retry-After on a 503 and on a 403 ConcurrentPerOrgLongTxn, for a PATCH too', async () => {
    const { id } = await client.json<{ id: string }>('POST', `/services/data/v${version}/sobjects/Account`, { json: { Name: 'Patched' } });
    await fault({ kind: 'error', status: 503, path: `*/sobjects/Account/${id}`, method: 'PATCH', headers: { 'Retry-After': '7' } });
    await fault({
      kind: 'error',
      status: 403,
      path: `*/sobjects/Account/${id}`,
      method: 'PATCH',
      body: [{ message: 'ConcurrentPerOrgLongTxn Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
      headers: { 'Retry-After': '2' },
    });
    await client.request('PATCH', `/services/data/v${version}/sobjects/Account/${id}`, { json: { Name: 'Patched twice' } });
    expect(accountsNamed('Patched twice')).toBe(1);
    expect(told.map((wait) => wait.limit)).toEqual(['HTTP 503', 'ConcurrentPerOrgLongTxn']);
    expect(slept).toEqual([7000, 2000]);
  });

  it('stops after the retries with a LIMIT error naming the limit and what clears it', async () => {
    await fault({ kind: 'error', status: 429, path: '*/limits', times: 20 });
    await expect(client.json('GET', `/services/data/v${version}/limits`)).rejects.toMatchObject({
      code: 'LIMIT',
      status: 429,
      message: expect.stringMatching(/^The org stayed busy \(ConcurrentPerOrgLongTxn\) through 4 retries over \d+ s\.$/),
      hint: expect.stringMatching(/clears as they finish/),
    });
    expect(told).toHaveLength(4);
    expect(local.login.transport.count('/limits')).toBe(5);
  });

  it('stops at once when the org asks to wait longer than five minutes', async () => {
    await fault({ kind: 'error', status: 429, path: '*/limits', headers: { 'Retry-After': '600' } });
    await expect(client.json('GET', `/services/data/v${version}/limits`)).rejects.toMatchObject({ code: 'LIMIT', message: expect.stringMatching(/asks to wait 10 min/) });
    expect(told).toEqual([]);
  });

  it('never waits out the daily allowance (TotalRequests): LIMIT at once, saying how it clears', async () => {
    await fault({ kind: 'api-limit', remaining: 0 });
    try {
      await expect(client.json('GET', `/services/data/v${version}/limits`)).rejects.toMatchObject({ code: 'LIMIT', errorCode: 'REQUEST_LIMIT_EXCEEDED', hint: expect.stringMatching(/rolling 24-hour window/) });
      expect(told).toEqual([]);
    } finally {
      await fault({ kind: 'api-limit', remaining: 100_000 });
    }
  });

  it('still fails a POST on a 503 without Retry-After (the org may have acted)', async () => {
    await fault({ kind: 'error', status: 503, path: '/services/data/*/sobjects/Account', method: 'POST' });
    await expect(client.json('POST', `/services/data/v${version}/sobjects/Account`, { json: { Name: 'Maybe' } })).rejects.toMatchObject({ code: 'SF_API', status: 503 });
    expect(told).toEqual([]);
  });
});

describe('the busy policy', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('8', now)).toBe(8000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('caps the back-off and tells busy from daily from other answers', () => {
    const policy = { retries: 6, baseDelayMs: 1000, maxDelayMs: 30_000 };
    expect([1, 2, 6, 9].map((retry) => busyDelayMs(policy, retry, null, () => 1))).toEqual([1000, 2000, 30_000, 30_000]);
    expect(busyDelayMs(policy, 6, null, () => 0)).toBe(15_000);
    expect(busyDelayMs(policy, 1, 4000)).toBe(4000);
    const limit = (message: string): { errorCode: string; message: string }[] => [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message }];
    expect(classifyBusy(403, limit('TotalRequests Limit exceeded.'), null)).toEqual({ kind: 'daily', limit: 'TotalRequests' });
    expect(classifyBusy(403, limit('ConcurrentPerOrgLongTxn Limit exceeded.'), null)).toMatchObject({ kind: 'wait', limit: 'ConcurrentPerOrgLongTxn' });
    expect(classifyBusy(429, [], null)).toMatchObject({ kind: 'wait', limit: 'HTTP 429' });
    expect(classifyBusy(503, [], null)).toBeNull();
    expect(classifyBusy(500, [], 5000)).toBeNull();
  });
});
