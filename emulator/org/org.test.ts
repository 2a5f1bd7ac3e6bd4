import { describe, expect, it } from 'vitest';
import { buildSchemas } from './schema';
import { createOrgStore, type RecordChange } from './store';
import { createRecordWriter, RecordWriteError } from './write';
import { generateContacts, seedOrg } from './seed';
import { idChecksum, normalizeId } from './ids';

const NOW = new Date('2026-01-15T12:00:00.000Z');

function makeOrg(seed: number | false = 1) {
  const store = createOrgStore(buildSchemas());
  if (seed !== false) seedOrg(store, { seed, now: NOW });
  const writer = createRecordWriter({ store, now: () => NOW });
  const admin = [...store.rows('User', { includeDeleted: false })][0];
  const ctx = { userId: admin?.Id as string, origin: 'test' };
  return { store, writer, ctx };
}

function writeError(fn: () => unknown): RecordWriteError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RecordWriteError) return error;
    throw error;
  }
  throw new Error('expected a RecordWriteError');
}

describe('ids', () => {
  it('computes the case-checksum suffix real ids carry', () => {
    expect(idChecksum('a00B000000FSkcv')).toBe('IAD');
    expect(idChecksum('001B000001LntWl')).toBe('IAJ');
    expect(normalizeId('a00B000000FSjVUIA1')).toBe('a00B000000FSjVUIA1');
    expect(normalizeId('a00B000000FSjVUIB1')).toBeUndefined();
    expect(normalizeId('a00B000000FSjVU')).toBe('a00B000000FSjVUIA1');
  });
});

describe('seed', () => {
  it('is deterministic for a seed number and has accounts, contacts without account, and an inactive user', () => {
    const a = makeOrg(3).store;
    const b = makeOrg(3).store;
    expect([...a.rows('Contact', { includeDeleted: false })].slice(0, 50)).toEqual([...b.rows('Contact', { includeDeleted: false })].slice(0, 50));
    expect(a.count('Account')).toBe(300);
    const contacts = [...a.rows('Contact', { includeDeleted: false })];
    expect(contacts.some((c) => c.AccountId === null)).toBe(true);
    expect([...a.rows('User', { includeDeleted: false })].some((u) => u.IsActive === false)).toBe(true);
    const account = [...a.rows('Account', { includeDeleted: false })][0];
    expect(account?.External_Id__c).toBe('ACC-00001');
    expect([...a.childRows('Contact', 'AccountId', account?.Id as string, { includeDeleted: false })].every((c) => c.AccountId === account?.Id)).toBe(true);
  });

  it('generates a hundred thousand contacts with unique ids', () => {
    const { store } = makeOrg(1);
    const ids = generateContacts(store, 100_000, { now: NOW });
    expect(new Set(ids).size).toBe(100_000);
    expect(store.count('Contact')).toBe(103_000);
  });
});

