import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvLine } from './csv-line';
import { startEmulator, type RunningEmulator } from '../../emulator';
import type { FieldMapping, LoadField, LoadObject, LoadOperation, LoadPlan } from '../../shared/ipc/domains/load';
import { toLoadObject } from './load-object';
import { idSuffix } from './record-id';
import { createRowValidator, type RowCheck } from './row-validator';
import { fetchDescribe } from '../test-support/org-describe';

let emulator: RunningEmulator;
let contact: LoadObject;
let invoice: LoadObject;
let opportunity: LoadObject;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  const describeOf = async (name: string): Promise<LoadObject> => toLoadObject(await fetchDescribe(emulator.url, name));
  [contact, invoice, opportunity] = await Promise.all([describeOf('Contact'), describeOf('Invoice__c'), describeOf('Opportunity')]);
  // The local org has no createable date-time field: give Contact one, shaped like a custom field's describe.
  const datetime: LoadField = { ...field(contact, 'Birthdate'), name: 'Last_Call__c', label: 'Last Call', type: 'datetime' };
  contact = { ...contact, fields: [...contact.fields, datetime] };
});
afterAll(async () => {
  await emulator.stop();
});

function field(object: LoadObject, name: string): LoadField {
  const found = object.fields.find((f) => f.name === name);
  if (found === undefined) throw new Error(`${object.name} has no ${name}`);
  return found;
}

function columns(...names: string[]): FieldMapping[] {
  return names.map((name) => {
    const [column = name, target = name] = name.split('=');
    return { source: 'column', column, field: target };
  });
}

function validator(object: LoadObject, operation: LoadOperation, headers: string[], overrides: Partial<LoadPlan> = {}) {
  return createRowValidator({
    plan: { objectName: object.name, operation, mappings: columns(...headers), dates: { dateOrder: 'ymd', timeZone: 'UTC' }, ...overrides },
    object,
    headers: headers.map((h) => h.split('=')[0] ?? h),
  });
}

function kinds(check: RowCheck): string[] {
  return check.ok ? [] : check.issues.map((i) => `${i.kind}:${i.column}`);
}

/** A well-formed 18-character id with the given prefix. */
function id(prefix: string, n: number): string {
  const id15 = `${prefix}Dn0${String(n).padStart(9, '0')}`;
  return id15 + idSuffix(id15);
}

