import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { QueryProgress } from '../../shared/ipc/domains/query';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { ServiceError } from '../errors';
import { createFetchTransport, createSystemClock, type HttpTransport } from '../salesforce';
import { createQueryService, type QueryServiceOptions } from './query-service';
import { createEmulatorConnections, emulatorAdmin } from '../test-support/emulator-connections';

const ADMIN = 'admin@orgdesk.example';
const API = '/services/data/v62.0';

let emulator: RunningEmulator;
let skewMs = 0;
let dir: string;

beforeAll(async () => {
  // The emulator's clock can jump ahead so a query locator really expires (locators live 15 minutes after last use).
  emulator = await startEmulator({ port: 0, now: () => new Date(Date.now() + skewMs) });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  skewMs = 0;
  emulator.admin.reset();
  dir = mkdtempSync(join(tmpdir(), 'orgdesk-query-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function setup(overrides: Partial<QueryServiceOptions> = {}, connection: { apiVersion?: string; transport?: HttpTransport } = {}) {
  const connections = createEmulatorConnections({ url: emulator.url, username: ADMIN, ...connection });
  const events: QueryProgress[] = [];
  const listeners: ((progress: QueryProgress) => void)[] = [];
  const exported: string[] = [];
  const service = createQueryService({
    connections,
    emit: (progress) => {
      events.push(progress);
      for (const listener of listeners) listener(progress);
    },
    clock: createSystemClock(),
    resultsDir: join(dir, 'results'),
    picker: {
      pickSavePath: ({ suggestedName }) => {
        const path = join(dir, suggestedName);
        exported.push(path);
        return Promise.resolve(path);
      },
    },
    bulkPoll: { initialMs: 20, maxMs: 100 },
    ...overrides,
  });
  return { service, connections, events, exported, onProgress: (listener: (progress: QueryProgress) => void) => listeners.push(listener) };
}

function readCsv(path: string): string[][] {
  const rows: unknown = parse(readFileSync(path, 'utf8'));
  return rows as string[][];
}

async function count(soql: string): Promise<number> {
  const { connection } = createEmulatorConnections({ url: emulator.url, username: ADMIN });
  const page = await connection.client.json<{ totalSize: number }>('GET', `${API}/queryAll`, { query: { q: soql } });
  return page.totalSize;
}

describe('query service over REST', () => {
  it('fetches every page with the exact row count, reporting progress with columns in SELECT order', async () => {
    const { service, events } = setup({ batchSize: 200 });
    const expected = await count('SELECT COUNT() FROM Contact WHERE IsDeleted = false');
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id, LastName, Account.Name, Email FROM Contact', includeDeleted: false, mode: 'auto' });
    const final = await service.settled(runId);
    expect(final).toMatchObject({ state: 'done', source: 'rest', fetched: expected, totalSize: expected });
    expect(final.columns).toEqual([
      { path: 'Id', kind: 'field' },
      { path: 'LastName', kind: 'field' },
      { path: 'Account.Name', kind: 'field' },
      { path: 'Email', kind: 'field' },
    ]);
    // One progress event per page of 200 but the last (the final event reports that one): fetched 200, 400, ...
    const running = events.filter((e) => e.state === 'running');
    const pages = Math.ceil(expected / 200);
    expect(pages).toBeGreaterThan(2);
    expect(running.map((e) => e.fetched)).toEqual(Array.from({ length: pages - 1 }, (_, i) => (i + 1) * 200));
    const window = await service.rows({ runId, offset: 0, limit: 5000, sort: [], filter: '' });
    expect(window.matched).toBe(expected);
    expect(new Set(window.rows.map((r) => r[0])).size).toBe(expected);
  });

  it('includes a deleted row with queryAll and leaves it out with query', async () => {
    const { service, connections } = setup();
    const victim = await connections.connection.client.json<{ records: { Id: string }[] }>('GET', `${API}/query`, { query: { q: 'SELECT Id FROM Contact LIMIT 1' } });
    const id = victim.records[0]?.Id ?? '';
    await connections.connection.client.request('DELETE', `${API}/sobjects/Contact/${id}`);
    const soql = `SELECT Id, IsDeleted FROM Contact WHERE Id = '${id}'`;
    const withDeleted = service.run({ orgId: 'org', soql, includeDeleted: true, mode: 'rest' });
    const without = service.run({ orgId: 'org', soql, includeDeleted: false, mode: 'rest' });
    expect((await service.settled(withDeleted.runId)).fetched).toBe(1);
    expect((await service.rows({ runId: withDeleted.runId, offset: 0, limit: 10, sort: [], filter: '' })).rows).toEqual([[id, true]]);
    expect((await service.settled(without.runId)).fetched).toBe(0);
  });

  it('stops fetching when cancelled mid-run and keeps the rows it already has', async () => {
    const { service, onProgress } = setup({ batchSize: 200 });
    emulator.admin.addFault({ kind: 'latency', ms: 200, path: `${API}/query/*` });
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id FROM Contact', includeDeleted: false, mode: 'rest' });
    onProgress((progress) => {
      if (progress.state === 'running' && progress.fetched >= 400) service.cancel(runId);
    });
    const final = await service.settled(runId);
    expect(final.state).toBe('cancelled');
    expect(final.fetched).toBeGreaterThanOrEqual(400);
    expect(final.fetched).toBeLessThan(final.totalSize);
    expect((await service.rows({ runId, offset: 0, limit: 10, sort: [], filter: '' })).matched).toBe(final.fetched);
    expect(service.cancel(runId)).toEqual({ cancelled: false });
  });

  it('cancels a run and drops its rows when the signal of the window that started it aborts', async () => {
    const { service, onProgress } = setup({ batchSize: 200 });
    emulator.admin.addFault({ kind: 'latency', ms: 200, path: `${API}/query/*` });
    const window = new AbortController();
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id FROM Contact', includeDeleted: false, mode: 'rest' }, { signal: window.signal });
    onProgress((progress) => {
      if (progress.runId === runId && progress.state === 'running' && progress.fetched >= 200) window.abort();
    });
    const final = await service.settled(runId);
    expect(final.state).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 0));
    await expect(service.rows({ runId, offset: 0, limit: 10, sort: [], filter: '' })).rejects.toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => service.run({ orgId: 'org', soql: 'SELECT Id FROM Contact', includeDeleted: false, mode: 'rest' }, { signal: window.signal })).toThrow(
      expect.objectContaining({ code: 'CANCELLED' }),
    );
  });

  it("drops a finished run's rows when its window goes away later, and keeps runs of other windows", async () => {
    const { service } = setup();
    const closing = new AbortController();
    const staying = new AbortController();
    const soql = 'SELECT Id FROM Account LIMIT 5';
    const first = service.run({ orgId: 'org', soql, includeDeleted: false, mode: 'rest' }, { signal: closing.signal });
    const second = service.run({ orgId: 'org', soql, includeDeleted: false, mode: 'rest' }, { signal: staying.signal });
    expect((await service.settled(first.runId)).state).toBe('done');
    expect((await service.settled(second.runId)).state).toBe('done');
    closing.abort();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await expect(service.rows({ runId: first.runId, offset: 0, limit: 10, sort: [], filter: '' })).rejects.toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect((await service.rows({ runId: second.runId, offset: 0, limit: 10, sort: [], filter: '' })).matched).toBe(5);
  });

  it('fails with a clear message and hint when the query locator expired between pages', async () => {
    const { service, onProgress } = setup({ batchSize: 200 });
    onProgress((progress) => {
      if (progress.state === 'running' && progress.fetched === 200) skewMs = 16 * 60 * 1000;
    });
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id FROM Contact', includeDeleted: false, mode: 'rest' });
    const final = await service.settled(runId);
    expect(final.state).toBe('failed');
    // The second page was already asked for when the first arrived; the third finds the locator expired.
    expect(final.fetched).toBeGreaterThanOrEqual(200);
    expect(final.fetched).toBeLessThanOrEqual(400);
    expect(final.error?.message).toMatch(/query locator expired/);
    expect(final.error?.hint).toMatch(/Run the query again/);
  });

  it('logs in again after a 401 mid-fetch and goes on to the last row', async () => {
    const { service, onProgress, connections } = setup({ batchSize: 500 });
    const expected = await count('SELECT COUNT() FROM Contact WHERE IsDeleted = false');
    let expired = false;
    onProgress((progress) => {
      if (!expired && progress.state === 'running' && progress.fetched >= 1000) {
        expired = true;
        emulator.admin.addFault({ kind: 'expire-sessions' });
      }
    });
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id FROM Contact', includeDeleted: false, mode: 'rest' });
    const final = await service.settled(runId);
    expect(expired).toBe(true);
    expect(final).toMatchObject({ state: 'done', fetched: expected });
    expect(connections.logins).toBe(2);
  });

  it('places a server error at the row and column Salesforce reports', async () => {
    const { service } = setup();
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Bacon__c FROM Account LIMIT 2', includeDeleted: false, mode: 'rest' });
    const final = await service.settled(runId);
    expect(final.state).toBe('failed');
    expect(final.error).toMatchObject({ code: 'SF_API', row: 1, column: 8 });
    expect(final.error?.message).toMatch(/Bacon__c/);
    expect(final.error?.message).not.toMatch(/\^/);
  });

  it('reports a malformed query with the position Salesforce gives', async () => {
    const { service } = setup();
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id FROM Account WHERE', includeDeleted: false, mode: 'rest' });
    const final = await service.settled(runId);
    expect(final.state).toBe('failed');
    expect(final.error).toMatchObject({ code: 'SF_API', row: 1 });
    expect(final.error?.column).toBeGreaterThan(20);
    expect(final.error?.hint).toMatch(/SOQL/);
  });

  it('keeps child subquery rows and serves them for a row of the sorted view', async () => {
    const { service } = setup();
    const { runId } = service.run({
      orgId: 'org',
      soql: 'SELECT Id, Name, (SELECT Id, LastName FROM Contacts ORDER BY LastName) FROM Account ORDER BY Name LIMIT 50',
      includeDeleted: false,
      mode: 'auto',
    });
    const final = await service.settled(runId);
    expect(final.columns.map((c) => [c.path, c.kind])).toEqual([
      ['Id', 'field'],
      ['Name', 'field'],
      ['Contacts', 'children'],
    ]);
    const sort = [{ column: 'Contacts', descending: true }];
    const top = (await service.rows({ runId, offset: 0, limit: 1, sort, filter: '' })).rows[0] ?? [];
    const childCount = (top[2] as { children: number }).children;
    expect(childCount).toBeGreaterThan(0);
    const children = await service.children({ runId, rowIndex: 0, sort, filter: '', column: 'Contacts' });
    expect(children.columns).toEqual([
      { path: 'Id', kind: 'field' },
      { path: 'LastName', kind: 'field' },
    ]);
    expect(children.rows).toHaveLength(childCount);
    const expected = await count(`SELECT COUNT() FROM Contact WHERE AccountId = '${top[0] as string}' AND IsDeleted = false`);
    expect(childCount).toBe(expected);
  });

  it('follows the nextRecordsUrl of a child subquery over 200 rows so the parent carries all its children', async () => {
    const { service } = setup();
    const userId = emulator.admin.users()[0]?.id ?? '';
    const accountId = emulator.org.writer.createRecord('Account', { Name: 'Many Children Inc' }, { userId, origin: 'test' }).id;
    for (let i = 0; i < 450; i += 1) {
      emulator.org.writer.createRecord('Contact', { LastName: `Child ${i}`, AccountId: accountId }, { userId, origin: 'test' });
    }
    const { runId } = service.run({
      orgId: 'org',
      soql: `SELECT Id, (SELECT Id, LastName FROM Contacts) FROM Account WHERE Id = '${accountId}'`,
      includeDeleted: false,
      mode: 'rest',
    });
    expect(await service.settled(runId)).toMatchObject({ state: 'done', fetched: 1 });
    expect((await service.rows({ runId, offset: 0, limit: 1, sort: [], filter: '' })).rows[0]?.[1]).toEqual({ children: 450 });
    const children = await service.children({ runId, rowIndex: 0, sort: [], filter: '', column: 'Contacts' });
    expect(new Set(children.rows.map((r) => r[0])).size).toBe(450);
  });

  it('exports a run as CSV that reads back to the same rows, with child rows keyed by parent Id', async () => {
    const { service } = setup();
    const { runId } = service.run({
      orgId: 'org',
      soql: 'SELECT Id, Name, Description, Owner.Name, (SELECT LastName FROM Contacts) FROM Account LIMIT 120',
      includeDeleted: false,
      mode: 'rest',
    });
    await service.settled(runId);
    const outcome = await service.exportRun(runId, 'csv');
    expect(outcome.rows).toBe(120);
    expect(outcome.files).toHaveLength(2);
    const parent = readCsv(outcome.files[0] ?? '');
    const window = await service.rows({ runId, offset: 0, limit: 200, sort: [], filter: '' });
    expect(parent[0]).toEqual(['Id', 'Name', 'Description', 'Owner.Name']);
    expect(parent.slice(1)).toEqual(window.rows.map((r) => r.slice(0, 4).map((c) => (c === null ? '' : String(c as string | number | boolean)))));
    expect(parent.slice(1).some((r) => (r[2] ?? '').includes('\n'))).toBe(true);
    const children = readCsv(outcome.files[1] ?? '');
    const total = window.rows.reduce((n, r) => n + (r[4] as { children: number }).children, 0);
    expect(children[0]).toEqual(['ParentId', 'LastName']);
    expect(children).toHaveLength(total + 1);
  });

  it('answers an export into a folder that cannot be written with a FILE error naming the file', async () => {
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const target = join(blocker, 'accounts.csv');
    const { service } = setup({ picker: { pickSavePath: () => Promise.resolve(target) } });
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id, Name FROM Account LIMIT 5', includeDeleted: false, mode: 'rest' });
    await service.settled(runId);
    await expect(service.exportRun(runId, 'csv')).rejects.toMatchObject({ code: 'FILE', message: expect.stringContaining(target) as unknown });
    await expect(service.exportRun(runId, 'json')).rejects.toMatchObject({ code: 'FILE' });
  });
});