describe('write layer', () => {
  it('creates a record with defaults, audit fields, an auto-number and reports the change', () => {
    const { store, writer, ctx } = makeOrg(false);
    const changes: RecordChange[] = [];
    store.onChange((c) => changes.push(c));
    const { id } = writer.createRecord('invoice__c', { Amount__c: '12.345', Due_Date__c: '2026-02-01' }, ctx);
    const row = store.findById(id)?.row;
    expect(id.startsWith('a0X')).toBe(true);
    expect(row).toMatchObject({ Name: 'INV-000001', Status__c: 'Draft', Amount__c: 12.35, Due_Date__c: '2026-02-01', OwnerId: ctx.userId, CreatedDate: '2026-01-15T12:00:00.000+0000', IsDeleted: false });
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ objectName: 'Invoice__c', changeType: 'CREATE', id, origin: 'test' });
  });

  it.each([
    ['REQUIRED_FIELD_MISSING', 'Contact', { FirstName: 'A' }, ['LastName']],
    ['INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'Invoice__c', { Status__c: 'Lost' }, ['Status__c']],
    ['STRING_TOO_LONG', 'Contact', { LastName: 'x'.repeat(81) }, ['LastName']],
    ['INVALID_FIELD', 'Contact', { LastName: 'A', Colour__c: 'red' }, []],
    ['MALFORMED_ID', 'Contact', { LastName: 'A', AccountId: 'nope' }, ['AccountId']],
    ['FIELD_INTEGRITY_EXCEPTION', 'Contact', { LastName: 'A', AccountId: '003Dn00000srto9IAA' }, ['AccountId']],
    ['INVALID_FIELD_FOR_INSERT_UPDATE', 'Invoice__c', { Name: 'INV-1' }, ['Name']],
    ['INVALID_TYPE_ON_FIELD_IN_RECORD', 'Account', { Name: 'A', NumberOfEmployees: 'many' }, ['NumberOfEmployees']],
  ])('refuses a create with %s', (code, objectName, values, fields) => {
    const { writer, ctx } = makeOrg(false);
    const error = writeError(() => writer.createRecord(objectName, values, ctx));
    expect(error.errors[0]?.statusCode).toBe(code);
    expect(error.errors[0]?.fields).toEqual(fields);
  });

  it('refuses a duplicate unique external id and upserts by it', () => {
    const { writer, ctx, store } = makeOrg(false);
    writer.createRecord('Account', { Name: 'A', External_Id__c: 'X-1' }, ctx);
    expect(writeError(() => writer.createRecord('Account', { Name: 'B', External_Id__c: 'x-1' }, ctx)).errors[0]?.statusCode).toBe('DUPLICATE_VALUE');
    const updated = writer.upsertByExternalId('Account', 'External_Id__c', 'X-1', { Name: 'A2' }, ctx);
    expect(updated.created).toBe(false);
    const created = writer.upsertByExternalId('Account', 'External_Id__c', 'X-2', { Name: 'C' }, ctx);
    expect(created.created).toBe(true);
    expect(store.findById(created.id)?.row.External_Id__c).toBe('X-2');
  });

  it('answers several external-id matches with status 300 and every id', () => {
    const { writer, ctx } = makeOrg(false);
    const a = writer.createRecord('Contact', { LastName: 'A', Legacy_Id__c: 'L' }, ctx);
    const b = writer.createRecord('Contact', { LastName: 'B', Legacy_Id__c: 'L' }, ctx);
    const error = writeError(() => writer.upsertByExternalId('Contact', 'Legacy_Id__c', 'L', { LastName: 'C' }, ctx));
    expect(error.status).toBe(300);
    expect(error.matches).toEqual([a.id, b.id]);
  });

  it('deletes with a cascade, refuses a second delete as ENTITY_IS_DELETED, and resolves parents by external id', () => {
    const { writer, ctx, store } = makeOrg(false);
    const account = writer.createRecord('Account', { Name: 'A', External_Id__c: 'P-1' }, ctx);
    const contact = writer.createRecord('Contact', { LastName: 'C', Account: { kind: 'parentReference', field: 'External_Id__c', value: 'P-1' } }, ctx);
    expect(store.findById(contact.id)?.row.AccountId).toBe(account.id);
    writer.deleteRecord('Account', account.id, ctx);
    expect(store.findById(contact.id)?.row.IsDeleted).toBe(true);
    const again = writeError(() => writer.deleteRecord('Account', account.id, ctx));
    expect([again.status, again.errors[0]?.statusCode]).toEqual([404, 'ENTITY_IS_DELETED']);
  });

  it('undoes every write of a failed transaction and publishes none of them', () => {
    const { writer, ctx, store } = makeOrg(false);
    const changes: RecordChange[] = [];
    store.onChange((c) => changes.push(c));
    const before = store.count('Account');
    expect(() =>
      writer.transaction(() => {
        writer.createRecord('Account', { Name: 'A', External_Id__c: 'T-1' }, ctx);
        writer.createRecord('Account', { Name: 'B', External_Id__c: 'T-1' }, ctx);
      }),
    ).toThrow(RecordWriteError);
    expect(store.count('Account')).toBe(before);
    expect(store.findByIndexedValue('Account', 'External_Id__c', 'T-1')).toEqual([]);
    expect(changes).toEqual([]);
  });
});
