import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFetchTransport, type HttpTransport } from '../salesforce';
import { API } from '../test-support/emulator-fixture';
import { useQueryServiceFixture } from '../test-support/query-service-fixture';

const fixture = useQueryServiceFixture();
const { setup, readCsv, count } = fixture;

describe('query service over Bulk API 2.0', () => {
  it('runs a Bulk query job on request into a SQLite file of its own, one copy of the rows, removed with the run', async () => {
    const { service } = setup();
    const expected = await count('SELECT COUNT() FROM Contact WHERE IsDeleted = false');
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id, LastName, Account.Name FROM Contact', includeDeleted: false, mode: 'bulk' });
    const final = await service.settled(runId);
    expect(final).toMatchObject({ state: 'done', source: 'bulk', fetched: expected });
    expect(final.columns.map((c) => c.path)).toEqual(['Id', 'LastName', 'Account.Name']);
    // The rows live in <results>/<runId>.sqlite and nowhere else: no CSV beside it.
    expect(readdirSync(join(fixture.dir, 'results'))).toEqual([`${runId}.sqlite`]);
    const all = await service.rows({ runId, offset: 0, limit: expected, sort: [], filter: '' });
    expect(new Set(all.rows.map((r) => r[0])).size).toBe(expected);
    const sorted = await service.rows({ runId, offset: 0, limit: 3, sort: [{ column: 'LastName', descending: false }], filter: '' });
    expect(sorted.matched).toBe(expected);
    const lastNames = all.rows.map((r) => r[1] as string).sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true }));
    expect(sorted.rows.map((r) => r[1])).toEqual(lastNames.slice(0, 3));
    const exported = await service.exportRun(runId, 'csv');
    expect(readCsv(exported.files[0] ?? '')).toHaveLength(expected + 1);
    await service.dispose();
    expect(readdirSync(join(fixture.dir, 'results'))).toEqual([]);
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
    fixture.emulator.admin.addFault({ kind: 'latency', ms: 100, path: `${API}/jobs/query/*/results` });
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
      fixture.emulator.admin.addFault({ kind: 'error', method: 'GET', path: `${API}/jobs/query/*/resultPages`, status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] });
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
    fixture.emulator.admin.addFault({ kind: 'bulk-stall-query' });
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id FROM Contact', includeDeleted: false, mode: 'bulk' });
    let polls = 0;
    onProgress((progress) => {
      if (progress.source === 'bulk' && progress.state === 'running' && ++polls === 2) service.cancel(runId);
    });
    const final = await service.settled(runId);
    fixture.emulator.admin.addFault({ kind: 'bulk-release-stall' });
    expect(final.state).toBe('cancelled');
    const jobs = await connections.connection.client.json<{ records: { id: string; state: string }[] }>('GET', `${API}/jobs/query`);
    expect(jobs.records.filter((j) => j.state === 'Aborted')).toHaveLength(1);
    expect(jobs.records.filter((j) => j.state === 'InProgress' || j.state === 'UploadComplete')).toEqual([]);
  });

  it('carries on over REST in auto mode when the Bulk job refuses the query (compound fields)', async () => {
    const { service, events } = setup({ bulkThreshold: 100, batchSize: 200 });
    const expected = await count('SELECT COUNT() FROM Account WHERE IsDeleted = false');
    // The local org has no compound fields, so its refusal of one is injected as the real org answers it.
    fixture.emulator.admin.addFault({
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
    fixture.emulator.admin.addFault({
      kind: 'error',
      method: 'POST',
      path: `${API}/jobs/query`,
      status: 400,
      body: [{ errorCode: 'API_ERROR', message: 'Selecting compound data not supported in Bulk Query' }],
    });
    // The Bulk attempt takes longer than a locator lives: the first REST page's nextRecordsUrl is dead by the fallback.
    onProgress((progress) => {
      if (progress.source === 'bulk') fixture.skewClock(16 * 60 * 1000);
    });
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id, LastName FROM Contact', includeDeleted: false, mode: 'auto' });
    const final = await service.settled(runId);
    expect(final.error).toBeUndefined();
    expect(final).toMatchObject({ state: 'done', source: 'rest', fetched: expected });
    expect(new Set((await service.rows({ runId, offset: 0, limit: expected, sort: [], filter: '' })).rows.map((r) => r[0])).size).toBe(expected);
  });

  it('shows any other Bulk failure in auto mode as itself and aborts the job in the org instead of falling back', async () => {
    const { service, connections } = setup({ bulkThreshold: 100 });
    fixture.emulator.admin.addFault({ kind: 'bulk-stall-query' });
    fixture.emulator.admin.addFault({
      kind: 'error',
      method: 'GET',
      path: `${API}/jobs/query/*`,
      status: 400,
      body: [{ errorCode: 'INVALIDJOB', message: 'InvalidJob : The job is not accessible to this user' }],
    });
    const { runId } = service.run({ orgId: 'org', soql: 'SELECT Id FROM Contact', includeDeleted: false, mode: 'auto' });
    const final = await service.settled(runId);
    fixture.emulator.admin.addFault({ kind: 'bulk-release-stall' });
    expect(final).toMatchObject({ state: 'failed', source: 'bulk', fetched: 0 });
    expect(final.error?.message).toMatch(/not accessible/);
    const jobs = await connections.connection.client.json<{ records: { id: string; state: string }[] }>('GET', `${API}/jobs/query`);
    expect(jobs.records.map((j) => j.state)).toEqual(['Aborted']);
  });

  it('fails a Bulk run with a FILE error naming the results folder when it cannot be written, and keeps serving others', async () => {
    const blocker = join(fixture.dir, 'not-a-folder');
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
    expect(readdirSync(join(fixture.dir, 'results'))).toEqual([`${b.runId}.sqlite`]);
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
    expect(readdirSync(join(fixture.dir, 'results'))).toEqual([]);
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