describe('query service over Bulk API 2.0', () => {
  it('runs a Bulk query job on request into a SQLite file of its own, one copy of the rows, removed with the run', async () => {
    const { service } = setup();
    const expected = await count('SELECT COUNT() FROM Contact WHERE IsDeleted = false');
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id, LastName, Account.Name FROM Contact', includeDeleted: false, mode: 'bulk' });
    const final = await service.settled(runId);
    expect(final).toMatchObject({ state: 'done', source: 'bulk', fetched: expected });
    expect(final.columns.map((c) => c.path)).toEqual(['Id', 'LastName', 'Account.Name']);
    // The rows live in <results>/<runId>.sqlite and nowhere else: no CSV beside it.
    expect(readdirSync(join(dir, 'results'))).toEqual([`${runId}.sqlite`]);
    const all = await service.rows({ runId, offset: 0, limit: expected, sort: [], filter: '' });
    expect(new Set(all.rows.map((r) => r[0])).size).toBe(expected);
    const sorted = await service.rows({ runId, offset: 0, limit: 3, sort: [{ column: 'LastName', descending: false }], filter: '' });
    expect(sorted.matched).toBe(expected);
    const lastNames = all.rows.map((r) => r[1] as string).sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true }));
    expect(sorted.rows.map((r) => r[1])).toEqual(lastNames.slice(0, 3));
    const exported = await service.exportRun(runId, 'csv');
    expect(readCsv(exported.files[0] ?? '')).toHaveLength(expected + 1);
    await service.dispose();
    expect(readdirSync(join(dir, 'results'))).toEqual([]);
  });

  /** A fetch transport that counts requests by path and the most Bulk result pages in flight at once. */
  function watchedTransport() {
    const inner = createFetchTransport();
    const seen = { paths: [] as string[], inFlight: 0, mostInFlight: 0 };
    const transport: HttpTransport = {
      async fetch(url, init) {
        const path = new URL(url).pathname;
        seen.paths.push(path);
        const page = path.endsWith('/results');
        if (page) seen.mostInFlight = Math.max(seen.mostInFlight, (seen.inFlight += 1));
        try {
          return await inner.fetch(url, init);
        } finally {
          if (page) seen.inFlight -= 1;
        }
      },
    };
    return { transport, seen };
  }

  it('downloads the pages /resultPages lists a few at once on v58.0+, rows in the order of the locator loop', async () => {
    const soql = 'SELECT Id, LastName FROM Contact';
    const expected = await count('SELECT COUNT() FROM Contact WHERE IsDeleted = false');
    emulator.admin.addFault({ kind: 'latency', ms: 100, path: `${API}/jobs/query/*/results` });
    const parallel = watchedTransport();
    const inTurn = setup({ bulkMaxRecordsPerPage: 300, bulkParallelPages: 1 });
    const { service } = setup({ bulkMaxRecordsPerPage: 300, bulkParallelPages: 4 }, { transport: parallel.transport });
    const a = service.run({ orgId: 'org', soql, includeDeleted: false, mode: 'bulk' });
    const b = inTurn.service.run({ orgId: 'org', soql, includeDeleted: false, mode: 'bulk' });
    expect(await service.settled(a.runId)).toMatchObject({ state: 'done', fetched: expected });
    expect(await inTurn.service.settled(b.runId)).toMatchObject({ state: 'done', fetched: expected });
    expect(parallel.seen.paths.filter((p) => p.endsWith('/resultPages')).length).toBe(Math.ceil(expected / 300 / 5));
    expect(parallel.seen.mostInFlight).toBe(4);
    const rowsA = (await service.rows({ runId: a.runId, offset: 0, limit: expected, sort: [], filter: '' })).rows;
    const rowsB = (await inTurn.service.rows({ runId: b.runId, offset: 0, limit: expected, sort: [], filter: '' })).rows;
    expect(rowsA).toEqual(rowsB);
  });

  it.each([
    ['on an API version before 58.0', '57.0', false],
    ['when the org answers /resultPages with 404', '62.0', true],
  ])('falls back to the locator loop %s', async (_when, apiVersion, refuse) => {
    const expected = await count('SELECT COUNT() FROM Contact WHERE IsDeleted = false');
    if (refuse) {
      emulator.admin.addFault({ kind: 'error', method: 'GET', path: `${API}/jobs/query/*/resultPages`, status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] });
    }
    const watched = watchedTransport();
    const { service } = setup({ bulkMaxRecordsPerPage: 500 }, { apiVersion, transport: watched.transport });
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id FROM Contact', includeDeleted: false, mode: 'bulk' });
    expect(await service.settled(runId)).toMatchObject({ state: 'done', fetched: expected });
    expect(watched.seen.paths.filter((p) => p.endsWith('/resultPages'))).toHaveLength(refuse ? 1 : 0);
    expect(watched.seen.paths.filter((p) => p.endsWith('/results'))).toHaveLength(Math.ceil(expected / 500));
    expect(watched.seen.mostInFlight).toBe(1);
    const ids = (await service.rows({ runId, offset: 0, limit: expected, sort: [], filter: '' })).rows.map((r) => r[0]);
    expect(new Set(ids).size).toBe(expected);
  });

  it('switches to Bulk in auto mode when the first page says the result is over the threshold', async () => {
    const { service } = setup({ bulkThreshold: 1000, bulkMaxRecordsPerPage: 700 });
    const expected = await count('SELECT COUNT() FROM Contact WHERE IsDeleted = false');
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id, Email FROM Contact', includeDeleted: false, mode: 'auto' });
    const final = await service.settled(runId);
    expect(final).toMatchObject({ state: 'done', source: 'bulk', fetched: expected, totalSize: expected });
  });

  it('aborts the Bulk query job in the org when the run is cancelled while the job runs', async () => {
    const { service, onProgress, connections } = setup();
    emulator.admin.addFault({ kind: 'bulk-stall-query' });
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id FROM Contact', includeDeleted: false, mode: 'bulk' });
    let polls = 0;
    onProgress((progress) => {
      if (progress.source === 'bulk' && progress.state === 'running' && ++polls === 2) service.cancel(runId);
    });
    const final = await service.settled(runId);
    emulator.admin.addFault({ kind: 'bulk-release-stall' });
    expect(final.state).toBe('cancelled');
    const jobs = await connections.connection.client.json<{ records: { id: string; state: string }[] }>('GET', `${API}/jobs/query`);
    expect(jobs.records.filter((j) => j.state === 'Aborted')).toHaveLength(1);
    expect(jobs.records.filter((j) => j.state === 'InProgress' || j.state === 'UploadComplete')).toEqual([]);
  });

  it('carries on over REST in auto mode when the Bulk job refuses the query (compound fields)', async () => {
    const { service, events } = setup({ bulkThreshold: 100, batchSize: 200 });
    const expected = await count('SELECT COUNT() FROM Account WHERE IsDeleted = false');
    // The local org has no compound fields, so its refusal of one is injected as the real org answers it.
    emulator.admin.addFault({
      kind: 'error',
      method: 'POST',
      path: `${API}/jobs/query`,
      status: 400,
      body: [{ errorCode: 'API_ERROR', message: 'Selecting compound data not supported in Bulk Query' }],
    });
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id, Name FROM Account', includeDeleted: false, mode: 'auto' });
    const final = await service.settled(runId);
    expect(final.error).toBeUndefined();
    expect(final).toMatchObject({ state: 'done', source: 'rest', fetched: expected });
    expect(final.columns.map((c) => c.path)).toEqual(['Id', 'Name']);
    expect(events.some((e) => e.source === 'bulk')).toBe(true);
  });

  it('starts the REST pages afresh after the compound refusal instead of reusing a locator that expired meanwhile', async () => {
    const { service, onProgress } = setup({ bulkThreshold: 100, batchSize: 200 });
    const expected = await count('SELECT COUNT() FROM Contact WHERE IsDeleted = false');
    emulator.admin.addFault({
      kind: 'error',
      method: 'POST',
      path: `${API}/jobs/query`,
      status: 400,
      body: [{ errorCode: 'API_ERROR', message: 'Selecting compound data not supported in Bulk Query' }],
    });
    // The Bulk attempt takes longer than a locator lives: the first REST page's nextRecordsUrl is dead by the fallback.
    onProgress((progress) => {
      if (progress.source === 'bulk') skewMs = 16 * 60 * 1000;
    });
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id, LastName FROM Contact', includeDeleted: false, mode: 'auto' });
    const final = await service.settled(runId);
    expect(final.error).toBeUndefined();
    expect(final).toMatchObject({ state: 'done', source: 'rest', fetched: expected });
    expect(new Set((await service.rows({ runId, offset: 0, limit: expected, sort: [], filter: '' })).rows.map((r) => r[0])).size).toBe(expected);
  });

  it('shows any other Bulk failure in auto mode as itself and aborts the job in the org instead of falling back', async () => {
    const { service, connections } = setup({ bulkThreshold: 100 });
    emulator.admin.addFault({ kind: 'bulk-stall-query' });
    emulator.admin.addFault({
      kind: 'error',
      method: 'GET',
      path: `${API}/jobs/query/*`,
      status: 400,
      body: [{ errorCode: 'INVALIDJOB', message: 'InvalidJob : The job is not accessible to this user' }],
    });
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id FROM Contact', includeDeleted: false, mode: 'auto' });
    const final = await service.settled(runId);
    emulator.admin.addFault({ kind: 'bulk-release-stall' });
    expect(final).toMatchObject({ state: 'failed', source: 'bulk', fetched: 0 });
    expect(final.error?.message).toMatch(/not accessible/);
    const jobs = await connections.connection.client.json<{ records: { id: string; state: string }[] }>('GET', `${API}/jobs/query`);
    expect(jobs.records.map((j) => j.state)).toEqual(['Aborted']);
  });

  it('fails a Bulk run with a FILE error naming the results folder when it cannot be written, and keeps serving others', async () => {
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const { service } = setup({ resultsDir: join(blocker, 'results') });
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id FROM Contact', includeDeleted: false, mode: 'bulk' });
    const final = await service.settled(runId);
    expect(final.state).toBe('failed');
    expect(final.error).toMatchObject({ code: 'FILE', message: expect.stringContaining(join(blocker, 'results')) as unknown });
    const rest = service.run({ orgId: 'org', soql: 'SELECT Id FROM Account LIMIT 3', includeDeleted: false, mode: 'rest' });
    expect(await service.settled(rest.runId)).toMatchObject({ state: 'done', fetched: 3 });
  });

  it('refuses a subquery in Bulk mode with a hint to use REST', async () => {
    const { service } = setup();
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id, (SELECT Id FROM Contacts) FROM Account', includeDeleted: false, mode: 'bulk' });
    const final = await service.settled(runId);
    expect(final.state).toBe('failed');
    expect(final.error).toMatchObject({ code: 'VALIDATION' });
    expect(final.error?.hint).toMatch(/REST/);
  });
});

