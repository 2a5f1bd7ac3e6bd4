import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrg, type TestOrg } from '../testing';

let org: TestOrg;
const V = '/services/data/v62.0';

beforeAll(async () => {
  org = await startTestOrg();
});
afterAll(async () => {
  await org.emulator.stop();
});

type Column = { columnName: string; displayName: string; aggregate: boolean; joinColumns: Column[] };
const q = (soql: string, extra = ''): string => `${V}/query?q=${encodeURIComponent(soql)}${extra}`;

describe('what the sf CLI asks of an org', () => {
  it('answers columns=true with the column metadata of plain, relationship, subquery and aggregate columns and opens no cursor', async () => {
    const answer = await org.call(q('SELECT Id, Name, Account.Name, Account.Owner.Name FROM Contact', '&columns=true'));
    expect(answer.status).toBe(200);
    const body = answer.body as { columnMetadata: Column[]; entityName: string; idSelected: boolean; keyPrefix: string; records?: unknown };
    expect(body).toMatchObject({ entityName: 'Contact', idSelected: true, keyPrefix: '003', groupBy: false });
    expect(body).not.toHaveProperty('records');
    const columns = body.columnMetadata;
    expect(columns.map((c) => [c.columnName, c.displayName, c.aggregate])).toEqual([
      ['Id', 'Id', false],
      ['Name', 'Name', false],
      ['Account', 'Account', false],
    ]);
    const account = columns[2] as Column;
    expect(account.joinColumns.map((c) => [c.columnName, c.displayName])).toEqual([['Name', 'Account.Name'], ['Owner', 'Account.Owner']]);
    expect(account.joinColumns[1]?.joinColumns.map((c) => [c.columnName, c.displayName])).toEqual([['Name', 'Account.Owner.Name']]);
    expect(Object.keys(columns[0] as object)).toEqual(['aggregate', 'apexType', 'booleanType', 'columnName', 'custom', 'displayName', 'foreignKeyName', 'insertable', 'joinColumns', 'numberType', 'textType', 'updatable']);
  });

  it('describes a subquery as an aggregate column whose join columns are the child fields', async () => {
    const body = (await org.call(q('SELECT Name, (SELECT LastName, Email FROM Contacts) FROM Account', '&columns=true'))).body as { columnMetadata: Column[]; idSelected: boolean };
    expect(body.idSelected).toBe(false);
    expect(body.columnMetadata.map((c) => [c.columnName, c.aggregate])).toEqual([['Name', false], ['Contacts', true]]);
    expect(body.columnMetadata[1]?.joinColumns.map((c) => c.columnName)).toEqual(['LastName', 'Email']);
  });

  it('names aggregate columns expr0… or by alias, with the function as the display name', async () => {
    const body = (await org.call(q('SELECT Industry, COUNT(Id), MAX(NumberOfEmployees) biggest FROM Account GROUP BY Industry', '&columns=true'))).body as { columnMetadata: Column[]; groupBy: boolean };
    expect(body.groupBy).toBe(true);
    expect(body.columnMetadata.map((c) => [c.columnName, c.displayName, c.aggregate])).toEqual([
      ['Industry', 'Industry', false],
      ['expr0', 'COUNT(Id)', true],
      ['biggest', 'biggest', true],
    ]);
  });

  it('refuses columns=true on a bad query with the error the query itself gets', async () => {
    const columns = await org.call(q('SELECT Nope__c FROM Account', '&columns=true'));
    const plain = await org.call(q('SELECT Nope__c FROM Account'));
    expect(columns.status).toBe(400);
    expect(columns.body).toEqual(plain.body);
  });

  it('has the Organization sObject: in describe, and one record in SOQL with the org id and the fields the CLI reads', async () => {
    const sobjects = ((await org.call(`${V}/sobjects`)).body as { sobjects: { name: string }[] }).sobjects.map((s) => s.name);
    expect(sobjects).toContain('Organization');
    const answer = await org.call(q('SELECT Id, Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization'));
    expect(answer.status).toBe(200);
    const body = answer.body as { totalSize: number; records: Record<string, unknown>[] };
    expect(body.totalSize).toBe(1);
    expect(body.records[0]).toMatchObject({ Id: org.emulator.orgId, IsSandbox: false, TrialExpirationDate: null, NamespacePrefix: null, OrganizationType: 'Developer Edition' });
    expect(typeof body.records[0]?.Name).toBe('string');
  });

  it('refuses a SOQL query of the platform event, which is not queryable', async () => {
    const answer = await org.call(q('SELECT Id FROM Order_Event__e'));
    expect(answer.status).toBe(400);
    expect((answer.body as { errorCode: string }[])[0]?.errorCode).toBe('INVALID_TYPE');
  });

  it('keeps the Organization record after an admin reset', async () => {
    org.emulator.admin.reset();
    const body = (await org.call(q('SELECT Id FROM Organization'))).body as { totalSize: number };
    expect(body.totalSize).toBe(1);
  });

  it('answers a Tooling API query for SandboxProcess with no rows, and refuses other objects with INVALID_TYPE', async () => {
    const soql = `SELECT Id, SandboxName FROM SandboxProcess WHERE SandboxOrganization = '${org.emulator.orgId.slice(0, 15)}'`;
    const answer = await org.call(`${V}/tooling/query?q=${encodeURIComponent(soql)}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ size: 0, totalSize: 0, done: true, queryLocator: null, entityTypeName: null, records: [] });
    const other = await org.call(`${V}/tooling/query?q=${encodeURIComponent('SELECT Id FROM ApexClassX')}`);
    expect(other.status).toBe(400);
    expect((other.body as { errorCode: string; message: string }[])[0]).toMatchObject({ errorCode: 'INVALID_TYPE', message: expect.stringContaining("sObject type 'ApexClassX' is not supported") as string });
    expect((await org.call(`${V}/tooling/query?q=${encodeURIComponent('SELECT Id FROM SandboxProcess')}`, { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
  });
});
