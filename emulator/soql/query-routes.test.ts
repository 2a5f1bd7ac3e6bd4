import { describe, expect, it } from 'vitest';
import { type QueryRequest, createQueryRoutes } from './query-routes';
import { type TestOrg, createTestOrg } from './soql-test-org';

const ACCOUNTS = 4500;

function bigOrg(): TestOrg {
  const org = createTestOrg();
  for (let i = 0; i < ACCOUNTS; i++) {
    const id = `001${String(i).padStart(12, '0')}AAA`;
    org.add('Account', { Id: id, Name: `Account ${String(i).padStart(5, '0')}`, Industry: i % 2 === 0 ? 'Technology' : 'Finance', IsDeleted: i % 10 === 9 });
  }
  for (let i = 0; i < 250; i++) {
    org.add('Contact', { Id: `003${String(i).padStart(12, '0')}AAA`, LastName: `Contact ${String(i).padStart(3, '0')}`, AccountId: '001000000000000AAA' });
  }
  return org;
}

type Page = { totalSize: number; done: boolean; nextRecordsUrl?: string; records: { Id?: string }[] };

function setup(ttlMs?: number) {
  let now = new Date('2026-11-28T12:00:00Z');
  const routes = createQueryRoutes({ org: bigOrg(), now: () => now, ...(ttlMs === undefined ? {} : { locatorTtlMs: ttlMs }) });
  const get = (
    path: string,
    options: { q?: string; explain?: string; headers?: Record<string, string> } = {},
  ): { status: number; body: unknown } => {
    const match = /^\/services\/data\/v(\d+\.\d+)\/(query|queryAll)(?:\/(.+))?$/.exec(path);
    if (match === null) throw new Error(`not a query path: ${path}`);
    const search = new URLSearchParams();
    if (options.q !== undefined) search.set('q', options.q);
    if (options.explain !== undefined) search.set('explain', options.explain);
    const request: QueryRequest = {
      resource: match[2] as 'query' | 'queryAll',
      locator: match[3] ?? null,
      search,
      apiVersion: match[1] ?? '',
      headers: options.headers ?? {},
    };
    return routes.handle(request);
  };
  return { get, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

describe('createQueryRoutes', () => {
  it('pages a large result in batches of 2000 with totalSize for the whole result and the real key order', () => {
    const { get } = setup();
    const first = get('/services/data/v60.0/query', { q: 'SELECT Id FROM Account' });
    expect(first.status).toBe(200);
    const page1 = first.body as Page;
    expect(Object.keys(page1)).toEqual(['totalSize', 'done', 'nextRecordsUrl', 'records']);
    expect(page1).toMatchObject({ totalSize: 4050, done: false });
    expect(page1.records).toHaveLength(2000);
    expect(page1.nextRecordsUrl).toMatch(/^\/services\/data\/v60\.0\/query\/01g[0-9A-Za-z]{15}-2000$/);
    const page2 = get(page1.nextRecordsUrl ?? '').body as Page;
    expect(page2).toMatchObject({ totalSize: 4050, done: false });
    expect(page2.nextRecordsUrl).toMatch(/-4000$/);
    const page3 = get(page2.nextRecordsUrl ?? '').body as Page;
    expect(Object.keys(page3)).toEqual(['totalSize', 'done', 'records']);
    expect(page3.records).toHaveLength(50);
    const ids = new Set([...page1.records, ...page2.records, ...page3.records].map((record) => record.Id));
    expect(ids.size).toBe(4050);
  });

  it('answers a result that fits one page with done true and no nextRecordsUrl', () => {
    const { get } = setup();
    const body = get('/services/data/v60.0/query', { q: "SELECT Id FROM Account WHERE Name LIKE 'Account 0000%'" }).body;
    expect(Object.keys(body as object)).toEqual(['totalSize', 'done', 'records']);
    expect(body).toMatchObject({ totalSize: 9, done: true });
  });

  it.each([
    ['batchSize=1000', 1000],
    ['batchSize=50', 200],
    ['batchSize=5000', 2000],
    ['batchSize=abc', 2000],
  ])('reads Sforce-Query-Options %s as a batch of %i', (option, expected) => {
    const { get } = setup();
    const page = get('/services/data/v60.0/query', { q: 'SELECT Id FROM Account', headers: { 'sforce-query-options': option } }).body as Page;
    expect(page.records).toHaveLength(expected);
    const next = get(page.nextRecordsUrl ?? '').body as Page;
    expect(next.records).toHaveLength(expected);
  });

  it('includes deleted rows for queryAll and still points nextRecordsUrl at /query/, which both resources accept', () => {
    const { get } = setup();
    const page1 = get('/services/data/v60.0/queryAll', { q: 'SELECT Id FROM Account', headers: { 'Sforce-Query-Options': 'batchSize=2000' } })
      .body as Page;
    expect(page1.totalSize).toBe(ACCOUNTS);
    expect(page1.nextRecordsUrl).toMatch(/\/query\/01g/);
    const viaQueryAll = get((page1.nextRecordsUrl ?? '').replace('/query/', '/queryAll/')).body as Page;
    const viaQuery = get(page1.nextRecordsUrl ?? '').body as Page;
    expect(viaQueryAll.records.map((record) => record.Id)).toEqual(viaQuery.records.map((record) => record.Id));
    expect(viaQuery.records).toHaveLength(2000);
  });

  it('rejects an expired locator and an unknown one with INVALID_QUERY_LOCATOR', () => {
    const { get, advance } = setup(60_000);
    const page1 = get('/services/data/v60.0/query', { q: 'SELECT Id FROM Account' }).body as Page;
    advance(30_000);
    expect(get(page1.nextRecordsUrl ?? '').status).toBe(200);
    advance(61_000);
    expect(get(page1.nextRecordsUrl ?? '')).toEqual({
      status: 400,
      body: [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }],
    });
    expect(get('/services/data/v60.0/query/01gZZZZZZZZZZZZZZZ-2000').status).toBe(400);
    expect(get('/services/data/v60.0/query/garbage').status).toBe(400);
  });

  it('releases the least recently used locator once 50 are open', () => {
    const { get } = setup();
    const first = (get('/services/data/v60.0/query', { q: 'SELECT Id FROM Account' }).body as Page).nextRecordsUrl ?? '';
    const second = (get('/services/data/v60.0/query', { q: 'SELECT Id FROM Account' }).body as Page).nextRecordsUrl ?? '';
    for (let i = 0; i < 49; i++) {
      expect(get(second).status).toBe(200);
      get('/services/data/v60.0/query', { q: 'SELECT Id FROM Account' });
    }
    expect(get(first).status).toBe(400);
    expect(get(second).status).toBe(200);
  });

  it('answers a missing q and bad SOQL with a JSON array of errors', () => {
    const { get } = setup();
    expect(get('/services/data/v60.0/query')).toEqual({
      status: 400,
      body: [{ message: 'A query string has to be specified', errorCode: 'MALFORMED_QUERY' }],
    });
    expect(get('/services/data/v51.0/query', { q: 'SELEKT Name FROM Account' })).toEqual({
      status: 400,
      body: [{ message: 'unexpected token: SELEKT', errorCode: 'MALFORMED_QUERY' }],
    });
  });

  it('moves child rows beyond the first 200 behind a nextRecordsUrl the locator resource serves', () => {
    const { get } = setup();
    const page = get('/services/data/v60.0/query', {
      q: "SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account WHERE Id = '001000000000000AAA'",
    }).body as { records: { Contacts: Page }[] };
    const contacts = page.records[0]?.Contacts;
    expect(contacts).toMatchObject({ totalSize: 250, done: false });
    expect(Object.keys(contacts ?? {})).toEqual(['totalSize', 'done', 'nextRecordsUrl', 'records']);
    expect(contacts?.records).toHaveLength(200);
    expect(contacts?.nextRecordsUrl).toMatch(/^\/services\/data\/v60\.0\/query\/01g[0-9A-Za-z]{15}-200$/);
    const rest = get(contacts?.nextRecordsUrl ?? '').body as { totalSize: number; done: boolean; records: { LastName: string }[] };
    expect(rest).toMatchObject({ totalSize: 250, done: true });
    expect(rest.records.map((record) => record.LastName)).toEqual(Array.from({ length: 50 }, (_, i) => `Contact ${200 + i}`));
  });

  it('counts inline child rows toward the batch, so parents with subqueries page sooner', () => {
    const { get } = setup();
    const soql = "SELECT Id, (SELECT Id FROM Contacts) FROM Account WHERE Name LIKE 'Account 000%' ORDER BY Name";
    const page = get('/services/data/v60.0/query', { q: soql, headers: { 'Sforce-Query-Options': 'batchSize=200' } }).body as Page;
    // The first account carries 200 contacts inline: it fills the batch on its own.
    expect(page).toMatchObject({ totalSize: 90, done: false });
    expect(page.records).toHaveLength(1);
    expect(page.nextRecordsUrl).toMatch(/-1$/);
    const next = get(page.nextRecordsUrl ?? '').body as Page;
    expect(next).toMatchObject({ totalSize: 90, done: true });
    expect(next.records).toHaveLength(89);
  });

  it('explains a filter on Name as an Index plan and an unindexed filter as a TableScan with a note', () => {
    const { get } = setup();
    const indexed = get('/services/data/v60.0/query', { explain: "SELECT Id FROM Account WHERE Name = 'Account 00001'" });
    expect(indexed.status).toBe(200);
    expect(indexed.body).toMatchObject({
      plans: [
        { cardinality: 1, fields: ['Name'], leadingOperationType: 'Index', sobjectCardinality: 4050, sobjectType: 'Account' },
        { leadingOperationType: 'TableScan' },
      ],
      sourceQuery: "SELECT Id FROM Account WHERE Name = 'Account 00001'",
    });
    const scan = get('/services/data/v60.0/query', { explain: "SELECT Id FROM Account WHERE Industry = 'Finance'" }).body as {
      plans: { leadingOperationType: string; notes: { fields: string[] }[]; cardinality: number }[];
    };
    expect(scan.plans).toHaveLength(1);
    expect(scan.plans[0]).toMatchObject({ leadingOperationType: 'TableScan', cardinality: 1800, notes: [{ fields: ['Industry'] }] });
  });

  it('explains bad SOQL with the same error a query gets', () => {
    const { get } = setup();
    const response = get('/services/data/v60.0/query', { explain: 'SELECT Nope FROM Account' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject([{ errorCode: 'INVALID_FIELD' }]);
  });
});