describe('describe, explain and record links', () => {
  it('caches describes per org and API version until asked to refresh', async () => {
    const { service } = setup();
    const objects = await service.objects('org');
    expect(objects.find((o) => o.name === 'Contact')).toMatchObject({ queryable: true, keyPrefix: '003', createable: true, updateable: true, deletable: true });
    // The global describe's write flags, which the Load area filters its objects by: Organization can only be read.
    expect(objects.find((o) => o.name === 'Organization')).toMatchObject({ queryable: true, createable: false, updateable: false, deletable: false });
    const contact = await service.describe('org', 'Contact');
    expect(contact.fields.find((f) => f.name === 'AccountId')).toMatchObject({ type: 'reference', referenceTo: ['Account'], relationshipName: 'Account' });
    expect(contact.childRelationships.length).toBeGreaterThan(0);
    const restCalls = async (): Promise<number> => {
      const counters = (await emulatorAdmin(emulator.url, 'GET', 'counters')) as { total: number; byArea: Record<string, number> };
      return counters.total - (counters.byArea['admin'] ?? 0);
    };
    const before = await restCalls();
    await service.objects('org');
    await service.describe('org', 'Contact');
    expect(await restCalls()).toBe(before);
    await service.describe('org', 'Contact', true);
    expect(await restCalls()).toBe(before + 1);
  });

  it('explains a query and links a record to the org', async () => {
    const { service } = setup();
    const { plans } = await service.explain('org', "SELECT Id FROM Account WHERE Name = 'x'");
    expect(plans.length).toBeGreaterThan(0);
    expect(plans[0]).toMatchObject({ sobjectType: 'Account' });
    expect(await service.recordUrl('org', '001000000000001AAA')).toEqual({ url: `${emulator.url}/001000000000001AAA` });
  });

  it('answers NOT_FOUND for a run that is not in memory', async () => {
    const { service } = setup();
    await expect(service.rows({ runId: 'nope', offset: 0, limit: 1, sort: [], filter: '' })).rejects.toThrow(ServiceError);
  });
});

