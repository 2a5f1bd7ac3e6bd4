import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestOrg, type TestOrg } from '../testing';

let org: TestOrg;
const V = '/services/data/v60.0';

beforeAll(async () => {
  org = await startTestOrg();
});
afterAll(async () => {
  await org.emulator.stop();
});
beforeEach(() => {
  org.emulator.admin.clearFaults();
  org.emulator.admin.setRemainingApiCalls(1000);
});

type Row = Record<string, unknown>;

describe('versions, resources and limits', () => {
  it('lists versions without authentication, as an array of {label,url,version}', async () => {
    const answer = await org.call('/services/data', { headers: { Authorization: '' } });
    expect(answer.status).toBe(200);
    const list = answer.body as Row[];
    expect(list[0]).toEqual({ label: "Winter '11", url: '/services/data/v20.0', version: '20.0' });
    expect(list.some((v) => v.version === '60.0')).toBe(true);
  });

  it('maps resource names to paths and carries Sforce-Limit-Info', async () => {
    const answer = await org.call(`${V}/`);
    expect(answer.status).toBe(200);
    expect((answer.body as Row).sobjects).toBe(`${V}/sobjects`);
    expect((answer.body as Row).queryAll).toBe(`${V}/queryAll`);
    expect(answer.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/100000$/);
    expect(answer.headers.get('content-type')).toBe('application/json;charset=UTF-8');
  });

  it('reports limits with Max and Remaining, the daily API requests matching the header', async () => {
    const answer = await org.call(`${V}/limits`);
    const limits = answer.body as Record<string, { Max: number; Remaining: number }>;
    const [used, max] = (answer.headers.get('sforce-limit-info') as string).replace('api-usage=', '').split('/').map(Number);
    expect(limits.DailyApiRequests).toMatchObject({ Max: max, Remaining: (max as number) - (used as number) });
    expect(limits.DailyBulkV2QueryJobs).toEqual({ Max: 10000, Remaining: 10000 });
  });

  it('answers 404 NOT_FOUND for a bad version, an unknown object and an unknown resource', async () => {
    const expected = [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }];
    for (const path of ['/services/data/viAmABadVersion/sobjects/Account', '/services/data/v99.0/', `${V}/sobjects/PlayingCard__c`, `${V}/nonsense`]) {
      const answer = await org.call(path, { method: 'POST', json: { Name: 'x' } });
      expect([path, answer.status, answer.body]).toEqual([path, 404, expected]);
    }
  });

  it('answers 401 with WWW-Authenticate: Token for a missing or unknown token', async () => {
    const answer = await org.call(`${V}/sobjects`, { headers: { Authorization: 'Bearer badToken' } });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Token');
    expect(answer.body).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });

  it('refuses calls past the daily limit with 403 REQUEST_LIMIT_EXCEEDED', async () => {
    org.emulator.admin.setRemainingApiCalls(1);
    expect((await org.call(`${V}/limits`)).status).toBe(200);
    const refused = await org.call(`${V}/limits`);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    expect(refused.headers.get('sforce-limit-info')).toBe('api-usage=100000/100000');
  });
});

