import { describe, expect, it } from 'vitest';
import { bulkUnsupportedConstructs, executeSoql, executeSoqlRows, type SoqlRecord } from './index';
import { SoqlError } from './soql-error';
import { IDS, NOW, createSoqlFixture } from './soql-fixture';
import { createTestOrg } from './soql-test-org';

const org = createSoqlFixture();
const V = '/services/data/v60.0';

const run = (soql: string, includeDeleted = false) => executeSoql(org, soql, { includeDeleted, now: NOW, apiVersion: '60.0' });

const rec = (type: string, id: string, fields: Record<string, unknown>): SoqlRecord => ({
  attributes: { type, url: `${V}/sobjects/${type}/${id}` },
  ...fields,
});

const agg = (fields: Record<string, unknown>): SoqlRecord => ({ attributes: { type: 'AggregateResult' }, ...fields });

const idsOf = (records: SoqlRecord[]): string[] =>
  records.map((record) => ((record.attributes as { url: string }).url.split('/').pop() ?? ''));

const A = [IDS.acme, IDS.beta, IDS.gamma];

type IdCase = { soql: string; ids: string[]; all?: boolean };

const selections: IdCase[] = [
  { soql: "SELECT Id FROM Account WHERE Name = 'ACME'", ids: [IDS.acme] },
  { soql: "SELECT Id FROM Account WHERE Id = '001000000000001'", ids: [IDS.acme] },
  { soql: "SELECT Id FROM Account WHERE Industry != 'Technology'", ids: [IDS.beta, IDS.gamma] },
  { soql: "SELECT Id FROM Account WHERE Industry <> 'technology'", ids: [IDS.beta, IDS.gamma] },
  { soql: 'SELECT Id FROM Account WHERE NumberOfEmployees > 20', ids: [IDS.acme] },
  { soql: 'SELECT Id FROM Account WHERE NumberOfEmployees >= 20', ids: [IDS.acme, IDS.beta] },
  { soql: 'SELECT Id FROM Account WHERE NumberOfEmployees < 100', ids: [IDS.beta] },
  { soql: 'SELECT Id FROM Account WHERE NumberOfEmployees <= 100', ids: [IDS.acme, IDS.beta] },
  { soql: 'SELECT Id FROM Account WHERE AnnualRevenue = 5000.5', ids: [IDS.acme] },
  { soql: "SELECT Id FROM Account WHERE Name LIKE 'b%'", ids: [IDS.beta] },
  { soql: "SELECT Id FROM Account WHERE Name LIKE '%CORP'", ids: [IDS.beta] },
  { soql: "SELECT Id FROM Account WHERE Name LIKE '_cme'", ids: [IDS.acme] },
  { soql: "SELECT Id FROM Account WHERE Name LIKE 'Gamma\\_%'", ids: [IDS.gamma] },
  { soql: "SELECT Id FROM Account WHERE Industry IN ('technology', 'Finance')", ids: [IDS.acme, IDS.beta] },
  { soql: "SELECT Id FROM Account WHERE Industry NOT IN ('Technology')", ids: [IDS.beta, IDS.gamma] },
  { soql: "SELECT Id FROM Account WHERE Regions__c INCLUDES ('emea')", ids: [IDS.acme] },
  { soql: "SELECT Id FROM Account WHERE Regions__c INCLUDES ('EMEA;APAC', 'x')", ids: [IDS.acme] },
  { soql: "SELECT Id FROM Account WHERE Regions__c INCLUDES ('EMEA;AMER')", ids: [] },
  { soql: "SELECT Id FROM Account WHERE Regions__c EXCLUDES ('AMER')", ids: [IDS.acme, IDS.gamma] },
  { soql: "SELECT Id FROM Account WHERE (Industry = 'Finance' OR NumberOfEmployees > 50) AND (NOT Name LIKE 'b%')", ids: [IDS.acme] },
  { soql: 'SELECT Id FROM Account WHERE Industry != null AND (NOT NumberOfEmployees > 50)', ids: [IDS.beta] },
  { soql: "SELECT Id FROM Account WHERE NOT Name LIKE 'b%' AND Industry != null", ids: [IDS.acme] },
  { soql: "SELECT Id FROM Account WHERE NOT (Name = 'Acme' OR Name = 'beta Corp')", ids: [IDS.gamma] },
  { soql: 'SELECT Id FROM Account WHERE Industry = null', ids: [IDS.gamma] },
  { soql: 'SELECT Id FROM Account WHERE Industry != null', ids: [IDS.acme, IDS.beta] },
  { soql: 'SELECT Id FROM User WHERE IsActive = true', ids: [IDS.ada] },
  { soql: 'SELECT Id FROM User WHERE IsActive = FALSE', ids: [IDS.bob] },
  { soql: 'SELECT Id FROM Contact WHERE Birthdate > 1988-01-01', ids: [IDS.lovelace] },
  { soql: 'SELECT Id FROM Account WHERE CreatedDate > 2026-11-28T00:00:00Z', ids: [IDS.acme] },
  { soql: 'SELECT Id FROM Account WHERE CreatedDate < 2026-11-28T00:30:00+01:00', ids: [IDS.beta, IDS.gamma] },
  { soql: 'SELECT Id FROM Account WHERE CreatedDate = TODAY', ids: [IDS.acme] },
  { soql: 'SELECT Id FROM Account WHERE CreatedDate = YESTERDAY', ids: [IDS.beta] },
  { soql: 'SELECT Id FROM Account WHERE CreatedDate > YESTERDAY', ids: [IDS.acme] },
  { soql: 'SELECT Id FROM Account WHERE CreatedDate < YESTERDAY', ids: [IDS.gamma] },
  { soql: 'SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:1', ids: [IDS.acme, IDS.beta] },
  { soql: 'SELECT Id FROM Account WHERE CreatedDate = THIS_WEEK', ids: [IDS.acme, IDS.beta] },
  { soql: 'SELECT Id FROM Account WHERE CreatedDate = THIS_MONTH', ids: [IDS.acme, IDS.beta] },
  { soql: 'SELECT Id FROM Account WHERE CreatedDate = LAST_MONTH', ids: [IDS.gamma] },
  { soql: 'SELECT Id FROM Account WHERE CreatedDate = THIS_YEAR', ids: A },
  { soql: 'SELECT Id FROM Account WHERE CreatedDate = LAST_YEAR', ids: [] },
  { soql: 'SELECT Id FROM Account WHERE CreatedDate = LAST_YEAR', ids: [IDS.deleted], all: true },
  { soql: 'SELECT Id FROM Account WHERE CreatedDate IN (TODAY, LAST_MONTH)', ids: [IDS.acme, IDS.gamma] },
  { soql: 'SELECT Id FROM Invoice__c WHERE Due_Date__c = NEXT_N_DAYS:7', ids: [IDS.paid] },
  { soql: 'SELECT Id FROM Invoice__c WHERE Due_Date__c = NEXT_MONTH', ids: [IDS.open] },
  { soql: 'SELECT Id FROM Invoice__c WHERE Due_Date__c = THIS_QUARTER', ids: [IDS.paid, IDS.open, IDS.loose] },
  { soql: 'SELECT Id FROM Invoice__c WHERE Due_Date__c = TOMORROW', ids: [] },
  { soql: 'SELECT Id FROM Account WHERE CALENDAR_MONTH(CreatedDate) = 10', ids: [IDS.gamma] },
  { soql: 'SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact)', ids: [IDS.acme, IDS.beta] },
  { soql: "SELECT Id FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact WHERE LastName = 'Turing')", ids: [IDS.acme, IDS.gamma] },
  { soql: "SELECT Id FROM Contact WHERE Account.Owner.Name = 'Ada Admin'", ids: [IDS.lovelace, IDS.hopper] },
  { soql: 'SELECT Id FROM Account WHERE IsDeleted = true', ids: [] },
  { soql: 'SELECT Id FROM Account WHERE IsDeleted = true', ids: [IDS.deleted], all: true },
  { soql: 'SELECT Id FROM Account', ids: [...A, IDS.deleted], all: true },
  { soql: 'SELECT Id FROM Account ORDER BY Name', ids: A },
  { soql: 'SELECT Id FROM Account ORDER BY Name DESC', ids: [IDS.gamma, IDS.beta, IDS.acme] },
  { soql: 'SELECT Id FROM Account ORDER BY Industry', ids: [IDS.gamma, IDS.beta, IDS.acme] },
  { soql: 'SELECT Id FROM Account ORDER BY Industry DESC', ids: [IDS.acme, IDS.beta, IDS.gamma] },
  { soql: 'SELECT Id FROM Account ORDER BY Industry ASC NULLS LAST', ids: [IDS.beta, IDS.acme, IDS.gamma] },
  { soql: 'SELECT Id FROM Account ORDER BY Industry DESC NULLS FIRST', ids: [IDS.gamma, IDS.acme, IDS.beta] },
  { soql: 'SELECT Id FROM Account ORDER BY OwnerId, Name DESC', ids: [IDS.gamma, IDS.acme, IDS.beta] },
  { soql: 'SELECT Id FROM Contact ORDER BY Account.Name NULLS LAST, LastName', ids: [IDS.hopper, IDS.lovelace, IDS.turing, IDS.orphan] },
  { soql: 'SELECT Id FROM Account ORDER BY Name LIMIT 2', ids: [IDS.acme, IDS.beta] },
  { soql: 'SELECT Id FROM Account ORDER BY Name LIMIT 1 OFFSET 1', ids: [IDS.beta] },
  { soql: 'SELECT Id FROM Account LIMIT 1', ids: [IDS.acme] },
  { soql: 'SELECT Id FROM Account ORDER BY Name OFFSET 2', ids: [IDS.gamma] },
];

