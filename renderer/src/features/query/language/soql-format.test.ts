import { describe, expect, it } from 'vitest';
import { formatStatements } from '../soql-text';
import { formatSoql } from './soql-format';

describe('SOQL formatting', () => {
  it('puts clauses on their own lines and keeps the statement valid', () => {
    const formatted = formatSoql("select id, name, (select lastname from contacts) from account where name = 'x' order by name limit 5");
    expect(formatted.split('\n').length).toBeGreaterThan(3);
    expect(formatted).toMatch(/^SELECT/);
    expect(formatted).toMatch(/\nFROM account/);
    expect(formatted).toMatch(/\nWHERE name = 'x'/);
  });

  it('formats each statement of a tab and leaves one that does not parse as typed', () => {
    const text = 'select id from account;\nselec oops\n\nselect id from contact';
    const edits = formatStatements(text, formatSoql);
    expect(edits.map((e) => text.slice(e.start, e.end))).toEqual(['select id from account', 'select id from contact']);
    expect(edits[0]?.text).toContain('FROM account');
  });
});