describe('describe', () => {
  it('lists every object with the global describe keys', async () => {
    const answer = await org.call(`${V}/sobjects`);
    const body = answer.body as { encoding: string; maxBatchSize: number; sobjects: Row[] };
    expect(body.maxBatchSize).toBe(200);
    const names = body.sobjects.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['Account', 'Contact', 'Opportunity', 'Lead', 'Case', 'User', 'Invoice__c']));
    const account = body.sobjects.find((s) => s.name === 'Account') as Row;
    expect(account).toMatchObject({ keyPrefix: '001', createable: true, queryable: true, urls: { sobject: `${V}/sobjects/Account`, describe: `${V}/sobjects/Account/describe`, rowTemplate: `${V}/sobjects/Account/{ID}` } });
  });

  it('describes Invoice__c with the real field key set, the external id, the restricted picklist and the lookup', async () => {
    const answer = await org.call(`${V}/sobjects/invoice__c/describe`);
    const body = answer.body as { fields: Row[]; childRelationships: Row[]; keyPrefix: string; custom: boolean };
    expect(body.custom).toBe(true);
    const byName = new Map(body.fields.map((f) => [f.name, f]));
    expect(Object.keys(byName.get('Id') as Row)).toEqual(Object.keys(byName.get('Id') as Row).sort());
    expect(byName.get('Name')).toMatchObject({ autoNumber: true, nameField: true, idLookup: true, createable: false, length: 80, byteLength: 240 });
    expect(byName.get('External_Id__c')).toMatchObject({ externalId: true, unique: true, idLookup: true, custom: true, type: 'string', byteLength: 150 });
    expect(byName.get('Status__c')).toMatchObject({ type: 'picklist', restrictedPicklist: true, defaultValue: 'Draft' });
    expect(byName.get('Account__c')).toMatchObject({ type: 'reference', referenceTo: ['Account'], relationshipName: 'Account__r' });
    expect(byName.get('Amount__c')).toMatchObject({ type: 'currency', soapType: 'xsd:double' });
    expect(byName.get('Due_Date__c')).toMatchObject({ type: 'date', length: 0, byteLength: 0 });
    const account = (await org.call(`${V}/sobjects/Account/describe`)).body as { childRelationships: Row[] };
    expect(account.childRelationships).toEqual(expect.arrayContaining([expect.objectContaining({ childSObject: 'Invoice__c', field: 'Account__c', relationshipName: 'Invoices__r' }), expect.objectContaining({ childSObject: 'Contact', relationshipName: 'Contacts' })]));
  });

  it('gives every field exactly the key set of a real describe (salesforce-api.md 3.2)', async () => {
    const real = 'aggregatable autoNumber byteLength calculated calculatedFormula cascadeDelete caseSensitive compoundFieldName controllerName createable custom defaultValue defaultValueFormula defaultedOnCreate dependentPicklist deprecatedAndHidden digits displayLocationInDecimal encrypted externalId extraTypeInfo filterable filteredLookupInfo groupable highScaleNumber htmlFormatted idLookup inlineHelpText label length mask maskType name nameField namePointing nillable permissionable picklistValues polymorphicForeignKey precision queryByDistance referenceTargetField referenceTo relationshipName relationshipOrder restrictedDelete restrictedPicklist scale searchPrefilterable soapType sortable type unique updateable writeRequiresMasterRead'.split(' ');
    for (const objectName of ['Account', 'Contact', 'Opportunity', 'Lead', 'Case', 'User', 'Invoice__c']) {
      const body = (await org.call(`${V}/sobjects/${objectName}/describe`)).body as { fields: Row[] };
      for (const f of body.fields) expect([objectName, f.name, Object.keys(f)]).toEqual([objectName, f.name, real]);
    }
  });

  it('answers the basic info of an object with objectDescribe and recentItems, and approximate record counts', async () => {
    const info = (await org.call(`${V}/sobjects/Contact`)).body as { objectDescribe: Row; recentItems: Row[] };
    expect(info.objectDescribe).toMatchObject({ name: 'Contact', keyPrefix: '003' });
    expect(info.recentItems.length).toBeGreaterThan(0);
    const counts = (await org.call(`${V}/limits/recordCount?sObjects=Account,Contact`)).body as { sObjects: { count: number; name: string }[] };
    expect(counts.sObjects.map((s) => s.name)).toEqual(['Account', 'Contact']);
    expect(counts.sObjects[0]?.count).toBeGreaterThan(0);
  });

  it('has a polymorphic owner on Case', async () => {
    const body = (await org.call(`${V}/sobjects/Case/describe`)).body as { fields: Row[] };
    expect(body.fields.find((f) => f.name === 'OwnerId')).toMatchObject({ referenceTo: ['Group', 'User'], polymorphicForeignKey: true, relationshipName: 'Owner' });
  });
});

