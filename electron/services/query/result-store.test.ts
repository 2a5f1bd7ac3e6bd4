import { describe, expect, it } from 'vitest';
import { createResultStore } from './result-store';
import { readQueryShape } from './soql-columns';

const account = (name: string | null, employees: number | null, owner: string | null, contacts: string[] | null): Record<string, unknown> => ({
  attributes: { type: 'Account' },
  Name: name,
  NumberOfEmployees: employees,
  Owner: owner === null ? null : { attributes: { type: 'User' }, Name: owner },
  Contacts: contacts === null ? null : { totalSize: contacts.length, done: true, records: contacts.map((c) => ({ attributes: { type: 'Contact' }, LastName: c })) },
});

function store() {
  const s = createResultStore();
  s.setColumns(readQueryShape('SELECT name, NumberOfEmployees, Owner.Name, (SELECT LastName FROM Contacts) FROM Account').columns);
  s.appendRecords([
    account('beta', 10, 'Zed', ['B1']),
    account('Alpha', null, null, null),
    account('', 200, 'Ann', ['G1', 'G2']),
    account(null, 30, 'ann', []),
  ]);
  return s;
}

describe('createResultStore', () => {
  it('reads fields whatever the case in the SOQL, keeps null and empty string apart, and counts children', () => {
    const s = store();
    expect(s.columns.map((c) => c.path)).toEqual(['name', 'NumberOfEmployees', 'Owner.Name', 'Contacts']);
    expect(s.window({ offset: 0, limit: 10, sort: [], filter: '' }).rows).toEqual([
      ['beta', 10, 'Zed', { children: 1 }],
      ['Alpha', null, null, { children: 0 }],
      ['', 200, 'Ann', { children: 2 }],
      [null, 30, 'ann', { children: 0 }],
    ]);
  });

  it('sorts numbers as numbers with nulls first ascending and last descending', () => {
    const s = store();
    const up = s.window({ offset: 0, limit: 10, sort: [{ column: 'NumberOfEmployees', descending: false }], filter: '' });
    expect(up.rows.map((r) => r[1])).toEqual([null, 10, 30, 200]);
    const down = s.window({ offset: 0, limit: 10, sort: [{ column: 'NumberOfEmployees', descending: true }], filter: '' });
    expect(down.rows.map((r) => r[1])).toEqual([200, 30, 10, null]);
  });

  it('sorts by several columns, text ignoring case, ties keeping row order', () => {
    const s = store();
    const w = s.window({
      offset: 0,
      limit: 10,
      sort: [
        { column: 'Owner.Name', descending: false },
        { column: 'NumberOfEmployees', descending: true },
      ],
      filter: '',
    });
    expect(w.rows.map((r) => r[0])).toEqual(['Alpha', '', null, 'beta']);
  });

  it('filters on any cell text, answers windows of the match and maps view rows to their children', () => {
    const s = store();
    const w = s.window({ offset: 1, limit: 1, sort: [], filter: 'ANN' });
    expect(w.matched).toBe(2);
    expect(w.rows).toEqual([[null, 30, 'ann', { children: 0 }]]);
    const children = s.children(s.rowIndexAt(0, [{ column: 'NumberOfEmployees', descending: true }], ''), 'Contacts');
    expect(children.columns).toEqual([{ path: 'LastName', kind: 'field' }]);
    expect(children.rows).toEqual([['G1'], ['G2']]);
  });

  it('sorts Bulk CSV text that holds numbers as numbers', () => {
    const s = createResultStore();
    s.setColumns([{ path: 'Amount', kind: 'field', read: ['Amount'] }]);
    s.appendRows([['9'], ['100'], [null], ['-5.5']]);
    expect(s.window({ offset: 0, limit: 10, sort: [{ column: 'Amount', descending: false }], filter: '' }).rows).toEqual([[null], ['-5.5'], ['9'], ['100']]);
  });

  it('refuses an unknown column with a readable error', () => {
    expect(() => store().window({ offset: 0, limit: 1, sort: [{ column: 'Nope', descending: false }], filter: '' })).toThrow(/no column "Nope"/);
  });
});