describe('createRowValidator', () => {
  it('writes the job header as field names and lookups as Bulk API 2.0 wants them', () => {
    const v = createRowValidator({
      plan: {
        objectName: 'Contact',
        operation: 'insert',
        mappings: [...columns('last=LastName', 'acct=Account.External_Id__c'), { source: 'constant', value: 'Web', field: 'leadsource' }],
        dates: { dateOrder: 'ymd', timeZone: 'UTC' },
      },
      object: contact,
      headers: ['last', 'acct'],
    });
    expect(v.outputHeaders).toEqual(['LastName', 'Account.External_Id__c', 'LeadSource']);
    expect(v.check(['Lovelace', 'ACME-1'], 1)).toEqual({ ok: true, cells: ['Lovelace', 'ACME-1', 'Web'] });
  });

  it('flags a required field left empty on insert, and one no column maps', () => {
    expect(kinds(validator(contact, 'insert', ['LastName', 'FirstName']).check(['', 'Ada'], 1))).toEqual(['required-missing:LastName']);
    expect(kinds(validator(contact, 'insert', ['FirstName']).check(['Ada'], 1))).toEqual(['required-missing:LastName']);
    expect(validator(contact, 'update', ['Id', 'LastName']).check([id('003', 1), ''], 1).ok).toBe(true);
  });

  it('flags fields the operation cannot write', () => {
    expect(kinds(validator(opportunity, 'insert', ['Name', 'StageName', 'CloseDate', 'IsWon']).check(['Deal', 'Prospecting', '2024-01-01', 'true'], 1))).toEqual(['not-createable:IsWon']);
    expect(kinds(validator(opportunity, 'update', ['Id', 'IsClosed']).check([id('006', 1), 'true'], 1))).toEqual(['not-updateable:IsClosed']);
  });

  it('reads numbers, dropping thousands separators, and refuses what is not one or is too large', () => {
    const v = validator(invoice, 'insert', ['Amount__c']);
    expect(v.check(['1,234,567.50'], 1)).toEqual({ ok: true, cells: ['1234567.50'] });
    expect(v.check(['-12.5'], 2)).toEqual({ ok: true, cells: ['-12.5'] });
    expect(kinds(v.check(['12,5'], 3))).toEqual(['bad-number:Amount__c']);
    expect(kinds(v.check(['ten'], 4))).toEqual(['bad-number:Amount__c']);
    expect(v.check(['1e20'], 5)).toMatchObject({ ok: false, issues: [{ why: 'Amount__c holds at most 14 digits before the decimal point' }] });
  });

  it('reads booleans as true or false', () => {
    const v = validator(contact, 'insert', ['LastName', 'HasOptedOutOfEmail']);
    expect(['TRUE', '0', 'yes', 'No'].map((b, i) => v.check(['X', b], i + 1))).toEqual([
      { ok: true, cells: ['X', 'true'] },
      { ok: true, cells: ['X', 'false'] },
      { ok: true, cells: ['X', 'true'] },
      { ok: true, cells: ['X', 'false'] },
    ]);
    expect(kinds(v.check(['X', 'maybe'], 5))).toEqual(['bad-boolean:HasOptedOutOfEmail']);
  });

  it('reads dates in the chosen day order into ISO, and refuses impossible ones', () => {
    const mdy = validator(contact, 'insert', ['LastName', 'Birthdate'], { dates: { dateOrder: 'mdy', timeZone: 'America/Los_Angeles' } });
    expect(mdy.check(['X', '03/01/2024'], 1)).toEqual({ ok: true, cells: ['X', '2024-03-01'] });
    expect(mdy.check(['X', '2024-03-01'], 2)).toEqual({ ok: true, cells: ['X', '2024-03-01'] });
    expect(kinds(mdy.check(['X', '31/01/2024'], 3))).toEqual(['bad-date:Birthdate']);
    expect(kinds(mdy.check(['X', '02/30/2024'], 4))).toEqual(['bad-date:Birthdate']);
    const dmy = validator(contact, 'insert', ['LastName', 'Birthdate'], { dates: { dateOrder: 'dmy', timeZone: 'Asia/Tokyo' } });
    expect(dmy.check(['X', '01.03.2024'], 1)).toEqual({ ok: true, cells: ['X', '2024-03-01'] });
  });

  it('reads date-times without an offset in the chosen zone, and with one as written', () => {
    const v = validator(contact, 'insert', ['LastName', 'Last_Call__c'], { dates: { dateOrder: 'dmy', timeZone: 'Europe/Paris' } });
    expect(v.check(['X', '01/03/2024 08:30'], 1)).toEqual({ ok: true, cells: ['X', '2024-03-01T07:30:00.000Z'] });
    expect(v.check(['X', '2024-07-01T08:30:00'], 2)).toEqual({ ok: true, cells: ['X', '2024-07-01T06:30:00.000Z'] });
    expect(v.check(['X', '2024-07-01T08:30:00-05:00'], 3)).toEqual({ ok: true, cells: ['X', '2024-07-01T13:30:00.000Z'] });
    expect(kinds(v.check(['X', '2024-07-01T25:00'], 4))).toEqual(['bad-datetime:Last_Call__c']);
  });

  it('checks ids: length, characters, the 18-character checksum and the key prefix', () => {
    const v = validator(contact, 'update', ['Id', 'AccountId']);
    expect(v.check([id('003', 1), id('001', 1)], 1).ok).toBe(true);
    expect(v.check([id('003', 2).slice(0, 15), ''], 2).ok).toBe(true);
    const bad = id('003', 3);
    expect(v.check([`${bad.slice(0, 15)}AAA`, ''], 3)).toMatchObject({ ok: false, issues: [{ kind: 'bad-id', why: expect.stringContaining(`should be ${bad.slice(15)}`) }] });
    expect(kinds(v.check(['003Dn00000', ''], 4))).toEqual(['bad-id:Id']);
    expect(kinds(v.check([id('001', 5), id('003', 5)], 5))).toEqual(['wrong-object-id:Id', 'wrong-object-id:AccountId']);
  });

  it('flags text over the field length and values outside a restricted picklist, matching its values ignoring case', () => {
    const v = validator(invoice, 'insert', ['Status__c', 'Account__r.External_Id__c']);
    expect(v.check(['draft', 'A-1'], 1)).toEqual({ ok: true, cells: ['Draft', 'A-1'] });
    expect(kinds(v.check(['Lost', 'A-1'], 2))).toEqual(['bad-picklist:Status__c']);
    expect(kinds(validator(contact, 'insert', ['LastName']).check(['x'.repeat(81)], 1))).toEqual(['text-too-long:LastName']);
  });

  it('flags duplicate keys inside the file: Ids by their 18-character form, external ids ignoring case', () => {
    const update = validator(contact, 'update', ['Id', 'LastName']);
    const first = id('003', 7);
    expect(update.check([first, 'A'], 1).ok).toBe(true);
    expect(update.check([first.slice(0, 15), 'B'], 2)).toMatchObject({ ok: false, issues: [{ kind: 'duplicate-key', why: 'row 1 has the same Id' }] });
    const upsert = validator(contact, 'upsert', ['External_Id__c', 'LastName'], { externalIdField: 'External_Id__c' });
    expect(upsert.check(['EXT-1', 'A'], 1).ok).toBe(true);
    expect(kinds(upsert.check(['ext-1', 'B'], 2))).toEqual(['duplicate-key:External_Id__c']);
    expect(kinds(upsert.check(['', 'C'], 3))).toEqual(['missing-key:External_Id__c']);
  });

  it('does not count the key of an excluded row against a later row', () => {
    const upsert = validator(contact, 'upsert', ['External_Id__c', 'Birthdate'], { externalIdField: 'External_Id__c' });
    expect(upsert.check(['E-1', 'not a date'], 1).ok).toBe(false);
    expect(upsert.check(['E-1', '2024-01-01'], 2).ok).toBe(true);
  });

  it('flags an empty required lookup', () => {
    const object: LoadObject = { ...contact, fields: contact.fields.map((f) => (f.name === 'AccountId' ? { ...f, nillable: false, requiredOnCreate: true } : f)) };
    expect(kinds(validator(object, 'insert', ['LastName', 'Account.External_Id__c']).check(['X', ''], 1))).toEqual(['empty-lookup:Account.External_Id__c']);
  });

  it('keeps #N/A to null a field on update, and refuses it on a required field', () => {
    const v = validator(contact, 'update', ['Id', 'FirstName', 'LastName']);
    expect(v.check([id('003', 9), '#N/A', 'X'], 1)).toEqual({ ok: true, cells: [id('003', 9), '#N/A', 'X'] });
    expect(v.check([id('003', 10), 'Y', '#N/A'], 2)).toMatchObject({ ok: false, issues: [{ kind: 'required-missing', why: 'LastName is required, so it cannot be set to null with #N/A' }] });
  });

  it('flags a ragged row', () => {
    expect(kinds(validator(contact, 'insert', ['LastName']).check(['a', 'b'], 1))).toEqual(['ragged-row:']);
  });

  it('refuses plans that cannot load a row', () => {
    expect(() => validator(contact, 'update', ['LastName'])).toThrow('An update needs the Id of each record, but no column maps to Id.');
    expect(() => validator(contact, 'upsert', ['LastName'], { externalIdField: 'LastName' })).toThrow(/LastName is neither Id, an external id field nor a lookup field/);
    expect(() => validator(contact, 'delete', ['Id', 'LastName'])).toThrow(/reads only the Id column/);
    expect(() => validator(contact, 'insert', ['LastName', 'Last Name=LastName'])).toThrow('LastName is mapped twice.');
    expect(() => validator(contact, 'insert', ['LastName'], { dates: { dateOrder: 'ymd', timeZone: 'Mars/Olympus' } })).toThrow(/not a time zone/);
    expect(() =>
      createRowValidator({
        plan: { objectName: 'Contact', operation: 'insert', mappings: [{ source: 'column', column: 'Nope', field: 'LastName' }], dates: { dateOrder: 'ymd', timeZone: 'UTC' } },
        object: contact,
        headers: ['LastName'],
      }),
    ).toThrow(/reads the column "Nope"/);
    expect(() =>
      createRowValidator({
        plan: { objectName: 'Contact', operation: 'insert', mappings: [...columns('LastName'), { source: 'constant', value: 'soon', field: 'Birthdate' }], dates: { dateOrder: 'ymd', timeZone: 'UTC' } },
        object: contact,
        headers: ['LastName'],
      }),
    ).toThrow(/The constant "soon" for Birthdate cannot be loaded/);
  });
});

