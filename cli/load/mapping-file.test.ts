import { describe, expect, it } from 'vitest';
import { parseMappingFile } from './mapping-file';

describe('a --mapping file', () => {
  it('reads the simple form as one column mapping per entry', () => {
    expect(parseMappingFile('{ "Last Name": "LastName", "Company": "Account.External_Id__c" }', 'm.json')).toEqual({
      mappings: [
        { source: 'column', column: 'Last Name', field: 'LastName' },
        { source: 'column', column: 'Company', field: 'Account.External_Id__c' },
      ],
      dates: {},
    });
  });

  it('reads the full form with constants and the date reading', () => {
    const text = JSON.stringify({
      mappings: [
        { source: 'column', column: 'Name', field: 'LastName' },
        { source: 'constant', value: 'Web', field: 'LeadSource' },
      ],
      dateOrder: 'dmy',
      timeZone: 'Europe/Paris',
    });
    expect(parseMappingFile(text, 'm.json')).toEqual({
      mappings: [
        { source: 'column', column: 'Name', field: 'LastName' },
        { source: 'constant', value: 'Web', field: 'LeadSource' },
      ],
      dates: { dateOrder: 'dmy', timeZone: 'Europe/Paris' },
    });
  });

  it('refuses text that is not JSON, naming the file', () => {
    expect(() => parseMappingFile('{ Name: LastName }', '/x/m.json')).toThrow(/The mapping file \/x\/m\.json is not valid JSON/);
  });

  it('names the first problem of a full form that is wrong', () => {
    expect(() => parseMappingFile('{ "mappings": [ { "source": "column", "column": "Name" } ] }', 'm.json')).toThrow(/cannot be used: .* at mappings\.0\.field/);
    expect(() => parseMappingFile('{ "mappings": [ { "source": "column", "column": "Name", "field": "LastName" } ], "dateOrder": "dym" }', 'm.json')).toThrow(/at dateOrder/);
  });

  it('refuses a simple form whose values are not field names, an empty map and an array', () => {
    for (const text of ['{ "Name": 3 }', '{}', '[]', '{ "Name": "" }']) {
      expect(() => parseMappingFile(text, 'm.json'), text).toThrow(/neither \{ "CSV column": "Field" \} nor \{ "mappings": \[\.\.\.\] \}/);
    }
  });
});
