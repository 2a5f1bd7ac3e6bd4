import jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrg, type TestOrg } from '../testing';

/** jsforce 3.10.16's Bulk 2.0 client against the whole emulator (OAuth session, router, limits), as an independent client. */
let org: TestOrg;

function connection(): InstanceType<typeof jsforce.Connection> {
  return new jsforce.Connection({ instanceUrl: org.url, accessToken: org.token, version: '62.0' });
}

const polling = { pollInterval: 50, pollTimeout: 120_000 };

beforeAll(async () => {
  org = await startTestOrg({ bulkQueryPageSize: 20_000 });
});

afterAll(async () => {
  await org.emulator.stop();
});

describe('jsforce bulk2 against the emulator', () => {
  it('inserts 50,000 Contacts with loadAndWaitForResults, every row ending in exactly one result file', async () => {
    const conn = connection();
    const lines = ['LastName,FirstName,Email,Birthdate'];
    for (let i = 0; i < 50_000; i += 1) {
      const lastName = i % 1000 === 7 ? '' : `Bulk ${i}`;
      const birthdate = i % 2500 === 11 ? '31/12/1990' : '1990-12-31';
      lines.push(`${lastName},"Jo, ""J""",bulk${i}@example.com,${birthdate}`);
    }
    const before = (await conn.query('SELECT COUNT() FROM Contact')).totalSize;
    const results = await conn.bulk2.loadAndWaitForResults({ object: 'Contact', operation: 'insert', input: `${lines.join('\n')}\n`, ...polling });
    expect(results.failedResults).toHaveLength(50 + 20);
    expect(results.successfulResults).toHaveLength(50_000 - 70);
    expect(results.unprocessedRecords).toHaveLength(0);
    const failed = results.failedResults as unknown as Record<string, string>[];
    const missing = failed.find((r) => r.LastName === '');
    expect(missing?.sf__Error).toBe('REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --');
    const badDate = failed.find((r) => r.Birthdate === '31/12/1990');
    expect(badDate?.sf__Error).toBe("INVALID_FIELD:Failed to deserialize field at col 3. Due to, '31/12/1990' is not a valid value for the type xsd:date:Birthdate --");
    const first = results.successfulResults[0];
    expect(first).toMatchObject({ sf__Created: 'true', LastName: 'Bulk 0', FirstName: 'Jo, "J"' });
    expect(String(first?.sf__Id)).toMatch(/^003\w{15}$/);
    expect((await conn.query('SELECT COUNT() FROM Contact')).totalSize).toBe(before + 50_000 - 70);
  });

  it('upserts Contacts with an Account.External_Id__c relationship column, creating then updating', async () => {
    const conn = connection();
    const parent = await conn.sobject('Account').create({ Name: 'Bulk Parent', External_Id__c: 'BULK-PARENT' });
    const parentId = (parent as { id: string }).id;
    const input = 'External_Id__c,LastName,Account.External_Id__c\nBULK-C1,Child One,BULK-PARENT\nBULK-C2,Child Two,BULK-NOPE\n';
    const first = await conn.bulk2.loadAndWaitForResults({ object: 'Contact', operation: 'upsert', externalIdFieldName: 'External_Id__c', input, ...polling });
    expect(first.successfulResults).toHaveLength(1);
    expect(first.successfulResults[0]).toMatchObject({ sf__Created: 'true', External_Id__c: 'BULK-C1' });
    expect(first.failedResults[0]?.sf__Error).toBe('INVALID_FIELD:Foreign key external ID: BULK-NOPE not found for field External_Id__c in entity Account:--');
    const again = await conn.bulk2.loadAndWaitForResults({
      object: 'Contact',
      operation: 'upsert',
      externalIdFieldName: 'External_Id__c',
      input: 'External_Id__c,LastName,Account.External_Id__c\nBULK-C1,Child Renamed,BULK-PARENT\n',
      ...polling,
    });
    expect(again.successfulResults[0]).toMatchObject({ sf__Created: 'false', sf__Id: first.successfulResults[0]?.sf__Id });
    const child = await conn.query<{ LastName: string; AccountId: string }>("SELECT LastName, AccountId FROM Contact WHERE External_Id__c = 'BULK-C1'");
    expect(child.records[0]).toMatchObject({ LastName: 'Child Renamed', AccountId: parentId });
  });

  it('runs a job step by step (open, uploadData of records, close, poll) where a null becomes #N/A and clears a field', async () => {
    const conn = connection();
    const created = await conn.sobject('Contact').create({ LastName: 'Step', Title: 'Boss', Department: 'Sales' });
    const id = (created as { id: string }).id;
    const job = conn.bulk2.createJob({ object: 'Contact', operation: 'update' });
    const opened = await job.open();
    expect(opened).toMatchObject({ state: 'Open', object: 'Contact', operation: 'update' });
    await job.uploadData([{ Id: id, Title: 'Chief', Department: null }]);
    await job.close();
    await job.poll(50, 60_000);
    expect(await job.check()).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 1, numberRecordsFailed: 0 });
    const row = await conn.sobject('Contact').retrieve(id);
    expect(row).toMatchObject({ Title: 'Chief', Department: null });
    await job.delete();
    await expect(job.check()).rejects.toMatchObject({ errorCode: 'NOT_FOUND' });
  });

  it('aborts an open job through jsforce and refuses to abort it again', async () => {
    const conn = connection();
    const job = conn.bulk2.createJob({ object: 'Account', operation: 'insert' });
    await job.open();
    await job.abort();
    expect((await job.check()).state).toBe('Aborted');
    await expect(job.abort()).rejects.toMatchObject({ errorCode: 'INVALIDJOBSTATE', message: 'Aborting already Aborted Job not allowed' });
  });

  it('reads a query job across several locator pages, as many rows as SELECT COUNT()', async () => {
    const conn = connection();
    const expected = (await conn.query('SELECT COUNT() FROM Contact')).totalSize;
    expect(expected).toBeGreaterThan(40_000);
    const stream = await conn.bulk2.query('SELECT Id, LastName, Account.Name FROM Contact', polling);
    const rows: Record<string, string>[] = [];
    await new Promise<void>((resolve, reject) => {
      stream.on('record', (record: Record<string, string>) => rows.push(record));
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    // Every results page starts with the header row; jsforce 3.10.16 pipes all pages into one CSV parser, so the header
    // of each later page arrives as a record. Their number tells how many pages jsforce read.
    const pageHeaders = rows.filter((r) => r.Id === 'Id' && r.LastName === 'LastName' && r['Account.Name'] === 'Account.Name');
    const records = rows.filter((r) => r.Id !== 'Id');
    expect(pageHeaders.length + 1).toBe(Math.ceil(expected / 20_000));
    expect(pageHeaders.length).toBeGreaterThanOrEqual(2);
    expect(records).toHaveLength(expected);
    expect(new Set(records.map((r) => r.Id)).size).toBe(expected);
    const child = records.find((r) => r.LastName === 'Child Renamed');
    expect(child?.['Account.Name']).toBe('Bulk Parent');
  });
});