describe('query service edge cases', () => {
  it('shows SELECT COUNT() as a one-cell result holding the count', async () => {
    const { service } = setup();
    const expected = await count('SELECT COUNT() FROM Account WHERE IsDeleted = false');
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT COUNT() FROM Account', includeDeleted: false, mode: 'auto' });
    expect(await service.settled(runId)).toMatchObject({ state: 'done', fetched: 1, columns: [{ path: 'COUNT()', kind: 'aggregate' }] });
    expect((await service.rows({ runId, offset: 0, limit: 10, sort: [], filter: '' })).rows).toEqual([[expected]]);
  });

  it('takes the columns of a FIELDS() query from the records, parents flattened', async () => {
    const { service } = setup();
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT FIELDS(STANDARD), Owner.Name FROM Account LIMIT 5', includeDeleted: false, mode: 'auto' });
    const final = await service.settled(runId);
    expect(final.state).toBe('done');
    const paths = final.columns.map((c) => c.path);
    expect(paths).toEqual(expect.arrayContaining(['Id', 'Name', 'Owner.Name']));
    expect(paths).not.toContain('attributes');
    const idColumn = paths.indexOf('Id');
    const rows = (await service.rows({ runId, offset: 0, limit: 5, sort: [], filter: '' })).rows;
    expect(rows.every((r) => typeof r[idColumn] === 'string' && (r[idColumn]).startsWith('001'))).toBe(true);
  });

  it('reads aggregate rows by their expr names in SELECT order', async () => {
    const { service } = setup();
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT LeadSource, COUNT(Id) FROM Contact GROUP BY LeadSource', includeDeleted: false, mode: 'auto' });
    const final = await service.settled(runId);
    expect(final.columns).toEqual([
      { path: 'LeadSource', kind: 'field' },
      { path: 'COUNT(Id)', kind: 'aggregate' },
    ]);
    const rows = (await service.rows({ runId, offset: 0, limit: 100, sort: [], filter: '' })).rows;
    const total = rows.reduce((n, r) => n + (r[1] as number), 0);
    expect(total).toBe(await count('SELECT COUNT() FROM Contact WHERE IsDeleted = false'));
  });

  it('records every run in the history with its org, SOQL, rows and source', async () => {
    const entries: unknown[] = [];
    const { service } = setup({
      library: {
        addHistory: (entry) => entries.push(entry),
        history: () => [],
        savedList: () => [],
        save: () => ({ id: 1, name: '', soql: '', orgId: null, savedAt: '' }),
        deleteSaved: () => false,
        loadTabs: () => ({ tabs: [], activeId: null }),
        saveTabs: () => undefined,
      },
    });
    const ok = service.run({ orgId: 'org-a', soql: 'SELECT Id FROM Account LIMIT 7', includeDeleted: false, mode: 'rest' });
    const bad = service.run({ orgId: 'org-a', soql: 'SELECT Nope__c FROM Account', includeDeleted: false, mode: 'rest' });
    await service.settled(ok.runId);
    await service.settled(bad.runId);
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ orgId: 'org-a', soql: 'SELECT Id FROM Account LIMIT 7', rows: 7, source: 'rest', state: 'done' }),
        expect.objectContaining({ orgId: 'org-a', soql: 'SELECT Nope__c FROM Account', rows: 0, state: 'failed' }),
      ]),
    );
  });
});