describe('executeSoql selects the rows a real org would', () => {
  it.each(selections)('$soql (queryAll: $all)', ({ soql, ids, all }) => {
    const result = run(soql, all === true);
    expect(idsOf(result.records)).toEqual(ids);
    expect(result.totalSize).toBe(ids.length);
  });
});

type ShapeCase = { name: string; soql: string; records: SoqlRecord[]; totalSize?: number; all?: boolean };

const shapes: ShapeCase[] = [
  {
    name: 'returns fields in SELECT order with the schema case',
    soql: "select industry, name from account where id = '001000000000001AAA'",
    records: [rec('Account', IDS.acme, { Industry: 'Technology', Name: 'Acme' })],
  },
  {
    name: 'returns alias-qualified fields under their plain name',
    soql: "SELECT a.Name FROM Account a WHERE a.Name = 'Acme'",
    records: [rec('Account', IDS.acme, { Name: 'Acme' })],
  },
  {
    name: 'nests multi-level parents, each with its own attributes',
    soql: "SELECT Name, Parent.Owner.Name, Parent.Name FROM Account WHERE Name = 'beta Corp'",
    records: [
      rec('Account', IDS.beta, {
        Name: 'beta Corp',
        Parent: rec('Account', IDS.acme, { Owner: rec('User', IDS.ada, { Name: 'Ada Admin' }), Name: 'Acme' }),
      }),
    ],
  },
  {
    name: 'gives null for a missing parent, not an object of nulls',
    soql: "SELECT LastName, Account.Name FROM Contact WHERE LastName = 'Orphan'",
    records: [rec('Contact', IDS.orphan, { LastName: 'Orphan', Account: null })],
  },
  {
    name: 'runs child subqueries with their own ORDER BY and LIMIT and gives null when there are no children',
    soql: 'SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName DESC LIMIT 1) FROM Account ORDER BY Name',
    records: [
      rec('Account', IDS.acme, {
        Name: 'Acme',
        Contacts: { totalSize: 1, done: true, records: [rec('Contact', IDS.lovelace, { LastName: 'Lovelace' })] },
      }),
      rec('Account', IDS.beta, {
        Name: 'beta Corp',
        Contacts: { totalSize: 1, done: true, records: [rec('Contact', IDS.turing, { LastName: 'Turing' })] },
      }),
      rec('Account', IDS.gamma, { Name: 'Gamma_Ltd', Contacts: null }),
    ],
  },
  {
    name: 'accepts the object-qualified subquery of the recorded response',
    soql: "SELECT Account.Name, (SELECT Contact.FirstName, Contact.LastName FROM Account.Contacts WHERE FirstName != null) FROM Account WHERE Name = 'Acme'",
    records: [
      rec('Account', IDS.acme, {
        Name: 'Acme',
        Contacts: {
          totalSize: 2,
          done: true,
          records: [
            rec('Contact', IDS.lovelace, { FirstName: 'Ada', LastName: 'Lovelace' }),
            rec('Contact', IDS.hopper, { FirstName: 'Grace', LastName: 'Hopper' }),
          ],
        },
      }),
    ],
  },
  {
    name: 'follows custom relationships both ways',
    soql: "SELECT Name, (SELECT Name, Account__r.Name FROM Invoices__r ORDER BY Name DESC) FROM Account WHERE Name = 'Acme'",
    records: [
      rec('Account', IDS.acme, {
        Name: 'Acme',
        Invoices__r: {
          totalSize: 2,
          done: true,
          records: [
            rec('Invoice__c', IDS.open, { Name: 'INV-0002', Account__r: rec('Account', IDS.acme, { Name: 'Acme' }) }),
            rec('Invoice__c', IDS.paid, { Name: 'INV-0001', Account__r: rec('Account', IDS.acme, { Name: 'Acme' }) }),
          ],
        },
      }),
    ],
  },
  {
    name: 'gives polymorphic parents their concrete type',
    soql: 'SELECT What.Name FROM Task',
    records: [
      rec('Task', IDS.call, { What: rec('Account', IDS.acme, { Name: 'Acme' }) }),
      rec('Task', IDS.bill, { What: rec('Invoice__c', IDS.paid, { Name: 'INV-0001' }) }),
    ],
  },
  {
    name: 'answers What.Type with the concrete type of a polymorphic parent',
    soql: "SELECT Subject, What.Type, What.Name FROM Task WHERE What.Type = 'Invoice__c'",
    records: [rec('Task', IDS.bill, { Subject: 'Bill', What: rec('Invoice__c', IDS.paid, { Type: 'Invoice__c', Name: 'INV-0001' }) })],
  },
  {
    name: 'picks TYPEOF branches by the parent type',
    soql: 'SELECT Subject, TYPEOF What WHEN Account THEN Name, Industry ELSE Name END FROM Task',
    records: [
      rec('Task', IDS.call, { Subject: 'Call', What: rec('Account', IDS.acme, { Name: 'Acme', Industry: 'Technology' }) }),
      rec('Task', IDS.bill, { Subject: 'Bill', What: rec('Invoice__c', IDS.paid, { Name: 'INV-0001' }) }),
    ],
  },
  {
    name: 'expands FIELDS(STANDARD) without a LIMIT',
    soql: "SELECT FIELDS(STANDARD) FROM User WHERE Name = 'Bob'",
    records: [
      rec('User', IDS.bob, {
        Id: IDS.bob,
        IsDeleted: false,
        CreatedDate: '2020-01-01T00:00:00.000+0000',
        Name: 'Bob',
        Username: 'bob@orgdesk.test',
        IsActive: false,
      }),
    ],
  },
  {
    name: 'expands FIELDS(CUSTOM) under a LIMIT of 200',
    soql: "SELECT FIELDS(CUSTOM) FROM Invoice__c WHERE Name = 'INV-0003' LIMIT 200",
    records: [
      rec('Invoice__c', IDS.loose, { Account__c: null, Amount__c: 50, Status__c: 'Open', Due_Date__c: '2026-11-01', External_Id__c: null }),
    ],
  },
  {
    name: 'passes toLabel and FORMAT through, under their alias when they have one',
    soql: "SELECT toLabel(Status__c), FORMAT(Amount__c) amount FROM Invoice__c WHERE Name = 'INV-0001'",
    records: [rec('Invoice__c', IDS.paid, { Status__c: 'Paid', amount: 100 })],
  },
  {
    name: 'returns binary fields as the URL of their content',
    soql: 'SELECT VersionData FROM ContentVersion',
    records: [rec('ContentVersion', IDS.version, { VersionData: `${V}/sobjects/ContentVersion/${IDS.version}/VersionData` })],
  },
  { name: 'answers COUNT() with totalSize and no records', soql: 'SELECT COUNT() FROM Account', records: [], totalSize: 3 },
  { name: 'counts deleted rows for queryAll', soql: 'SELECT COUNT() FROM Account', records: [], totalSize: 4, all: true },
  { name: 'counts with a filter', soql: "SELECT COUNT() FROM Contact WHERE Account.Name = 'Acme'", records: [], totalSize: 2 },
  {
    name: 'groups with expr naming, aliases and group keys',
    soql: 'SELECT Industry, COUNT(Id), SUM(NumberOfEmployees) total, MAX(CreatedDate) FROM Account GROUP BY Industry ORDER BY Industry NULLS LAST',
    records: [
      agg({ Industry: 'Finance', expr0: 1, total: 20, expr1: '2026-11-27T23:00:00.000+0000' }),
      agg({ Industry: 'Technology', expr0: 1, total: 100, expr1: '2026-11-28T09:00:00.000+0000' }),
      agg({ Industry: null, expr0: 1, total: null, expr1: '2026-10-15T12:00:00.000+0000' }),
    ],
  },
  {
    name: 'aggregates the whole table into one row without GROUP BY',
    soql: 'SELECT COUNT(Id), AVG(NumberOfEmployees), MIN(Name), COUNT_DISTINCT(OwnerId), COUNT(Industry) FROM Account',
    records: [agg({ expr0: 3, expr1: 60, expr2: 'Acme', expr3: 2, expr4: 2 })],
  },
  {
    name: 'returns one aggregate row even when nothing matches',
    soql: "SELECT COUNT(Id), SUM(NumberOfEmployees) FROM Account WHERE Name = 'nobody'",
    records: [agg({ expr0: 0, expr1: null })],
  },
  {
    name: 'flattens a parent group key to its field name',
    soql: 'SELECT Account.Name, COUNT(Id) FROM Contact GROUP BY Account.Name ORDER BY Account.Name',
    records: [agg({ Name: null, expr0: 1 }), agg({ Name: 'Acme', expr0: 2 }), agg({ Name: 'beta Corp', expr0: 1 })],
  },
  {
    name: 'filters groups with HAVING',
    soql: 'SELECT AccountId, COUNT(Id) c FROM Contact GROUP BY AccountId HAVING COUNT(Id) > 1',
    records: [agg({ AccountId: IDS.acme, c: 2 })],
  },
  {
    name: 'orders groups by an aggregate',
    soql: 'SELECT OwnerId, COUNT(Id) FROM Account GROUP BY OwnerId ORDER BY COUNT(Id) DESC',
    records: [agg({ OwnerId: IDS.ada, expr0: 2 }), agg({ OwnerId: IDS.bob, expr0: 1 })],
  },
  {
    name: 'groups by a date function',
    soql: 'SELECT CALENDAR_MONTH(CreatedDate), COUNT(Id) FROM Account GROUP BY CALENDAR_MONTH(CreatedDate) ORDER BY CALENDAR_MONTH(CreatedDate)',
    records: [agg({ expr0: 10, expr1: 1 }), agg({ expr0: 11, expr1: 2 })],
  },
];