describe('records', () => {
  it('creates (201 + Location), reads, updates (204) and deletes (204), then refuses a second delete with ENTITY_IS_DELETED', async () => {
    const created = await org.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'Global Media', NumberOfEmployees: 12 } });
    expect(created.status).toBe(201);
    const { id } = created.body as { id: string };
    expect(created.body).toEqual({ id, success: true, errors: [] });
    expect(id).toMatch(/^001[0-9A-Za-z]{15}$/);
    expect(created.headers.get('location')).toBe(`${V}/sobjects/Account/${id}`);
    const read = await org.call(`${V}/sobjects/Account/${id}`);
    expect(read.body).toMatchObject({ attributes: { type: 'Account', url: `${V}/sobjects/Account/${id}` }, Id: id, Name: 'Global Media', NumberOfEmployees: 12, Website: null });
    expect((read.body as Row).CreatedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    const picked = await org.call(`${V}/sobjects/Account/${id}?fields=Name`);
    expect(Object.keys(picked.body as Row)).toEqual(['attributes', 'Id', 'Name']);
    const updated = await org.call(`${V}/sobjects/Account/${id}`, { method: 'PATCH', json: { Name: 'Global Media 2' } });
    expect([updated.status, updated.text]).toEqual([204, '']);
    expect(((await org.call(`${V}/sobjects/Account/${id}`)).body as Row).Name).toBe('Global Media 2');
    expect((await org.call(`${V}/sobjects/Account/${id}`, { method: 'DELETE' })).status).toBe(204);
    const again = await org.call(`${V}/sobjects/Account/${id}`, { method: 'DELETE' });
    expect([again.status, again.body]).toEqual([404, [{ message: 'entity is deleted', errorCode: 'ENTITY_IS_DELETED', fields: [] }]]);
    expect((await org.call(`${V}/sobjects/Account/${id}`)).status).toBe(404);
  });

  it.each([
    ['a missing required field', 'Contact', { FirstName: 'A' }, [{ message: 'Required fields are missing: [LastName]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] }]],
    ['a bad restricted picklist value', 'Invoice__c', { Status__c: 'Terrible' }, [{ message: 'Status: bad value for restricted picklist field: Terrible', errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', fields: ['Status__c'] }]],
    ['an unknown field', 'Account', { Name: 'A', FavoritePet__c: 'Dog' }, [{ message: "No such column 'FavoritePet__c' on sobject of type Account", errorCode: 'INVALID_FIELD' }]],
    ['a too long string', 'Account', { Name: 'x'.repeat(256) }, [expect.objectContaining({ errorCode: 'STRING_TOO_LONG', fields: ['Name'] })]],
    ['a not-createable field', 'Account', { Name: 'A', CreatedDate: '2020-01-01T00:00:00Z' }, [expect.objectContaining({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['CreatedDate'] })]],
    ['a wrong JSON type', 'Account', { Name: 'A', NumberOfEmployees: 'many' }, [expect.objectContaining({ errorCode: 'JSON_PARSER_ERROR' })]],
    ['a malformed lookup id', 'Contact', { LastName: 'A', AccountId: 'abc' }, [expect.objectContaining({ errorCode: 'MALFORMED_ID', fields: ['AccountId'] })]],
    ['an array value', 'Account', { Name: ['A'] }, [expect.objectContaining({ errorCode: 'JSON_PARSER_ERROR' })]],
  ])('refuses a create with %s (400)', async (_name, objectName, json, expected) => {
    const answer = await org.call(`${V}/sobjects/${objectName}`, { method: 'POST', json });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(expected);
  });

  it('refuses a duplicate unique external id with DUPLICATE_VALUE', async () => {
    const answer = await org.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'Dup', External_Id__c: 'ACC-00001' } });
    expect(answer.status).toBe(400);
    expect((answer.body as Row[])[0]).toMatchObject({ errorCode: 'DUPLICATE_VALUE' });
  });

  it('answers MALFORMED_ID for a record id with a bad checksum, and INVALID_FIELD first when the body is also wrong', async () => {
    const bad = await org.call(`${V}/sobjects/Invoice__c/a0XB000000FSjVUIB1`, { method: 'PATCH', json: { Amount__c: 1 } });
    expect(bad.body).toEqual([{ message: 'Record ID: id value of incorrect type: a0XB000000FSjVUIB1', errorCode: 'MALFORMED_ID', fields: ['Id'] }]);
    const field = await org.call(`${V}/sobjects/Invoice__c/a0XB000000FSjVUIB1`, { method: 'PATCH', json: { Color__c: 'Red' } });
    expect(field.body).toEqual([{ message: "No such column 'Color__c' on sobject of type Invoice__c", errorCode: 'INVALID_FIELD' }]);
  });

  it('answers bad JSON with 400 JSON_PARSER_ERROR and a huge body with 413, without hanging', async () => {
    const bad = await org.call(`${V}/sobjects/Account`, { method: 'POST', body: '{"Name": ', headers: { 'Content-Type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect((bad.body as Row[])[0]?.errorCode).toBe('JSON_PARSER_ERROR');
    const huge = await org.call(`${V}/sobjects/Account`, { method: 'POST', body: `{"Name":"${'x'.repeat(21 * 1024 * 1024)}"}`, headers: { 'Content-Type': 'application/json' } });
    expect(huge.status).toBe(413);
  });

  it('answers a URI longer than 16384 bytes with 414', async () => {
    const answer = await org.call(`${V}/query?q=${'a'.repeat(17_000)}`);
    expect(answer.status).toBe(414);
  });

  it('reports REST changes to store listeners with origin rest and the Sforce-Call-Options client', async () => {
    const changes: { changeType: string; origin: string; client?: string; changedFields: string[] }[] = [];
    const off = org.emulator.org.store.onChange((c) => changes.push(c));
    const created = await org.call(`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'Heard' }, headers: { 'Sforce-Call-Options': 'client=OrgDesk' } });
    await org.call(`${V}/sobjects/Account/${(created.body as { id: string }).id}`, { method: 'PATCH', json: { Phone: '123' } });
    off();
    expect(changes[0]).toMatchObject({ changeType: 'CREATE', origin: 'rest', client: 'OrgDesk' });
    expect(changes[1]).toMatchObject({ changeType: 'UPDATE', origin: 'rest' });
    expect(changes[1]?.changedFields).toEqual(expect.arrayContaining(['Phone', 'LastModifiedDate']));
    expect(changes[1]?.client).toBeUndefined();
  });

  it('sets a lookup through the parent external id', async () => {
    const created = await org.call(`${V}/sobjects/Contact`, { method: 'POST', json: { LastName: 'Ref', Account: { External_Id__c: 'ACC-00002' } } });
    const id = (created.body as { id: string }).id;
    const row = (await org.call(`${V}/sobjects/Contact/${id}?fields=AccountId`)).body as Row;
    const account = (await org.call(`${V}/sobjects/Account/External_Id__c/ACC-00002`)).body as Row;
    expect(row.AccountId).toBe(account.Id);
  });
});

describe('upsert by external id', () => {
  it('creates with 201 created:true, updates with 200 created:false, and answers 300 with URLs on several matches', async () => {
    const created = await org.call(`${V}/sobjects/Account/External_Id__c/UPS-1`, { method: 'PATCH', json: { Name: 'Upserted' } });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    expect(created.body).toEqual({ id, success: true, errors: [], created: true });
    const updated = await org.call(`${V}/sobjects/Account/External_Id__c/UPS-1`, { method: 'PATCH', json: { Name: 'Upserted again' } });
    expect([updated.status, updated.body]).toEqual([200, { id, success: true, errors: [], created: false }]);
    const a = await org.call(`${V}/sobjects/Contact`, { method: 'POST', json: { LastName: 'A', Legacy_Id__c: 'SAME' } });
    const b = await org.call(`${V}/sobjects/Contact`, { method: 'POST', json: { LastName: 'B', Legacy_Id__c: 'SAME' } });
    const many = await org.call(`${V}/sobjects/Contact/Legacy_Id__c/SAME`, { method: 'PATCH', json: { LastName: 'C' } });
    expect(many.status).toBe(300);
    expect(many.body).toEqual([`${V}/sobjects/Contact/${(a.body as { id: string }).id}`, `${V}/sobjects/Contact/${(b.body as { id: string }).id}`]);
  });

  it('answers an update with 204 before v46.0 and 404 for an unknown external-id field', async () => {
    const first = await org.call('/services/data/v45.0/sobjects/Account/External_Id__c/UPS-45', { method: 'PATCH', json: { Name: 'Old' } });
    expect(first.status).toBe(201);
    expect((await org.call('/services/data/v45.0/sobjects/Account/External_Id__c/UPS-45', { method: 'PATCH', json: { Name: 'Old 2' } })).status).toBe(204);
    expect((await org.call(`${V}/sobjects/Account/Nope__c/1`, { method: 'PATCH', json: { Name: 'x' } })).status).toBe(404);
  });
});

describe('sObject Collections', () => {
  it('creates mixed types with per-row results and statusCode errors, HTTP 200 even when a row fails', async () => {
    const answer = await org.call(`${V}/composite/sobjects`, {
      method: 'POST',
      json: { allOrNone: false, records: [{ attributes: { type: 'Account' }, Name: 'C1' }, { attributes: { type: 'Contact' }, FirstName: 'NoLast' }, { attributes: { type: 'Invoice__c' }, Amount__c: 5 }] },
    });
    expect(answer.status).toBe(200);
    const rows = answer.body as Row[];
    expect(rows[0]).toMatchObject({ success: true, errors: [] });
    expect(rows[1]).toEqual({ success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]', fields: ['LastName'] }] });
    expect((rows[2] as Row).id).toMatch(/^a0X/);
  });

  it('rolls every row back with allOrNone', async () => {
    const before = org.emulator.org.store.count('Account');
    const answer = await org.call(`${V}/composite/sobjects`, {
      method: 'POST',
      json: { allOrNone: true, records: [{ attributes: { type: 'Account' }, Name: 'R1' }, { attributes: { type: 'Account' } }] },
    });
    const rows = answer.body as Row[];
    expect(rows[0]).toMatchObject({ success: false, errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', fields: [] }] });
    expect(rows[1]).toMatchObject({ success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING' }] });
    expect(org.emulator.org.store.count('Account')).toBe(before);
  });

  it('updates, upserts, retrieves and deletes', async () => {
    const created = (await org.call(`${V}/composite/sobjects`, { method: 'POST', json: { records: [{ attributes: { type: 'Account' }, Name: 'U1' }, { attributes: { type: 'Account' }, Name: 'U2' }] } })).body as { id: string }[];
    const ids = created.map((r) => r.id);
    const updated = await org.call(`${V}/composite/sobjects`, { method: 'PATCH', json: { records: [{ attributes: { type: 'Account' }, id: ids[0], Name: 'U1b' }, { attributes: { type: 'Account' }, Name: 'no id' }] } });
    expect((updated.body as Row[])[0]).toEqual({ id: ids[0], success: true, errors: [] });
    expect(((updated.body as Row[])[1] as { errors: Row[] }).errors[0]?.statusCode).toBe('MISSING_ARGUMENT');
    const upserted = await org.call(`${V}/composite/sobjects/Account/External_Id__c`, { method: 'PATCH', json: { records: [{ attributes: { type: 'Account' }, External_Id__c: 'CU-1', Name: 'CU' }, { attributes: { type: 'Account' }, External_Id__c: 'ACC-00003', Name: 'Renamed' }] } });
    expect((upserted.body as Row[]).map((r) => r.created)).toEqual([true, false]);
    const retrieved = await org.call(`${V}/composite/sobjects/Account?ids=${ids.join(',')},001Dn0000000000AAA&fields=Name`);
    expect((retrieved.body as (Row | null)[]).map((r) => r?.Name ?? null)).toEqual(['U1b', 'U2', null]);
    const deleted = await org.call(`${V}/composite/sobjects?ids=${ids.join(',')}&allOrNone=false`, { method: 'DELETE' });
    expect(deleted.body).toEqual(ids.map((id) => ({ id, success: true, errors: [] })));
  });

  it('refuses more than 200 records', async () => {
    const records = Array.from({ length: 201 }, (_, i) => ({ attributes: { type: 'Account' }, Name: `N${i}` }));
    const answer = await org.call(`${V}/composite/sobjects`, { method: 'POST', json: { records } });
    expect(answer.status).toBe(400);
    expect((answer.body as Row[])[0]?.errorCode).toBe('EXCEEDED_ID_LIMIT');
  });
});

describe('query routing', () => {
  it('hands /query and its locators to the SOQL engine with Sforce-Limit-Info', async () => {
    const answer = await org.call(`${V}/query?q=${encodeURIComponent('SELECT Id, Name FROM Account LIMIT 2')}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('sforce-limit-info')).toMatch(/^api-usage=/);
    expect(answer.body).toMatchObject({ totalSize: 2, done: true });
  });
});

describe('bad input', () => {
  it('answers every malformed request with an error in the org shape and keeps serving', async () => {
    const cases: [string, RequestInit & { json?: unknown }][] = [
      [`${V}/sobjects/Account/%E0%A4%A`, {}],
      [`${V}/sobjects/Account`, { method: 'POST', body: '[1,2,3]', headers: { 'Content-Type': 'application/json' } }],
      [`${V}/sobjects/Account`, { method: 'POST', body: 'null', headers: { 'Content-Type': 'application/json' } }],
      [`${V}/sobjects/Account`, { method: 'POST', body: '<xml/>', headers: { 'Content-Type': 'application/xml' } }],
      [`${V}/sobjects/Account`, { method: 'PUT', json: {} }],
      [`${V}/sobjects/Account`, { method: 'POST', json: { Name: { nested: { deeper: 1 } } } }],
      [`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'A', NumberOfEmployees: 1e300 } }],
      [`${V}/sobjects/Account`, { method: 'POST', json: { Name: 'A', AnnualRevenue: 1e30 } }],
      [`${V}/sobjects/Contact`, { method: 'POST', json: { LastName: 'A', Birthdate: '2020-02-30' } }],
      [`${V}/sobjects/Contact`, { method: 'POST', json: { LastName: 'A', Email: 'not-an-email' } }],
      [`${V}/composite/sobjects`, { method: 'POST', json: { records: 'nope' } }],
      [`${V}/composite/sobjects`, { method: 'POST', json: { allOrNone: 'yes', records: [] } }],
      [`${V}/composite/sobjects?ids=`, { method: 'DELETE' }],
      [`${V}/sobjects/Account/001Dn0000000000AAA`, { method: 'PATCH', body: '{"Name":', headers: { 'Content-Type': 'application/json' } }],
      [`${V}/query?q=${encodeURIComponent('SELECT FROM')}`, {}],
      [`${V}/query`, { headers: { 'Sforce-Query-Options': 'batchSize=999999999' } }],
    ];
    for (const [path, init] of cases) {
      const answer = await org.call(path, init);
      expect([path, answer.status >= 400 && answer.status < 500]).toEqual([path, true]);
      expect([path, Array.isArray(answer.body)]).toEqual([path, true]);
      expect((answer.body as Row[])[0]).toHaveProperty('errorCode');
    }
    expect((await org.call(`${V}/limits`)).status).toBe(200);
  });
});
