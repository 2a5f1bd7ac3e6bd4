import jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrg, type TestOrg } from './testing';

let org: TestOrg;

function connection(token = org.token): InstanceType<typeof jsforce.Connection> {
  return new jsforce.Connection({ instanceUrl: org.url, accessToken: token, version: '60.0' });
}

beforeAll(async () => {
  org = await startTestOrg({ seedSize: { accounts: 100, contacts: 4500, opportunities: 10, cases: 10, leads: 10, invoices: 10 } });
});
afterAll(async () => {
  await org.emulator.stop();
});

describe('jsforce 3.10.16 as an independent client', () => {
  it('creates, retrieves, updates and deletes a record', async () => {
    const conn = connection();
    const created = await conn.sobject('Account').create({ Name: 'jsforce Account' });
    expect(created).toMatchObject({ success: true });
    const id = (created as { id: string }).id;
    const record = (await conn.sobject('Account').retrieve(id)) as unknown as Record<string, unknown>;
    expect(record.Name).toBe('jsforce Account');
    await conn.sobject('Account').update({ Id: id, Name: 'jsforce Account 2' });
    expect(((await conn.sobject('Account').retrieve(id)) as unknown as Record<string, unknown>).Name).toBe('jsforce Account 2');
    const destroyed = await conn.sobject('Account').destroy(id);
    expect(destroyed).toMatchObject({ id, success: true });
    await expect(conn.sobject('Account').destroy(id)).rejects.toMatchObject({ errorCode: 'ENTITY_IS_DELETED' });
  });

  it('upserts by external id (created, then updated)', async () => {
    const conn = connection();
    const first = await conn.sobject('Account').upsert({ Name: 'JS Upsert', External_Id__c: 'JSF-1' }, 'External_Id__c');
    expect(first).toMatchObject({ success: true, created: true });
    const second = await conn.sobject('Account').upsert({ Name: 'JS Upsert 2', External_Id__c: 'JSF-1' }, 'External_Id__c');
    expect(second).toMatchObject({ success: true, created: false });
  });

  it('creates several records through sObject Collections and reports row errors', async () => {
    const conn = connection();
    const results = await conn.sobject('Contact').create([{ LastName: 'One' }, { FirstName: 'NoLastName' }, { LastName: 'Three' }], { allOrNone: false });
    expect(results.map((r) => r.success)).toEqual([true, false, true]);
    const failed = results[1] as { errors: { errorCode?: string; statusCode?: string }[] };
    expect(JSON.stringify(failed.errors)).toContain('REQUIRED_FIELD_MISSING');
    const ids = results.filter((r) => r.success).map((r) => (r as { id: string }).id);
    const fetched = await conn.sobject('Contact').retrieve(ids);
    expect(fetched.map((r) => (r as unknown as { LastName: string }).LastName)).toEqual(['One', 'Three']);
  });

  it('fetches every page of a query with autoFetch', async () => {
    const conn = connection();
    const total = org.emulator.org.store.count('Contact');
    const records: unknown[] = [];
    const result = await new Promise<{ totalSize: number }>((resolve, reject) => {
      const query = conn.query('SELECT Id, Name, Account.Name FROM Contact');
      query.on('record', (record: unknown) => records.push(record));
      query.on('end', () => resolve({ totalSize: query.totalSize }));
      query.on('error', reject);
      void query.run({ autoFetch: true, maxFetch: 100_000 });
    });
    expect(total).toBeGreaterThan(2000);
    expect(result.totalSize).toBe(total);
    expect(records).toHaveLength(total);
    expect(new Set(records.map((r) => (r as { Id: string }).Id)).size).toBe(total);
  });

  it('gets a 401 INVALID_SESSION_ID once the session expired', async () => {
    const session = org.emulator.admin.createSession('integration@orgdesk.example').access_token;
    const conn = connection(session);
    await expect(conn.sobject('Account').describe()).resolves.toMatchObject({ name: 'Account' });
    org.emulator.admin.expireSessions();
    await expect(conn.sobject('Account').retrieve('001Dn0000000000AAA')).rejects.toMatchObject({ errorCode: 'INVALID_SESSION_ID' });
    org.token = org.emulator.admin.createSession('admin@orgdesk.example').access_token;
  });
});
