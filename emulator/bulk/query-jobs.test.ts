import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BulkTestOrg, startBulkTestOrg } from './bulk-test-org';

let org: BulkTestOrg;
let accountId = '';

beforeAll(async () => {
  org = await startBulkTestOrg();
  const admin = org.adminId;
  accountId = org.store.newId('Account');
  const stamp = '2024-01-01T00:00:00.000+0000';
  const base = { IsDeleted: false, CreatedDate: stamp, LastModifiedDate: stamp, SystemModstamp: stamp, CreatedById: admin, LastModifiedById: admin, OwnerId: admin };
  org.store.insert('Account', { ...base, Id: accountId, Name: 'Quote "Co", Ltd', External_Id__c: 'Q-1' }, { origin: 'test', userId: admin });
  for (let i = 0; i < 7; i += 1) {
    const id = org.store.newId('Contact');
    org.store.insert('Contact', { ...base, Id: id, LastName: `Q${i}`, FirstName: null, Name: `Q${i}`, AccountId: i < 3 ? accountId : null, HasOptedOutOfEmail: i === 0 }, { origin: 'test', userId: admin });
  }
});

afterAll(async () => {
  await org.close();
});

type Json = Record<string, unknown>;

async function call(method: string, path: string, body?: unknown, version?: string): Promise<Response> {
  const init: RequestInit = { method, headers: { 'Content-Type': 'application/json; charset=UTF-8' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  return fetch(`${org.base(version)}${path}`, init);
}

async function queryJob(query: string, extra: Json = {}): Promise<Json> {
  const res = await call('POST', '/jobs/query', { operation: 'query', query, ...extra });
  expect(res.status).toBe(200);
  const job = (await res.json()) as Json;
  await org.bulk.idle();
  return job;
}

describe('query jobs', () => {
  it('creates a job already in UploadComplete that runs to JobComplete with the V2Query info shape', async () => {
    const res = await call('POST', '/jobs/query', { operation: 'query', query: 'SELECT Id FROM Contact' });
    expect(res.status).toBe(200);
    const job = (await res.json()) as Json;
    expect(Object.keys(job)).toEqual(['id', 'operation', 'object', 'createdById', 'createdDate', 'systemModstamp', 'state', 'concurrencyMode', 'contentType', 'apiVersion', 'lineEnding', 'columnDelimiter']);
    expect(job).toMatchObject({ operation: 'query', object: 'Contact', state: 'UploadComplete', apiVersion: 62 });
    await org.bulk.idle();
    const info = (await (await call('GET', `/jobs/query/${String(job.id)}`)).json()) as Json;
    expect(info).toMatchObject({ state: 'JobComplete', jobType: 'V2Query', numberRecordsProcessed: 7, retries: 0 });
    expect(info).not.toHaveProperty('numberRecordsFailed');
    expect(info).not.toHaveProperty('contentUrl');
  });

  it('quotes every cell, writes parent fields as dotted columns and nulls as ""', async () => {
    const job = await queryJob("SELECT Id, LastName, Account.Name, HasOptedOutOfEmail FROM Contact WHERE LastName IN ('Q0','Q5') ORDER BY LastName");
    const res = await call('GET', `/jobs/query/${String(job.id)}/results`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv');
    expect(res.headers.get('sforce-numberofrecords')).toBe('2');
    expect(res.headers.get('sforce-locator')).toBe('null');
    const rows = [...org.store.rows('Contact', { includeDeleted: false })];
    const q0 = rows.find((r) => r.LastName === 'Q0')?.Id as string;
    const q5 = rows.find((r) => r.LastName === 'Q5')?.Id as string;
    expect(await res.text()).toBe(`"Id","LastName","Account.Name","HasOptedOutOfEmail"\n"${q0}","Q0","Quote ""Co"", Ltd","true"\n"${q5}","Q5","","false"\n`);
  });

  it('pages with maxRecords and locator until Sforce-Locator is the string null', async () => {
    const job = await queryJob('SELECT Id FROM Contact');
    const seen: string[] = [];
    let locator: string | null = null;
    let pages = 0;
    do {
      const qs: string = locator === null ? '?maxRecords=3' : `?maxRecords=3&locator=${locator}`;
      const res = await call('GET', `/jobs/query/${String(job.id)}/results${qs}`);
      const lines = (await res.text()).trim().split('\n');
      expect(lines[0]).toBe('"Id"');
      expect(res.headers.get('sforce-numberofrecords')).toBe(String(lines.length - 1));
      seen.push(...lines.slice(1));
      locator = res.headers.get('sforce-locator');
      pages += 1;
    } while (locator !== 'null');
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
  });

  it('uses the job delimiter and line ending, and answers an empty result with the header and a newline', async () => {
    const job = await queryJob('SELECT Id, LastName FROM Contact WHERE LastName = \'Q1\'', { columnDelimiter: 'PIPE', lineEnding: 'CRLF' });
    const body = await (await call('GET', `/jobs/query/${String(job.id)}/results`)).text();
    expect(body).toMatch(/^"Id"\|"LastName"\r\n"003\w{15}"\|"Q1"\r\n$/);
    const empty = await queryJob("SELECT Id FROM Contact WHERE LastName = 'nobody'");
    const res = await call('GET', `/jobs/query/${String(empty.id)}/results`);
    expect(res.headers.get('sforce-numberofrecords')).toBe('0');
    expect(await res.text()).toBe('"Id"\n');
  });

  it('compresses results when asked with Accept-Encoding: gzip', async () => {
    const job = await queryJob('SELECT Id FROM Contact');
    const url = new URL(`${org.base()}/jobs/query/${String(job.id)}/results`);
    const { headers, body } = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      const req = request(url, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(body).toString('utf8').split('\n')).toHaveLength(9);
  });

  it('answers 409 when results are asked with another API version than the job was created with', async () => {
    const job = await queryJob('SELECT Id FROM Contact');
    const res = await call('GET', `/jobs/query/${String(job.id)}/results`, undefined, '61.0');
    expect(res.status).toBe(409);
  });

  it.each([
    ['SELECT Id, (SELECT Id FROM Contacts) FROM Account', 'Aggregate Relationships not supported in Bulk Query'],
    ['SELECT AccountId, COUNT(Id) FROM Contact GROUP BY AccountId', 'Aggregate queries are not supported in Bulk Query'],
    ['SELECT COUNT() FROM Contact', 'Aggregate queries are not supported in Bulk Query'],
    ['SELECT Id FROM Contact GROUP BY Id', 'GROUP BY not supported in Bulk Query'],
    ['SELECT Id FROM Contact LIMIT 5 OFFSET 2', 'OFFSET not supported in Bulk Query'],
  ])('refuses %s with a 400', async (query, message) => {
    const res = await call('POST', '/jobs/query', { operation: 'query', query });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual([{ errorCode: 'API_ERROR', message }]);
  });

  it('refuses SOQL the org cannot read with the REST error code', async () => {
    const res = await call('POST', '/jobs/query', { operation: 'query', query: 'SELECT Nope__c FROM Contact' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json[])[0]?.errorCode).toBe('INVALID_FIELD');
  });

  it('sees deleted rows only with queryAll', async () => {
    const admin = org.adminId;
    const id = org.store.newId('Contact');
    org.store.insert('Contact', { Id: id, IsDeleted: true, LastName: 'Gone', Name: 'Gone', OwnerId: admin }, { origin: 'test', userId: admin });
    const plain = await queryJob("SELECT Id FROM Contact WHERE LastName = 'Gone'");
    const all = await queryJob("SELECT Id FROM Contact WHERE LastName = 'Gone'", { operation: 'queryAll' });
    expect(((await (await call('GET', `/jobs/query/${String(plain.id)}`)).json()) as Json).numberRecordsProcessed).toBe(0);
    expect(((await (await call('GET', `/jobs/query/${String(all.id)}`)).json()) as Json).numberRecordsProcessed).toBe(1);
  });

  it('lists, refuses to abort a completed job, and deletes one', async () => {
    const job = await queryJob('SELECT Id FROM Contact');
    const list = (await (await call('GET', '/jobs/query')).json()) as { done: boolean; records: Json[] };
    expect(list.done).toBe(true);
    expect(list.records.find((r) => r.id === job.id)).toMatchObject({ jobType: 'V2Query', state: 'JobComplete' });
    const abort = await call('PATCH', `/jobs/query/${String(job.id)}`, { state: 'Aborted' });
    expect(await abort.json()).toEqual([{ errorCode: 'INVALIDJOBSTATE', message: 'Aborting already Completed Job not allowed' }]);
    expect((await call('DELETE', `/jobs/query/${String(job.id)}`)).status).toBe(204);
    expect((await call('GET', `/jobs/query/${String(job.id)}`)).status).toBe(404);
    expect((await call('GET', `/jobs/query/${String(job.id)}/results`)).status).toBe(404);
  });

  it('aborts a job that has not finished', async () => {
    org.bulk.faults.stallNextQueryJob();
    const res = await call('POST', '/jobs/query', { operation: 'query', query: 'SELECT Id FROM Contact' });
    const job = (await res.json()) as Json;
    const abort = await call('PATCH', `/jobs/query/${String(job.id)}`, { state: 'Aborted' });
    expect(abort.status).toBe(200);
    expect(((await abort.json()) as Json).state).toBe('Aborted');
    org.bulk.faults.releaseStall();
    await org.bulk.idle();
    expect(((await (await call('GET', `/jobs/query/${String(job.id)}`)).json()) as Json).state).toBe('Aborted');
  });
});

describe('parallel result pages (v58.0+)', () => {
  type ResultPages = { resultPages: { resultUrl: string }[]; nextRecordUrl: string | null; done: boolean };
  const get = async (path: string): Promise<Response> => fetch(`${org.url}${path}`);

  it('lists up to five result URIs a set and the next set, whose pages fetched concurrently hold every row once', async () => {
    const job = await queryJob('SELECT Id, LastName FROM Contact', {});
    const first = await call('GET', `/jobs/query/${String(job.id)}/resultPages?maxRecords=1`);
    expect(first.status).toBe(200);
    const set1 = (await first.json()) as ResultPages;
    expect(set1.resultPages).toHaveLength(5);
    expect(set1.done).toBe(false);
    expect(set1.resultPages[0]?.resultUrl).toMatch(new RegExp(`^/services/data/v62\\.0/jobs/query/${String(job.id)}/results\\?locator=`));
    expect(set1.nextRecordUrl).toMatch(/\/resultPages\?locator=/);
    const set2 = (await (await get(set1.nextRecordUrl ?? '')).json()) as ResultPages;
    expect(set2).toMatchObject({ done: true, nextRecordUrl: null });
    expect(set2.resultPages).toHaveLength(2);
    const bodies = await Promise.all([...set1.resultPages, ...set2.resultPages].map(async (p) => (await get(p.resultUrl)).text()));
    const rows = bodies.flatMap((body) => body.trim().split('\n').slice(1));
    const sequential = (await (await call('GET', `/jobs/query/${String(job.id)}/results`)).text()).trim().split('\n').slice(1);
    expect(rows).toEqual(sequential);
    expect(bodies.every((body) => body.startsWith('"Id","LastName"\n'))).toBe(true);
  });

  it('answers one set with one page for a small result at the default page size', async () => {
    const job = await queryJob('SELECT Id FROM Contact');
    const set = (await (await call('GET', `/jobs/query/${String(job.id)}/resultPages`)).json()) as ResultPages;
    expect(set).toMatchObject({ done: true, nextRecordUrl: null });
    expect(set.resultPages).toHaveLength(1);
    expect((await (await get(set.resultPages[0]?.resultUrl ?? '')).text()).trim().split('\n')).toHaveLength(8);
  });

  it('does not exist before v58.0, and needs the version that created the job', async () => {
    const old = await queryJob('SELECT Id FROM Contact');
    expect((await call('GET', `/jobs/query/${String(old.id)}/resultPages`, undefined, '57.0')).status).toBe(404);
    const res = await call('POST', '/jobs/query', { operation: 'query', query: 'SELECT Id FROM Contact' }, '59.0');
    const job = (await res.json()) as Json;
    await org.bulk.idle();
    expect((await call('GET', `/jobs/query/${String(job.id)}/resultPages`, undefined, '60.0')).status).toBe(409);
    expect((await call('GET', `/jobs/query/${String(job.id)}/resultPages`, undefined, '59.0')).status).toBe(200);
  });

  it('refuses result pages before the job is JobComplete', async () => {
    org.bulk.faults.stallNextQueryJob();
    const job = (await (await call('POST', '/jobs/query', { operation: 'query', query: 'SELECT Id FROM Contact' })).json()) as Json;
    const res = await call('GET', `/jobs/query/${String(job.id)}/resultPages`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json[])[0]).toMatchObject({ errorCode: 'INVALIDJOBSTATE' });
    org.bulk.faults.releaseStall();
    await org.bulk.idle();
  });
});