describe('query service memory', () => {
  it('drops the oldest finished results past the row budget but keeps the newest one', async () => {
    const { service } = setup({ keepRows: 150 });
    const first = service.run({ orgId: 'org', soql: 'SELECT Id FROM Account LIMIT 100', includeDeleted: false, mode: 'rest' });
    await service.settled(first.runId);
    const second = service.run({ orgId: 'org', soql: 'SELECT Id FROM Account LIMIT 100', includeDeleted: false, mode: 'rest' });
    await service.settled(second.runId);
    await expect(service.rows({ runId: first.runId, offset: 0, limit: 1, sort: [], filter: '' })).rejects.toThrow(/no longer in memory/);
    expect((await service.rows({ runId: second.runId, offset: 0, limit: 1, sort: [], filter: '' })).matched).toBe(100);
    const third = service.run({ orgId: 'org', soql: 'SELECT Id FROM Contact', includeDeleted: false, mode: 'rest' });
    await service.settled(third.runId);
    expect((await service.rows({ runId: third.runId, offset: 0, limit: 1, sort: [], filter: '' })).matched).toBeGreaterThan(150);
  });

  it('moves a REST result past the row threshold to disk and still serves windows, sort, filter, children and export', async () => {
    const soql = 'SELECT Id, Name, NumberOfEmployees, (SELECT LastName FROM Contacts) FROM Account';
    const inMemory = setup();
    const onDisk = setup({ memoryRows: 50, batchSize: 200 });
    const a = inMemory.service.run({ orgId: 'org', soql, includeDeleted: false, mode: 'rest' });
    const b = onDisk.service.run({ orgId: 'org', soql, includeDeleted: false, mode: 'rest' });
    const [memoryFinal, diskFinal] = await Promise.all([inMemory.service.settled(a.runId), onDisk.service.settled(b.runId)]);
    expect(diskFinal).toMatchObject({ state: 'done', fetched: memoryFinal.fetched });
    expect(readdirSync(join(dir, 'results'))).toEqual([`${b.runId}.sqlite`]);
    const sort = [{ column: 'NumberOfEmployees', descending: true }, { column: 'Name', descending: false }];
    for (const args of [{ sort: [], filter: '' }, { sort, filter: '' }, { sort, filter: 'inc' }]) {
      const fromMemory = await inMemory.service.rows({ runId: a.runId, offset: 10, limit: 100, ...args });
      const fromDisk = await onDisk.service.rows({ runId: b.runId, offset: 10, limit: 100, ...args });
      expect(fromDisk.matched).toBe(fromMemory.matched);
      expect(fromDisk.rows.map((r) => r.slice(1))).toEqual(fromMemory.rows.map((r) => r.slice(1)));
    }
    const kidsMemory = await inMemory.service.children({ runId: a.runId, rowIndex: 3, sort, filter: '', column: 'Contacts' });
    const kidsDisk = await onDisk.service.children({ runId: b.runId, rowIndex: 3, sort, filter: '', column: 'Contacts' });
    expect(kidsDisk).toEqual(kidsMemory);
    const csvMemory = await inMemory.service.exportRun(a.runId, 'json');
    const csvDisk = await onDisk.service.exportRun(b.runId, 'json');
    expect(readFileSync(csvDisk.files[0] ?? '', 'utf8')).toBe(readFileSync(csvMemory.files[0] ?? '', 'utf8'));
    await onDisk.service.dispose();
    expect(readdirSync(join(dir, 'results'))).toEqual([]);
  });

  it('keeps a sorted view while rows arrive until the result doubles, then sorts once more when the run ends', async () => {
    const { service, onProgress } = setup({ batchSize: 200 });
    const expected = await count('SELECT COUNT() FROM Contact WHERE IsDeleted = false');
    const sort = [{ column: 'LastName', descending: false }];
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id, LastName FROM Contact', includeDeleted: false, mode: 'rest' });
    const seen: { fetched: number; matched: number }[] = [];
    const asked: Promise<void>[] = [];
    onProgress((progress) => {
      if (progress.runId !== runId || progress.state !== 'running' || progress.fetched === 0) return;
      asked.push(service.rows({ runId, offset: 0, limit: 1, sort, filter: '' }).then((w) => void seen.push({ fetched: progress.fetched, matched: w.matched })));
    });
    await service.settled(runId);
    await Promise.all(asked);
    // One view per doubling, not one per page: 200, 400, 800, 1600 rows...
    const builds = new Set(seen.map((s) => s.matched));
    expect(builds.size).toBeLessThanOrEqual(Math.ceil(Math.log2(expected / 200)) + 1);
    expect(seen.every((s) => s.matched <= s.fetched && s.matched * 2 > s.fetched)).toBe(true);
    expect((await service.rows({ runId, offset: 0, limit: 1, sort, filter: '' })).matched).toBe(expected);
  });
});
