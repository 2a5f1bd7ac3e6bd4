import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceError } from '../errors';
import { exportCsv, exportJson } from './query-export';
import { createResultStore } from './result-store';
import { readQueryShape } from './soql-columns';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function resultWithChildren() {
  const store = createResultStore();
  store.setColumns(readQueryShape('SELECT Id, Name, Owner.Name, IsDeleted, (SELECT LastName, Email FROM Contacts) FROM Account').columns);
  store.appendRecords([
    {
      attributes: { type: 'Account' },
      Id: '001000000000001AAA',
      Name: 'Acme, "the" café\nline two',
      Owner: { attributes: { type: 'User' }, Name: 'Zoë' },
      IsDeleted: false,
      Contacts: { totalSize: 2, done: true, records: [{ attributes: { type: 'Contact' }, LastName: 'Lee', Email: null }, { attributes: { type: 'Contact' }, LastName: 'Ng', Email: 'ng@x.org' }] },
    },
    { attributes: { type: 'Account' }, Id: '001000000000002AAA', Name: '', Owner: null, IsDeleted: true, Contacts: null },
  ]);
  return store;
}

describe('exportCsv', () => {
  it('writes RFC 4180 CSV with dotted parent columns and each child relationship to its own file keyed by parent Id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orgdesk-export-'));
    folders.push(dir);
    const outcome = await exportCsv(resultWithChildren(), join(dir, 'accounts.csv'));
    expect(outcome).toEqual({ files: [join(dir, 'accounts.csv'), join(dir, 'accounts.Contacts.csv')], rows: 2, protectedCells: 0 });
    const text = readFileSync(join(dir, 'accounts.csv'), 'utf8');
    expect(text.split('\r\n')[0]).toBe('Id,Name,Owner.Name,IsDeleted');
    expect(parse(text)).toEqual([
      ['Id', 'Name', 'Owner.Name', 'IsDeleted'],
      ['001000000000001AAA', 'Acme, "the" café\nline two', 'Zoë', 'false'],
      ['001000000000002AAA', '', '', 'true'],
    ]);
    expect(parse(readFileSync(join(dir, 'accounts.Contacts.csv'), 'utf8'))).toEqual([
      ['ParentId', 'LastName', 'Email'],
      ['001000000000001AAA', 'Lee', ''],
      ['001000000000001AAA', 'Ng', 'ng@x.org'],
    ]);
  });
});

/** A result whose cells would run as formulas in Excel, with a negative number and a child record that does too. */
function resultWithFormulas() {
  const store = createResultStore();
  store.setColumns(readQueryShape('SELECT Name, Description, AnnualRevenue, Phone, (SELECT LastName FROM Contacts) FROM Account').columns);
  store.appendRecords([
    {
      attributes: { type: 'Account' },
      Name: '=HYPERLINK("http://evil.example","Click")',
      Description: '@SUM(1,1)',
      AnnualRevenue: -5,
      Phone: '-5',
      Contacts: { totalSize: 1, done: true, records: [{ attributes: { type: 'Contact' }, LastName: '+cmd' }] },
    },
    { attributes: { type: 'Account' }, Name: 'Acme', Description: '\tindented', AnnualRevenue: 10, Phone: '+1 555 0100', Contacts: null },
  ]);
  return store;
}

describe('exportCsv with spreadsheet safety', () => {
  it('writes every value exactly when the option is off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orgdesk-export-'));
    folders.push(dir);
    const outcome = await exportCsv(resultWithFormulas(), join(dir, 'exact.csv'));
    expect(outcome.protectedCells).toBe(0);
    const text = readFileSync(join(dir, 'exact.csv'), 'utf8');
    expect(text.split('\r\n')[1]).toBe('"=HYPERLINK(""http://evil.example"",""Click"")","@SUM(1,1)",-5,-5');
    expect(parse(text)).toEqual([
      ['Name', 'Description', 'AnnualRevenue', 'Phone'],
      ['=HYPERLINK("http://evil.example","Click")', '@SUM(1,1)', '-5', '-5'],
      ['Acme', '\tindented', '10', '+1 555 0100'],
    ]);
    expect(parse(readFileSync(join(dir, 'exact.Contacts.csv'), 'utf8'))).toEqual([['ParentRow', 'LastName'], ['1', '+cmd']]);
  });

  it("puts a quote before, and quotes, every cell that would start a formula, leaves plain numbers alone, and counts them", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orgdesk-export-'));
    folders.push(dir);
    const outcome = await exportCsv(resultWithFormulas(), join(dir, 'safe.csv'), { formulaSafe: true });
    expect(outcome.protectedCells).toBe(5);
    const lines = readFileSync(join(dir, 'safe.csv'), 'utf8').split('\r\n');
    expect(lines[0]).toBe('Name,Description,AnnualRevenue,Phone');
    expect(lines[1]).toBe('"\'=HYPERLINK(""http://evil.example"",""Click"")","\'@SUM(1,1)",-5,-5');
    expect(lines[2]).toBe('Acme,"\'\tindented",10,"\'+1 555 0100"');
    expect(readFileSync(join(dir, 'safe.Contacts.csv'), 'utf8')).toBe('ParentRow,LastName\r\n1,"\'+cmd"\r\n');
  });
});

describe('exportJson', () => {
  it('writes records with parents nested back into objects and children as arrays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orgdesk-export-'));
    folders.push(dir);
    await exportJson(resultWithChildren(), join(dir, 'accounts.json'));
    const records = JSON.parse(readFileSync(join(dir, 'accounts.json'), 'utf8')) as unknown[];
    expect(records).toEqual([
      {
        Id: '001000000000001AAA',
        Name: 'Acme, "the" café\nline two',
        Owner: { Name: 'Zoë' },
        IsDeleted: false,
        Contacts: [{ LastName: 'Lee', Email: null }, { LastName: 'Ng', Email: 'ng@x.org' }],
      },
      { Id: '001000000000002AAA', Name: '', Owner: { Name: null }, IsDeleted: true, Contacts: null },
    ]);
  });
});

describe('export to a place that cannot be written', () => {
  // Tests run as root, where chmod does not stop a write: a path through a regular file (ENOTDIR) stands for an
  // unwritable folder, and /dev/full for a full disk (ENOSPC).
  it('ends in a FILE error naming the path when the folder cannot be written, and the next export still works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orgdesk-export-'));
    folders.push(dir);
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    for (const write of [exportCsv, exportJson]) {
      const target = join(blocker, 'accounts.out');
      const error: unknown = await write(resultWithChildren(), target).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceError);
      expect(error).toMatchObject({ code: 'FILE', message: expect.stringContaining(target) as unknown, hint: expect.stringMatching(/folder/) as unknown });
    }
    await expect(exportCsv(resultWithChildren(), join(dir, 'ok.csv'))).resolves.toMatchObject({ rows: 2 });
    expect(readdirSync(dir).sort()).toEqual(['not-a-folder', 'ok.Contacts.csv', 'ok.csv']);
  });

  it.runIf(existsSync('/dev/full'))('ends in a FILE error saying the disk is full when a write finds no space', async () => {
    for (const write of [exportCsv, exportJson]) {
      const error: unknown = await write(resultWithChildren(), '/dev/full').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'FILE', message: expect.stringMatching(/\/dev\/full: the disk is full/) as unknown, hint: expect.stringMatching(/Free some disk space/) as unknown });
    }
  });
});