describe('executeSoql shapes records like the REST API', () => {
  it.each(shapes)('$name', ({ soql, records, totalSize, all }) => {
    const result = run(soql, all === true);
    expect(JSON.stringify(result)).toBe(JSON.stringify({ totalSize: totalSize ?? records.length, done: true, records }));
  });
});

const FIELD_HINT =
  "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.";
const RELATIONSHIP_HINT =
  "If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.";

type ErrorCase = { soql: string; errorCode: string; message: string };

const errors: ErrorCase[] = [
  {
    soql: 'SELECT Bacon__c FROM Account LIMIT 2',
    errorCode: 'INVALID_FIELD',
    message: `\nSELECT Bacon__c FROM Account LIMIT 2\n       ^\nERROR at Row:1:Column:8\nNo such column 'Bacon__c' on entity 'Account'. ${FIELD_HINT}`,
  },
  {
    soql: 'SELECT Id FROM no_such_object',
    errorCode: 'INVALID_TYPE',
    message:
      "\nSELECT Id FROM no_such_object\n               ^\nERROR at Row:1:Column:16\nsObject type 'no_such_object' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
  },
  {
    soql: 'SELECT Owner__r.Name FROM Account',
    errorCode: 'INVALID_FIELD',
    message: `\nSELECT Owner__r.Name FROM Account\n       ^\nERROR at Row:1:Column:8\nDidn't understand relationship 'Owner__r' in field path. ${RELATIONSHIP_HINT}`,
  },
  {
    soql: 'SELECT Name, Owner.Bogus FROM Account',
    errorCode: 'INVALID_FIELD',
    message: `\nSELECT Name, Owner.Bogus FROM Account\n             ^\nERROR at Row:1:Column:14\nNo such column 'Bogus' on entity 'User'. ${FIELD_HINT}`,
  },
  {
    soql: "SELECT Id FROM Account WHERE Nme = 'x'",
    errorCode: 'INVALID_FIELD',
    message: `\nSELECT Id FROM Account WHERE Nme = 'x'\n                             ^\nERROR at Row:1:Column:30\nNo such column 'Nme' on entity 'Account'. ${FIELD_HINT}`,
  },
  {
    soql: 'SELECT Id,\n  Bogus__c\nFROM Account',
    errorCode: 'INVALID_FIELD',
    message: `\n  Bogus__c\n  ^\nERROR at Row:2:Column:3\nNo such column 'Bogus__c' on entity 'Account'. ${FIELD_HINT}`,
  },
  {
    soql: 'SELECT Id, (SELECT Id FROM Nope) FROM Account',
    errorCode: 'INVALID_TYPE',
    message: `\nSELECT Id, (SELECT Id FROM Nope) FROM Account\n                           ^\nERROR at Row:1:Column:28\nDidn't understand relationship 'Nope' in FROM part of query call. ${RELATIONSHIP_HINT}`,
  },
  { soql: 'SELEKT Name FROM Account', errorCode: 'MALFORMED_QUERY', message: 'unexpected token: SELEKT' },
  {
    soql: 'SELECT Id, FROM Account',
    errorCode: 'MALFORMED_QUERY',
    message: "\nSELECT Id, FROM Account\n           ^\nERROR at Row:1:Column:12\nunexpected token: 'FROM'",
  },
  {
    soql: 'SELECT Id FROM Account LIMIT x',
    errorCode: 'MALFORMED_QUERY',
    message: "\nSELECT Id FROM Account LIMIT x\n                             ^\nERROR at Row:1:Column:30\nunexpected token: 'x'",
  },
  {
    soql: 'SELECT Id FROM Account WHERE',
    errorCode: 'MALFORMED_QUERY',
    message: "\nSELECT Id FROM Account WHERE\n                            ^\nERROR at Row:1:Column:29\nunexpected token: '<EOF>'",
  },
  {
    soql: "SELECT Id FROM Account WHERE Name = 'x",
    errorCode: 'MALFORMED_QUERY',
    message: "line 1:38 mismatched character '<EOF>' expecting '''",
  },
  {
    soql: "SELECT Id FROM Contact WHERE AccountId = '001000000000001AAA' AND LastName LIKE 'test' OR Email LIKE 'test'",
    errorCode: 'MALFORMED_QUERY',
    message:
      "\nSELECT Id FROM Contact WHERE AccountId = '001000000000001AAA' AND LastName LIKE 'test' OR Email LIKE 'test'\n" +
      `${' '.repeat(87)}^\nERROR at Row:1:Column:88\nunexpected token: 'OR'`,
  },
  {
    soql: 'SELECT Id FROM Account WHERE Name != null AND NOT (NumberOfEmployees > 0)',
    errorCode: 'MALFORMED_QUERY',
    message: `\nSELECT Id FROM Account WHERE Name != null AND NOT (NumberOfEmployees > 0)\n${' '.repeat(46)}^\nERROR at Row:1:Column:47\nunexpected token: 'NOT'`,
  },
  {
    soql: "SELECT Id, (SELECT Id FROM Contacts WHERE LastName = 'x' ORDER BY LastName) FROM Account WHERE Nme = 'x' ORDER BY Name",
    errorCode: 'INVALID_FIELD',
    message:
      "\nSELECT Id, (SELECT Id FROM Contacts WHERE LastName = 'x' ORDER BY LastName) FROM Account WHERE Nme = 'x' ORDER BY Name\n" +
      `${' '.repeat(95)}^\nERROR at Row:1:Column:96\nNo such column 'Nme' on entity 'Account'. ${FIELD_HINT}`,
  },
  {
    soql: "SELECT Id, (SELECT Id FROM Contacts WHERE Nme = 'x') FROM Account WHERE Name = 'x'",
    errorCode: 'INVALID_FIELD',
    message:
      "\nSELECT Id, (SELECT Id FROM Contacts WHERE Nme = 'x') FROM Account WHERE Name = 'x'\n" +
      `${' '.repeat(42)}^\nERROR at Row:1:Column:43\nNo such column 'Nme' on entity 'Contact'. ${FIELD_HINT}`,
  },
  {
    soql: "SELECT Id FROM Account WHERE NumberOfEmployees = '5'",
    errorCode: 'INVALID_FIELD',
    message:
      "\nSELECT Id FROM Account WHERE NumberOfEmployees = '5'\n                                                 ^\nERROR at Row:1:Column:50\nvalue of filter criterion for field 'NumberOfEmployees' must be of type integer and should not be enclosed in quotes",
  },
  {
    soql: "SELECT Id FROM Account WHERE Id = 'abc'",
    errorCode: 'INVALID_QUERY_FILTER_OPERATOR',
    message: "\nSELECT Id FROM Account WHERE Id = 'abc'\n                                  ^\nERROR at Row:1:Column:35\ninvalid ID field: abc",
  },
  {
    soql: 'SELECT Id, id FROM Account',
    errorCode: 'MALFORMED_QUERY',
    message: '\nSELECT Id, id FROM Account\n       ^\nERROR at Row:1:Column:8\nduplicate field selected: Id',
  },
  {
    soql: 'SELECT FIELDS(ALL) FROM Account',
    errorCode: 'MALFORMED_QUERY',
    message: '\nSELECT FIELDS(ALL) FROM Account\n       ^\nERROR at Row:1:Column:8\nThe SOQL FIELDS function must have a LIMIT of at most 200',
  },
  {
    soql: 'SELECT FIELDS(CUSTOM) FROM Account LIMIT 201',
    errorCode: 'MALFORMED_QUERY',
    message: '\nSELECT FIELDS(CUSTOM) FROM Account LIMIT 201\n       ^\nERROR at Row:1:Column:8\nThe SOQL FIELDS function must have a LIMIT of at most 200',
  },
  {
    soql: 'SELECT Id FROM Account OFFSET 2001',
    errorCode: 'NUMBER_OUTSIDE_VALID_RANGE',
    message: '\nSELECT Id FROM Account OFFSET 2001\n                              ^\nERROR at Row:1:Column:31\nmaximum SOQL offset allowed is 2000',
  },
  {
    soql: 'SELECT Name, COUNT(Id) FROM Account',
    errorCode: 'MALFORMED_QUERY',
    message: '\nSELECT Name, COUNT(Id) FROM Account\n       ^\nERROR at Row:1:Column:8\nField must be grouped or aggregated: Name',
  },
  {
    soql: 'SELECT Description FROM Account GROUP BY Description',
    errorCode: 'INVALID_FIELD',
    message:
      "\nSELECT Description FROM Account GROUP BY Description\n                                         ^\nERROR at Row:1:Column:42\nfield 'Description' can not be grouped in a query call",
  },
  {
    soql: 'SELECT SUM(Name) FROM Account',
    errorCode: 'INVALID_FIELD',
    message: '\nSELECT SUM(Name) FROM Account\n       ^\nERROR at Row:1:Column:8\nfield Name does not support aggregate operator SUM',
  },
  {
    soql: "SELECT Id FROM Account WHERE Name INCLUDES ('a')",
    errorCode: 'INVALID_QUERY_FILTER_OPERATOR',
    message:
      "\nSELECT Id FROM Account WHERE Name INCLUDES ('a')\n                             ^\nERROR at Row:1:Column:30\nincludes operator is only valid on multi-select picklist fields",
  },
];

