import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CellValue, QuerySort } from '../../shared/ipc/domains/query';
import { createDiskResultStore } from './disk-result-store';
import { createResultStore, type ResultStore } from './result-store';
import type { ViewOptions } from './result-views';
import { readQueryShape } from './soql-columns';

const folder = mkdtempSync(join(tmpdir(), 'orgdesk-stores-'));
let files = 0;
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** The two stores a run's rows can live in; every test below runs against both. */
const STORES: [string, (options?: ViewOptions) => ResultStore][] = [
  ['in memory', (options) => createResultStore(options)],
  ['on disk', (options) => createDiskResultStore(join(folder, `store-${(files += 1)}.sqlite`), options)],
];

const account = (name: string | null, employees: number | null, owner: string | null, contacts: string[] | null): Record<string, unknown> => ({
  attributes: { type: 'Account' },
  Name: name,
  NumberOfEmployees: employees,
  Owner: owner === null ? null : { attributes: { type: 'User' }, Name: owner },
  Contacts: contacts === null ? null : { totalSize: contacts.length, done: true, records: contacts.map((c) => ({ attributes: { type: 'Contact' }, LastName: c })) },
});

/** A one-column store holding these cells (as REST gives them when `records`, else as flattened rows). */
function column(make: () => ResultStore, cells: CellValue[]): ResultStore {
  const s = make();
  s.setColumns([{ path: 'V', kind: 'field', read: ['V'] }]);
  s.appendRows(cells.map((c) => [c]));
  return s;
}

const sorted = async (s: ResultStore, sort: QuerySort[], filter = ''): Promise<CellValue[][]> => (await s.window({ offset: 0, limit: 100, sort, filter })).rows;
const up: QuerySort[] = [{ column: 'V', descending: false }];
const down: QuerySort[] = [{ column: 'V', descending: true }];

