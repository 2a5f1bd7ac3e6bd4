import { describe, expect, it } from 'vitest';
import { columnsFromRecords, readQueryShape } from './soql-columns';

describe('readQueryShape', () => {
  it('lists columns in SELECT order with dotted parent paths and child subqueries', () => {
    const shape = readQueryShape('SELECT Id, Name, Account.Owner.Name, (SELECT LastName FROM Cases) FROM Contact');
    expect(shape.object).toBe('Contact');
    expect(shape.columns.map((c) => [c.path, c.kind])).toEqual([
      ['Id', 'field'],
      ['Name', 'field'],
      ['Account.Owner.Name', 'field'],
      ['Cases', 'children'],
    ]);
    expect(shape.columns[3]?.children?.map((c) => c.path)).toEqual(['LastName']);
    expect(shape.bulkBlocker).toBe('parent-to-child subqueries');
  });

  it('strips the object alias and the object name prefix from paths', () => {
    const shape = readQueryShape('SELECT a.Name, a.Owner.Name FROM Account a');
    expect(shape.columns.map((c) => c.path)).toEqual(['Name', 'Owner.Name']);
  });

  it('names unaliased aggregates expr0, expr1 and reads grouped parent fields by their last name', () => {
    const shape = readQueryShape('SELECT COUNT(Id), MAX(Amount) top, Account.Name FROM Opportunity GROUP BY Account.Name');
    expect(shape.columns.map((c) => [c.path, c.read.join('.')])).toEqual([
      ['COUNT(Id)', 'expr0'],
      ['top', 'top'],
      ['Account.Name', 'Name'],
    ]);
    expect(shape.bulkBlocker).toBe('aggregate functions');
  });

  it('leaves the columns to the records for FIELDS() and for text the parser refuses', () => {
    expect(readQueryShape('SELECT FIELDS(STANDARD) FROM Account').columnsFromRecords).toBe(true);
    expect(readQueryShape('SELEKT Id FROM Account').columnsFromRecords).toBe(true);
  });

  it('lets Bulk run a plain query', () => {
    expect(readQueryShape('SELECT Id, Account.Name FROM Contact WHERE LastName != null').bulkBlocker).toBeNull();
  });
});

describe('columnsFromRecords', () => {
  it('flattens parents, keeps children apart and ignores attributes', () => {
    const columns = columnsFromRecords([
      {
        attributes: { type: 'Account' },
        Name: 'Acme',
        Owner: { attributes: { type: 'User' }, Name: 'Ann' },
        Contacts: { totalSize: 1, done: true, records: [{ attributes: { type: 'Contact' }, LastName: 'Lee' }] },
      },
    ]);
    expect(columns.map((c) => [c.path, c.kind])).toEqual([
      ['Name', 'field'],
      ['Owner.Name', 'field'],
      ['Contacts', 'children'],
    ]);
    expect(columns[2]?.children?.map((c) => c.path)).toEqual(['LastName']);
  });
});
