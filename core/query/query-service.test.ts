import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../errors';
import { emulatorAdmin } from '../test-support/emulator-connections';
import { API } from '../test-support/emulator-fixture';
import { useQueryServiceFixture } from '../test-support/query-service-fixture';

const fixture = useQueryServiceFixture();
const { setup, readCsv, count } = fixture;

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
    fixture.emulator.admin.addFault({ kind: 'latency', ms: 200, path: `${API}/query/*` });
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
    fixture.emulator.admin.addFault({ kind: 'latency', ms: 200, path: `${API}/query/*` });
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
      if (progress.state === 'running' && progress.fetched === 200) fixture.skewClock(16 * 60 * 1000);
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
        fixture.emulator.admin.addFault({ kind: 'expire-sessions' });
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
    const userId = fixture.emulator.admin.users()[0]?.id ?? '';
    const accountId = fixture.emulator.org.writer.createRecord('Account', { Name: 'Many Children Inc' }, { userId, origin: 'test' }).id;
    for (let i = 0; i < 450; i += 1) {
      fixture.emulator.org.writer.createRecord('Contact', { LastName: `Child ${i}`, AccountId: accountId }, { userId, origin: 'test' });
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
    const blocker = join(fixture.dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const target = join(blocker, 'accounts.csv');
    const { service } = setup({ picker: { pickSavePath: () => Promise.resolve(target) } });
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id, Name FROM Account LIMIT 5', includeDeleted: false, mode: 'rest' });
    await service.settled(runId);
    await expect(service.exportRun(runId, 'csv')).rejects.toMatchObject({ code: 'FILE', message: expect.stringContaining(target) as unknown });
    await expect(service.exportRun(runId, 'json')).rejects.toMatchObject({ code: 'FILE' });
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
      const counters = (await emulatorAdmin(fixture.emulator.url, 'GET', 'counters')) as { total: number; byArea: Record<string, number> };
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
    expect(await service.recordUrl('org', '001000000000001AAA')).toEqual({ url: `${fixture.emulator.url}/001000000000001AAA` });
  });

  it('answers NOT_FOUND for a run that is not in memory', async () => {
    const { service } = setup();
    await expect(service.rows({ runId: 'nope', offset: 0, limit: 1, sort: [], filter: '' })).rejects.toThrow(ServiceError);
  });
});
