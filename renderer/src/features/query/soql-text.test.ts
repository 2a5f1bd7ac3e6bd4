import { describe, expect, it } from 'vitest';
import { mainObjectOf, soqlInList, soqlString, statementAt, statementsOf } from './soql-text';

describe('statementAt', () => {
  const text = 'SELECT Id FROM Account;\nSELECT Id\nFROM Contact\n\n\nSELECT Name FROM User';
  it('finds the statement under the cursor between semicolons and blank lines', () => {
    expect(statementAt(text, 3)).toEqual({ text: 'SELECT Id FROM Account', start: 0 });
    expect(statementAt(text, text.indexOf('Contact'))).toEqual({ text: 'SELECT Id\nFROM Contact', start: 24 });
    expect(statementAt(text, text.length)).toEqual({ text: 'SELECT Name FROM User', start: text.indexOf('SELECT Name') });
  });

  it('returns the only statement of a tab wherever the cursor is', () => {
    expect(statementAt('  SELECT Id FROM Account  ', 0)).toEqual({ text: 'SELECT Id FROM Account', start: 2 });
  });

  it('does not split inside string literals (multi-select picklist values use semicolons)', () => {
    const text = "SELECT Id FROM Account WHERE Tags__c INCLUDES ('a;b', 'it\\'s;\n\nok')";
    expect(statementAt(text, 5)?.text).toBe(text);
    expect(statementsOf(`${text};SELECT Id FROM User`).map((s) => s.start)).toEqual([0, text.length + 1]);
  });

  it('returns null on blank space', () => {
    expect(statementAt('', 0)).toBeNull();
  });
});

describe('SOQL literals', () => {
  it('escapes quotes, backslashes and line breaks', () => {
    expect(soqlString("O'Neil \\ \"x\"\n")).toBe("'O\\'Neil \\\\ \\\"x\\\"\\n'");
  });

  it('builds a distinct IN list skipping nulls and empty strings', () => {
    expect(soqlInList(['001A', null, '001B', '', '001A', "x'y"])).toBe("('001A', '001B', 'x\\'y')");
  });

  it('finds the main object, not a subquery one', () => {
    expect(mainObjectOf('SELECT Id, (SELECT Id FROM Contacts) FROM Account WHERE Id IN (SELECT AccountId FROM Contact)')).toBe('Account');
    expect(mainObjectOf('SELECT')).toBeNull();
  });
});