describe('executeSoql fails like a real org', () => {
  it.each(errors)('$errorCode for $soql', ({ soql, errorCode, message }) => {
    let caught: unknown;
    try {
      run(soql);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SoqlError);
    expect({ errorCode: (caught as SoqlError).errorCode, message: (caught as SoqlError).message }).toEqual({ errorCode, message });
  });
});

describe('executeSoqlRows feeds Bulk API 2.0 query jobs', () => {
  it('flattens parent fields into dotted columns in SELECT order with null for a missing parent', () => {
    const result = executeSoqlRows(org, 'SELECT LastName, account.owner.name, Account.Name FROM Contact ORDER BY LastName', {
      includeDeleted: false,
      now: NOW,
      apiVersion: '60.0',
    });
    expect(result.columns).toEqual(['LastName', 'Account.Owner.Name', 'Account.Name']);
    expect([...result.rows]).toEqual([
      ['Hopper', 'Ada Admin', 'Acme'],
      ['Lovelace', 'Ada Admin', 'Acme'],
      ['Orphan', null, null],
      ['Turing', 'Bob', 'beta Corp'],
    ]);
  });

  it('includes deleted rows for queryAll jobs', () => {
    const result = executeSoqlRows(org, 'SELECT Id FROM Account', { includeDeleted: true, now: NOW, apiVersion: '60.0' });
    expect([...result.rows]).toHaveLength(4);
  });

  it('names every construct Bulk API 2.0 refuses', () => {
    expect(bulkUnsupportedConstructs('SELECT Id, (SELECT Id FROM Contacts) FROM Account')).toEqual(['parent-to-child subqueries']);
    expect(bulkUnsupportedConstructs('SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry')).toEqual(['aggregate functions', 'GROUP BY']);
    expect(bulkUnsupportedConstructs('SELECT Id, TYPEOF What WHEN Account THEN Name END FROM Task OFFSET 5')).toEqual(['TYPEOF', 'OFFSET']);
    expect(bulkUnsupportedConstructs('SELECT Id FROM Account ORDER BY Name LIMIT 5')).toEqual([]);
  });

  it('refuses a query Bulk API 2.0 cannot run', () => {
    expect(() => executeSoqlRows(org, 'SELECT COUNT() FROM Account', { includeDeleted: false, now: NOW, apiVersion: '60.0' })).toThrow(SoqlError);
  });
});

describe('ORDER BY with LIMIT', () => {
  it('returns the same rows as a full sort would, ties in insertion order and nulls where asked', () => {
    const many = createTestOrg();
    for (let i = 0; i < 1000; i++) {
      many.add('Account', {
        Id: `001${String(i).padStart(12, '0')}AAA`,
        Name: `Name ${(i * 7919) % 97}`,
        NumberOfEmployees: i % 13 === 0 ? null : (i * 31) % 50,
      });
    }
    const options = { includeDeleted: false, now: NOW, apiVersion: '60.0' };
    for (const order of ['NumberOfEmployees DESC NULLS FIRST, Name', 'Name DESC, NumberOfEmployees', 'NumberOfEmployees']) {
      const full = idsOf(executeSoql(many, `SELECT Id FROM Account ORDER BY ${order}`, options).records);
      const page = idsOf(executeSoql(many, `SELECT Id FROM Account ORDER BY ${order} LIMIT 25 OFFSET 10`, options).records);
      expect(page).toEqual(full.slice(10, 35));
    }
  });
});
