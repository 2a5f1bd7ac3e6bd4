import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestOrg, type TestOrg } from '../testing';

let org: TestOrg;
const V = '/services/data/v60.0';

async function admin(method: string, path: string, json?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${org.url}/__emulator${path}`, { method, ...(json === undefined ? {} : { body: JSON.stringify(json) }) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

type Field = { name: string; createable: boolean; updateable: boolean };
const accountField = async (name: string): Promise<Field | undefined> =>
  ((await org.call(`${V}/sobjects/Account/describe`)).body as { fields: Field[] }).fields.find((f) => f.name === name);
const createAccount = (values: Record<string, unknown>): Promise<{ status: number; body: unknown }> => org.call(`${V}/sobjects/Account`, { method: 'POST', json: values });

beforeAll(async () => {
  org = await startTestOrg();
});
afterAll(async () => {
  await org.emulator.stop();
});
beforeEach(async () => {
  await admin('DELETE', '/schema');
});

describe('describe edits at run time', () => {
  it('makes a field non-createable: describe says so and a create that sets it is refused, until the edits are undone', async () => {
    const edited = await admin('POST', '/schema/Account', { field: 'NumberOfEmployees', createable: false });
    expect(edited).toMatchObject({ status: 200, body: { object: 'Account' } });
    expect(await accountField('NumberOfEmployees')).toMatchObject({ createable: false, updateable: true });
    const refused = await createAccount({ Name: 'Edited', NumberOfEmployees: 3 });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect((await admin('DELETE', '/schema')).status).toBe(204);
    expect(await accountField('NumberOfEmployees')).toMatchObject({ createable: true });
    expect((await createAccount({ Name: 'Undone', NumberOfEmployees: 3 })).status).toBe(201);
  });

  it('removes a field: gone from describe and unknown to writes and queries; a reset of the org brings it back', async () => {
    expect((await admin('POST', '/schema/Account', { field: 'NumberOfEmployees', remove: true })).status).toBe(200);
    expect(await accountField('NumberOfEmployees')).toBeUndefined();
    expect(JSON.stringify((await createAccount({ Name: 'Removed', NumberOfEmployees: 3 })).body)).toContain('INVALID_FIELD');
    expect((await org.call(`${V}/query?q=${encodeURIComponent('SELECT NumberOfEmployees FROM Account')}`)).status).toBe(400);
    await admin('POST', '/reset', {});
    expect(await accountField('NumberOfEmployees')).toMatchObject({ createable: true });
  });

  it('refuses an unknown object, an unknown field and a body that is not an edit', async () => {
    expect((await admin('POST', '/schema/Nope__c', { field: 'Name', createable: false })).status).toBe(400);
    expect((await admin('POST', '/schema/Account', { field: 'Nope__c', remove: true })).status).toBe(400);
    expect((await admin('POST', '/schema/Account', { field: 'Name', createable: 'no' })).status).toBe(400);
  });
});