describe.each(STORES)('the result store %s', (_name, make) => {
  function accounts(): ResultStore {
    const s = make();
    s.setColumns(readQueryShape('SELECT name, NumberOfEmployees, Owner.Name, (SELECT LastName FROM Contacts) FROM Account').columns);
    s.appendRecords([account('beta', 10, 'Zed', ['B1']), account('Alpha', null, null, null), account('', 200, 'Ann', ['G1', 'G2']), account(null, 30, 'ann', [])]);
    return s;
  }

  it('reads fields whatever the case in the SOQL, keeps null and empty string apart, and counts children', async () => {
    const s = accounts();
    expect(s.columns.map((c) => c.path)).toEqual(['name', 'NumberOfEmployees', 'Owner.Name', 'Contacts']);
    expect(await sorted(s, [])).toEqual([
      ['beta', 10, 'Zed', { children: 1 }],
      ['Alpha', null, null, { children: 0 }],
      ['', 200, 'Ann', { children: 2 }],
      [null, 30, 'ann', { children: 0 }],
    ]);
    expect(s.slice(1, 3)).toEqual([
      ['Alpha', null, null, { children: 0 }],
      ['', 200, 'Ann', { children: 2 }],
    ]);
  });

  // The sort rules of QuerySort (shared/ipc/domains/query.ts), one table for both stores.
  const table: { rule: string; cells: CellValue[]; ascending: CellValue[]; descending: CellValue[] }[] = [
    { rule: 'numbers as numbers, nulls first ascending and last descending', cells: [10, null, 200, 30, -1.5], ascending: [null, -1.5, 10, 30, 200], descending: [200, 30, 10, -1.5, null] },
    { rule: 'Bulk CSV text that holds numbers as numbers', cells: ['9', '100', null, '-5.5', '1e3'], ascending: [null, '-5.5', '9', '100', '1e3'], descending: ['1e3', '100', '9', '-5.5', null] },
    { rule: 'text ignoring case, ties in fetched order', cells: ['beta', 'Ann', 'alpha', 'ann', 'Beta'], ascending: ['alpha', 'Ann', 'ann', 'beta', 'Beta'], descending: ['beta', 'Beta', 'Ann', 'ann', 'alpha'] },
    { rule: 'text with digits in their numeric order, empty text before any letter', cells: ['Case 10', 'Case 9', '', null, 'Case 100'], ascending: [null, '', 'Case 9', 'Case 10', 'Case 100'], descending: ['Case 100', 'Case 10', 'Case 9', '', null] },
    { rule: 'booleans as false before true', cells: [true, false, null, true], ascending: [null, false, true, true], descending: [true, true, false, null] },
    { rule: 'a column mixing numbers and text with the numbers first', cells: ['b', 2, 'A', 1], ascending: [1, 2, 'A', 'b'], descending: ['b', 'A', 2, 1] },
  ];
  it.each(table)('sorts $rule', async ({ cells, ascending, descending }) => {
    const s = column(make, cells);
    expect((await sorted(s, up)).map((r) => r[0])).toEqual(ascending);
    expect((await sorted(s, down)).map((r) => r[0])).toEqual(descending);
  });

  it('sorts by several columns, text ignoring case, ties keeping row order', async () => {
    const rows = await sorted(accounts(), [
      { column: 'Owner.Name', descending: false },
      { column: 'NumberOfEmployees', descending: true },
    ]);
    expect(rows.map((r) => r[0])).toEqual(['Alpha', '', null, 'beta']);
  });

  it('sorts by the child count of a children column', async () => {
    const rows = await sorted(accounts(), [{ column: 'Contacts', descending: true }]);
    expect(rows.map((r) => r[0])).toEqual(['', 'beta', 'Alpha', null]);
  });

  it('filters on any cell text, answers windows of the match and maps view rows to their children', async () => {
    const s = accounts();
    const w = await s.window({ offset: 1, limit: 1, sort: [], filter: 'ANN' });
    expect(w.matched).toBe(2);
    expect(w.rows).toEqual([[null, 30, 'ann', { children: 0 }]]);
    expect((await s.window({ offset: 0, limit: 10, sort: [], filter: '20' })).rows.map((r) => r[1])).toEqual([200]);
    const children = s.children(await s.rowIndexAt(0, [{ column: 'NumberOfEmployees', descending: true }], ''), 'Contacts');
    expect(children.columns).toEqual([{ path: 'LastName', kind: 'field' }]);
    expect(children.rows).toEqual([['G1'], ['G2']]);
    expect(s.childColumns('Contacts').map((c) => c.path)).toEqual(['LastName']);
    expect(s.childRecords(1, 'Contacts')).toBeNull();
  });

  it('refuses an unknown column and a view row past the end with readable errors', async () => {
    await expect(accounts().window({ offset: 0, limit: 1, sort: [{ column: 'Nope', descending: false }], filter: '' })).rejects.toThrow(/no column "Nope"/);
    await expect(accounts().rowIndexAt(9, [], '')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(() => accounts().children(0, 'name')).toThrow(/not a child subquery/);
  });

  it('builds a big sorted view in slices that let the event loop run between them', async () => {
    const cells = Array.from({ length: 20_000 }, (_, i) => `name ${(i * 7919) % 20_000}`);
    const s = column(() => make({ sliceMs: 0 }), cells);
    let turns = 0;
    let counting = true;
    const tick = (): void => {
      turns += 1;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const rows = await sorted(s, up);
    counting = false;
    expect(rows[0]).toEqual(['name 0']);
    expect(turns).toBeGreaterThan(10);
  });

  it('reuses a sorted view while rows arrive until they double, and sorts again once sealed', async () => {
    const s = column(make, ['c', 'a']);
    expect((await s.window({ offset: 0, limit: 10, sort: up, filter: '' })).matched).toBe(2);
    s.appendRows([['b']]);
    // 3 rows < 2 × 2: the view of 2 rows is served again rather than sorting per page.
    expect((await sorted(s, up)).map((r) => r[0])).toEqual(['a', 'c']);
    s.appendRows([['d']]);
    expect((await sorted(s, up)).map((r) => r[0])).toEqual(['a', 'b', 'c', 'd']);
    s.appendRows([['0']]);
    s.seal();
    expect((await sorted(s, up)).map((r) => r[0])).toEqual(['0', 'a', 'b', 'c', 'd']);
  });
});

describe('the result store on disk', () => {
  it('deletes its file when closed', () => {
    const file = join(folder, 'closing.sqlite');
    const s = createDiskResultStore(file);
    s.setColumns([{ path: 'V', kind: 'field', read: ['V'] }]);
    s.appendRows([['x']]);
    expect(existsSync(file)).toBe(true);
    s.close();
    expect(existsSync(file)).toBe(false);
  });

  it('fails with a FILE error naming the file when it cannot be created', () => {
    const file = join('/dev/null', 'x.sqlite');
    expect(() => createDiskResultStore(file)).toThrow(expect.objectContaining({ code: 'FILE', message: expect.stringContaining(file) as unknown }));
  });
});
