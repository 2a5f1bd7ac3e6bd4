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
    expect(outcome).toEqual({ files: [join(dir, 'accounts.csv'), join(dir, 'accounts.Contacts.csv')], rows: 2 });
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
