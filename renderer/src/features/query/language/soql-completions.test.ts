import { describe, expect, it } from 'vitest';
import type { ObjectInfo } from '../../../../../shared/ipc/contract';
import { createLocalOrgCatalog } from '../../../../test/local-org-catalog';
import { completeSoql, type SoqlCompletion } from './soql-completions';
import { contextAt } from './soql-context';

/** Completes at the `|` marker of a statement. */
async function complete(marked: string): Promise<SoqlCompletion[]> {
  const offset = marked.indexOf('|');
  return completeSoql(marked.replace('|', ''), offset, createLocalOrgCatalog());
}
const labels = (items: SoqlCompletion[]): string[] => items.map((i) => i.label);

describe('SOQL completion', () => {
  it('offers objects after FROM', async () => {
    const items = await complete('SELECT Id FROM |');
    expect(labels(items)).toEqual(expect.arrayContaining(['Account', 'Contact', 'Invoice__c']));
    expect(items.every((i) => i.kind === 'object')).toBe(true);
  });

  it('offers the FROM object fields in SELECT even though FROM comes after the cursor', async () => {
    const items = await complete('SELECT Id, | FROM Account');
    expect(labels(items)).toEqual(expect.arrayContaining(['Name', 'Industry', 'AnnualRevenue', 'Owner.', 'Parent.']));
    expect(labels(items)).not.toContain('LastName');
  });

  it('replaces only the segment being typed', async () => {
    const items = await complete('SELECT Na| FROM Account');
    const name = items.find((i) => i.label === 'Name');
    expect(name).toMatchObject({ replaceStart: 7, replaceEnd: 9 });
  });

  it('follows a multi-level parent path', async () => {
    const items = await complete('SELECT Account.Owner.| FROM Contact');
    expect(labels(items)).toEqual(expect.arrayContaining(['Username', 'Email', 'CreatedBy.']));
    expect(labels(items)).not.toContain('Industry');
    const username = items.find((i) => i.label === 'Username');
    expect(username?.replaceStart).toBe('SELECT Account.Owner.'.length);
  });

  it('marks relationships to re-trigger suggestions after the dot', async () => {
    const items = await complete('SELECT | FROM Contact');
    expect(items.find((i) => i.label === 'Account.')).toMatchObject({ kind: 'relationship', insertText: 'Account.', retrigger: true });
  });

  it('follows custom relationships ending in __r', async () => {
    const items = await complete('SELECT Account__r.| FROM Invoice__c');
    expect(labels(items)).toEqual(expect.arrayContaining(['Industry', 'Owner.']));
  });

  it('offers child relationship names after FROM inside a subquery', async () => {
    const items = await complete('SELECT Id, (SELECT Id FROM |) FROM Account');
    expect(labels(items)).toEqual(expect.arrayContaining(['Contacts', 'Opportunities', 'Invoices__r', 'ChildAccounts']));
    expect(labels(items)).not.toContain('Contact');
  });

  it('offers the child object fields in a subquery SELECT, not the parent fields', async () => {
    const items = await complete('SELECT Name, (SELECT Id, | FROM Contacts) FROM Account');
    expect(labels(items)).toEqual(expect.arrayContaining(['LastName', 'Email', 'ReportsTo.']));
    expect(labels(items)).not.toContain('Industry');
  });

  it('offers custom child relationship fields inside a subquery', async () => {
    const items = await complete('SELECT Name, (SELECT | FROM Invoices__r) FROM Account');
    expect(labels(items)).toEqual(expect.arrayContaining(['Status__c', 'Amount__c', 'Due_Date__c']));
  });

  it('completes in a subquery whose parenthesis is not closed yet', async () => {
    const items = await complete('SELECT Name, (SELECT Id, Las| FROM Contacts FROM Account');
    expect(labels(items)).toContain('LastName');
  });

  it('completes parent paths inside a subquery from the child object', async () => {
    const items = await complete('SELECT Name, (SELECT Owner.| FROM Contacts) FROM Account');
    expect(labels(items)).toContain('Username');
  });

  it('completes in the subquery WHERE from the child object', async () => {
    const items = await complete("SELECT Name, (SELECT Id FROM Invoices__r WHERE |) FROM Account WHERE Name = 'x'");
    expect(labels(items)).toContain('Status__c');
    expect(labels(items)).not.toContain('Industry');
  });

  it('returns to the parent object after the subquery closes', async () => {
    const items = await complete('SELECT Name, (SELECT Id FROM Contacts), | FROM Account');
    expect(labels(items)).toContain('Industry');
    expect(labels(items)).not.toContain('LastName');
  });

  it('uses top-level objects in a semi-join subquery', async () => {
    const objects = await complete('SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM |)');
    expect(labels(objects)).toContain('Contact');
    const fields = await complete('SELECT Id FROM Account WHERE Id IN (SELECT | FROM Contact)');
    expect(labels(fields)).toContain('AccountId');
  });

  it('offers subquery snippets for child relationships in the outer SELECT', async () => {
    const items = await complete('SELECT Id, | FROM Account');
    expect(items.find((i) => i.label === '(SELECT … FROM Invoices__r)')).toMatchObject({ snippet: true, kind: 'subquery' });
  });

  it('offers filterable fields in WHERE, sortable in ORDER BY and groupable in GROUP BY', async () => {
    expect(labels(await complete('SELECT Id FROM Account WHERE |'))).not.toContain('Description');
    expect(labels(await complete('SELECT Id FROM Account WHERE Name = \'a\' AND |'))).toContain('Industry');
    expect(labels(await complete('SELECT Id FROM Account ORDER BY |'))).toContain('AnnualRevenue');
    expect(labels(await complete('SELECT Id FROM Account ORDER BY Name, |'))).toContain('CreatedDate');
    expect(labels(await complete('SELECT Industry, COUNT(Id) FROM Account GROUP BY |'))).toContain('Industry');
    expect(labels(await complete('SELECT Industry, COUNT(Id) FROM Account GROUP BY |'))).not.toContain('AnnualRevenue');
  });

  it('completes parent paths in WHERE and ORDER BY', async () => {
    expect(labels(await complete('SELECT Id FROM Contact WHERE Account.| = null'))).toContain('Industry');
    expect(labels(await complete('SELECT Id FROM Contact ORDER BY Account.Owner.|'))).toContain('Username');
  });

  it('offers quoted picklist values after = on a picklist field', async () => {
    const items = await complete('SELECT Id FROM Invoice__c WHERE Status__c = |');
    expect(items.filter((i) => i.kind === 'picklist').map((i) => i.insertText)).toEqual(["'Draft'", "'Sent'", "'Paid'", "'Void'"]);
  });

  it('offers picklist values inside IN ( lists, also after a comma', async () => {
    expect(labels(await complete('SELECT Id FROM Account WHERE Rating IN (|)'))).toEqual(expect.arrayContaining(['Hot', 'Warm', 'Cold']));
    expect(labels(await complete("SELECT Id FROM Account WHERE Rating NOT IN ('Hot', |)"))).toContain('Cold');
  });

  it('replaces a started string with the quoted picklist value', async () => {
    const items = await complete("SELECT Id FROM Account WHERE Industry = 'Ba|");
    const banking = items.find((i) => i.label === 'Banking');
    expect(banking).toMatchObject({ insertText: "'Banking'", replaceStart: 'SELECT Id FROM Account WHERE Industry = '.length });
  });

  it('escapes quotes in picklist values', async () => {
    // The local org has no value with a quote in it: add one to its real Salutation picklist.
    const withQuote = (object: ObjectInfo): ObjectInfo =>
      object.name !== 'Contact'
        ? object
        : { ...object, fields: object.fields.map((f) => (f.name === 'Salutation' ? { ...f, picklistValues: [...f.picklistValues, { value: "O'Neil's", label: "O'Neil's" }] } : f)) };
    const text = 'SELECT Id FROM Contact WHERE Salutation = ';
    const items = await completeSoql(text, text.length, createLocalOrgCatalog(withQuote));
    expect(items.find((i) => i.label === "O'Neil's")?.insertText).toBe("'O\\'Neil\\'s'");
  });

  it('offers picklist values of a parent field', async () => {
    expect(labels(await complete('SELECT Id FROM Contact WHERE Account.Rating = |'))).toContain('Warm');
  });

  it('offers date literals after a comparison on a date field', async () => {
    const items = await complete('SELECT Id FROM Opportunity WHERE CloseDate >= |');
    expect(labels(items)).toEqual(expect.arrayContaining(['TODAY', 'LAST_WEEK', 'LAST_N_DAYS:n']));
    expect(items.find((i) => i.label === 'LAST_N_DAYS:n')).toMatchObject({ snippet: true });
    expect(labels(await complete('SELECT Id FROM Opportunity WHERE CreatedDate = LA|'))).toContain('LAST_MONTH');
  });

  it('offers TRUE and FALSE for boolean fields', async () => {
    expect(labels(await complete('SELECT Id FROM Opportunity WHERE IsWon = |'))).toEqual(expect.arrayContaining(['TRUE', 'FALSE', 'NULL']));
  });

  it('offers operators after a field in WHERE, INCLUDES only for multi-select picklists', async () => {
    const items = await complete('SELECT Id FROM Account WHERE Name |');
    expect(labels(items)).toEqual(expect.arrayContaining(['=', 'LIKE', 'IN', 'NOT IN']));
    expect(labels(items)).not.toContain('INCLUDES');
  });

  it('offers keywords after a complete clause', async () => {
    expect(labels(await complete('SELECT Id FROM Account |'))).toEqual(expect.arrayContaining(['WHERE', 'ORDER BY', 'LIMIT']));
    expect(labels(await complete("SELECT Id FROM Account WHERE Name = 'x' |"))).toEqual(expect.arrayContaining(['AND', 'OR', 'ORDER BY']));
    expect(labels(await complete('SELECT Id FROM Account ORDER BY Name |'))).toEqual(expect.arrayContaining(['ASC', 'DESC', 'NULLS LAST']));
    expect(labels(await complete('|'))).toEqual(['SELECT']);
  });

  it('strips the object name or alias prefix from field paths', async () => {
    expect(labels(await complete('SELECT Account.| FROM Account'))).toContain('Industry');
    expect(labels(await complete('SELECT a.| FROM Account a'))).toContain('Industry');
  });

  it('offers nothing for an unknown object instead of failing', async () => {
    expect(await complete('SELECT | FROM Acount')).toEqual(expect.arrayContaining([]));
  });

  it('offers the child object fields in a subquery whose FROM comes after the cursor, with the outer FROM after it too', async () => {
    const items = await complete('SELECT Id, (SELECT | FROM Contacts) FROM Account');
    expect(labels(items)).toEqual(expect.arrayContaining(['LastName', 'Email', 'Account.']));
    expect(labels(items)).not.toContain('Industry');
  });

  it('guesses the child object from the relationship name while the outer FROM is not typed yet', async () => {
    expect(labels(await complete('SELECT Id, (SELECT | FROM Contacts)'))).toContain('LastName');
    expect(labels(await complete('SELECT Id, (SELECT | FROM Opportunities)'))).toContain('StageName');
    expect(labels(await complete('SELECT Id, (SELECT | FROM Invoices__r)'))).toContain('Status__c');
  });

  it('offers keywords, functions and Id in a subquery when no object can be resolved yet', async () => {
    const items = labels(await complete('SELECT Id, (SELECT |'));
    expect(items).toEqual(expect.arrayContaining(['FROM', 'COUNT()', 'Id']));
    expect(items).not.toContain('LastName');
  });

  it('offers Id FROM <relationship> snippets at the start of a subquery that has no FROM yet', async () => {
    const items = await complete('SELECT Id, (SELECT |) FROM Account');
    expect(items.find((i) => i.label === 'Id FROM Contacts')).toMatchObject({ kind: 'subquery', snippet: true, insertText: 'Id${1} FROM Contacts' });
    expect(labels(await complete('SELECT Id, (SELECT Name, |) FROM Account'))).not.toContain('Id FROM Contacts');
  });

  it('offers keywords only for a misspelt FROM object', async () => {
    expect(labels(await complete('SELECT | FROM Acount'))).toEqual(['FROM']);
  });

  it('completes parent paths after WHERE, AND, NOT and an open parenthesis, in ORDER BY and in a subquery', async () => {
    expect(labels(await complete('SELECT Id FROM Contact WHERE Account.|'))).toContain('Industry');
    expect(labels(await complete("SELECT Id FROM Contact WHERE Name = 'x' AND Account.|"))).toContain('Industry');
    expect(labels(await complete('SELECT Id FROM Contact WHERE NOT Account.|'))).toContain('Industry');
    expect(labels(await complete('SELECT Id FROM Contact WHERE (Account.|'))).toContain('Industry');
    expect(labels(await complete('SELECT Id FROM Contact ORDER BY Owner.|'))).toContain('Username');
    expect(labels(await complete('SELECT Id FROM Account ORDER BY Owner.| LIMIT 10'))).toContain('Username');
    expect(labels(await complete('SELECT Id, (SELECT Id FROM Contacts WHERE Account.|) FROM Account'))).toContain('Industry');
    expect(labels(await complete('SELECT Id, (SELECT Id FROM Contacts ORDER BY Owner.|) FROM Account'))).toContain('Username');
  });

  it('keeps only filterable fields on a parent path in WHERE', async () => {
    expect(labels(await complete('SELECT Id FROM Contact WHERE Account.|'))).not.toContain('Description');
  });

  it('works across lines', async () => {
    expect(labels(await complete('SELECT Id,\n  (SELECT Id,\n     | FROM Contacts)\nFROM Account'))).toContain('LastName');
  });
});

describe('SOQL cursor context', () => {
  it('reports the clause and scope at the cursor', () => {
    const text = 'SELECT Id, (SELECT Id FROM Contacts WHERE Email != null) FROM Account ORDER BY Name';
    expect(contextAt(text, text.indexOf('Email')).clause).toBe('where');
    expect(contextAt(text, text.indexOf('Email')).scope.kind).toBe('child');
    expect(contextAt(text, text.length).clause).toBe('orderBy');
    expect(contextAt(text, text.length).scope.kind).toBe('root');
  });
});