describe('the cells a validator writes', () => {
  it('load into the org through Bulk API 2.0 as the same calendar days, instants, booleans and numbers', async () => {
    const v = validator(contact, 'insert', ['LastName', 'Birthdate', 'HasOptedOutOfEmail'], { dates: { dateOrder: 'dmy', timeZone: 'Pacific/Kiritimati' } });
    const rows = [
      ['Shift-1', '01/03/2024', 'YES'],
      ['Shift-2', '31.12.1999', '0'],
    ];
    const lines = [csvLine(v.outputHeaders)];
    rows.forEach((values, i) => {
      const check = v.check(values, i + 1);
      if (!check.ok) throw new Error(JSON.stringify(check.issues));
      lines.push(csvLine(check.cells));
    });
    const { access_token: token } = emulator.admin.createSession('admin@orgdesk.example');
    const base = `${emulator.url}/services/data/v62.0`;
    const json = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const job = (await (await fetch(`${base}/jobs/ingest`, { method: 'POST', headers: json, body: JSON.stringify({ object: 'Contact', operation: 'insert', lineEnding: 'LF' }) })).json()) as { id: string };
    const upload = await fetch(`${base}/jobs/ingest/${job.id}/batches`, { method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' }, body: lines.join('') });
    expect(upload.status).toBe(201);
    await fetch(`${base}/jobs/ingest/${job.id}`, { method: 'PATCH', headers: json, body: JSON.stringify({ state: 'UploadComplete' }) });
    await emulator.bulk.idle();
    const info = (await (await fetch(`${base}/jobs/ingest/${job.id}`, { headers: json })).json()) as { state: string; numberRecordsFailed: number };
    expect(info).toMatchObject({ state: 'JobComplete', numberRecordsFailed: 0 });
    const query = encodeURIComponent("SELECT LastName, Birthdate, HasOptedOutOfEmail FROM Contact WHERE LastName LIKE 'Shift-%' ORDER BY LastName");
    const result = (await (await fetch(`${base}/query?q=${query}`, { headers: json })).json()) as { records: Array<Record<string, unknown>> };
    expect(result.records.map((r) => [r.LastName, r.Birthdate, r.HasOptedOutOfEmail])).toEqual([
      ['Shift-1', '2024-03-01', true],
      ['Shift-2', '1999-12-31', false],
    ]);
  });
});
