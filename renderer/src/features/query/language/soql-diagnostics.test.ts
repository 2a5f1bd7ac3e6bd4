import { describe, expect, it } from 'vitest';
import { createLocalOrgCatalog } from '../../../../test/local-org-catalog';
import { diagnoseSoql, levenshtein, nearestName, offsetOf, syntaxDiagnostic, type SoqlDiagnostic } from './soql-diagnostics';

const diagnose = (text: string): Promise<SoqlDiagnostic[]> => diagnoseSoql(text, createLocalOrgCatalog());
const marked = (text: string, d: SoqlDiagnostic | undefined): string => (d === undefined ? '' : text.slice(d.start, d.end));

describe('SOQL diagnostics', () => {
  it('reports nothing for a valid statement with parent paths, subqueries and a semi-join', async () => {
    const text =
      "SELECT Id, Name, Owner.Name, Parent.Owner.Email, (SELECT LastName, Account.Name FROM Contacts WHERE Email != null), " +
      "(SELECT Status__c FROM Invoices__r) FROM Account WHERE Rating IN ('Hot') AND Id IN (SELECT AccountId FROM Contact) " +
      'AND CreatedDate = LAST_N_DAYS:30 ORDER BY Name DESC NULLS LAST LIMIT 10';
    expect(await diagnose(text)).toEqual([]);
  });

  it('accepts aggregates with aliases and GROUP BY', async () => {
    expect(await diagnose('SELECT Industry, COUNT(Id) total, MAX(AnnualRevenue) FROM Account GROUP BY Industry HAVING COUNT(Id) > 1')).toEqual([]);
  });

  it('marks a misspelt field and suggests the near name', async () => {
    const text = 'SELECT Id, Nmae FROM Account';
    const [d] = await diagnose(text);
    expect(d).toMatchObject({ code: 'unknown-field', suggestion: 'Name' });
    expect(marked(text, d)).toBe('Nmae');
    expect(d?.message).toContain("Did you mean 'Name'?");
  });

  it('marks nothing against a schema it does not have (no org chosen, or its describe failed), only syntax', async () => {
    const none = { objects: () => Promise.resolve([]), describe: () => Promise.resolve(null) };
    expect(await diagnoseSoql('SELECT Id, Name FROM Account', none)).toEqual([]);
    expect(await diagnoseSoql('SELECT Id FROM Account WHERE', none)).toMatchObject([{ code: 'syntax' }]);
  });

  it('marks an unknown object with a suggestion', async () => {
    const text = 'SELECT Id FROM Acount';
    const [d] = await diagnose(text);
    expect(d).toMatchObject({ code: 'unknown-object', suggestion: 'Account' });
    expect(marked(text, d)).toBe('Acount');
  });

  it('marks only the bad segment of a parent path', async () => {
    const text = 'SELECT Account.Ownr.Name FROM Contact';
    const [d] = await diagnose(text);
    expect(d).toMatchObject({ code: 'unknown-relationship', suggestion: 'Owner' });
    expect(marked(text, d)).toBe('Ownr');
  });

  it('marks a bad field at the end of a parent path', async () => {
    const text = 'SELECT Account.Owner.Emial FROM Contact';
    const [d] = await diagnose(text);
    expect(d).toMatchObject({ code: 'unknown-field', suggestion: 'Email' });
    expect(marked(text, d)).toBe('Emial');
  });

  it('checks subquery fields against the child object, not the parent', async () => {
    const text = 'SELECT Name, (SELECT LastName, Industry FROM Contacts) FROM Account';
    const ds = await diagnose(text);
    expect(ds).toHaveLength(1);
    expect(marked(text, ds[0])).toBe('Industry');
  });

  it('marks an unknown child relationship with a suggestion', async () => {
    const text = 'SELECT Name, (SELECT Id FROM Contact) FROM Account';
    const [d] = await diagnose(text);
    expect(d).toMatchObject({ code: 'unknown-child-relationship', suggestion: 'Contacts' });
    expect(marked(text, d)).toBe('Contact');
  });

  it('checks WHERE, ORDER BY and GROUP BY fields but not values or date literals', async () => {
    const text = "SELECT Id FROM Account WHERE Nam = 'Nam' AND CreatedDate > YESTERDAY ORDER BY Ratng";
    const ds = await diagnose(text);
    expect(ds.map((d) => marked(text, d))).toEqual(['Nam', 'Ratng']);
  });

  it('places a syntax error on the token the parser stopped at', () => {
    const text = 'SELECT Id,, Name FROM Account';
    const d = syntaxDiagnostic(text);
    expect(d?.code).toBe('syntax');
    expect(d?.start).toBe(text.indexOf(',,') + 1);
  });

  it('places a syntax error on a later occurrence of the same token', () => {
    const text = 'SELECT Name, Id FROM Account WHERE Name = Name';
    const d = syntaxDiagnostic(text);
    expect(d?.start).toBe(text.lastIndexOf('Name'));
  });

  it('places a misspelt keyword error on the keyword', () => {
    const text = 'SELEC Id FROM Account';
    expect(syntaxDiagnostic(text)).toMatchObject({ start: 0, end: 5 });
  });

  it('places an incomplete statement error at its end', () => {
    const text = 'SELECT Id FROM Account WHERE';
    const d = syntaxDiagnostic(text);
    expect(marked(text, d ?? undefined)).toBe('WHERE');
    expect(d?.message).toMatch(/ends too early/);
  });

  it('reports no syntax error for a valid or empty statement', () => {
    expect(syntaxDiagnostic('SELECT Id FROM Account')).toBeNull();
    expect(syntaxDiagnostic('   ')).toBeNull();
  });

  it('reports schema errors even when the syntax is broken elsewhere', async () => {
    const text = 'SELECT Id, Nme FROM Account WHERE';
    const codes = (await diagnose(text)).map((d) => d.code);
    expect(codes).toEqual(['unknown-field', 'syntax']);
  });
});

describe('near-miss names', () => {
  it('measures edit distance case-insensitively', () => {
    expect(levenshtein('Nmae', 'Name')).toBe(1);
    expect(levenshtein('Nmxe', 'Name')).toBe(2);
    expect(levenshtein('ACCOUNT', 'account')).toBe(0);
    expect(levenshtein('', 'abc')).toBe(3);
  });

  it('suggests only names near enough', () => {
    expect(nearestName('Stauts__c', ['Status__c', 'Amount__c'])).toBe('Status__c');
    expect(nearestName('Xyz', ['Name', 'Id'])).toBeUndefined();
  });

  it('converts 1-based line and column to an offset', () => {
    expect(offsetOf('SELECT Id\nFROM Acc', 2, 6)).toBe(15);
  });
});
