import { describe, expect, it } from 'vitest';
import { cellToText, idChecksum, isRecordId, toTsv } from './cell-text';

describe('cell text', () => {
  it('copies nulls as empty cells and child cells as their count', () => {
    expect(cellToText(null)).toBe('');
    expect(cellToText('')).toBe('');
    expect(cellToText({ children: 3 })).toBe('3');
    expect(cellToText(false)).toBe('false');
  });

  it('writes TSV with quoted fields only where a tab, line break or quote needs it', () => {
    expect(toTsv(['Id', 'Name'], [['001', 'Acme\tCorp'], ['002', 'Say "hi"\nthere']])).toBe('Id\tName\n001\t"Acme\tCorp"\n002\t"Say ""hi""\nthere"');
  });

  it('computes the 18-character checksum Salesforce appends', () => {
    expect(idChecksum('001000000000001')).toBe('AAA');
    expect(idChecksum('001D000000IRFma')).toBe('IAH');
  });

  it('recognises 18-character ids by their checksum in any column', () => {
    expect(isRecordId('001D000000IRFmaIAH', 'Whatever')).toBe(true);
    expect(isRecordId('001D000000IRFmaAAA', 'Whatever')).toBe(false);
  });

  it('recognises 15-character ids only in id columns', () => {
    expect(isRecordId('001D000000IRFma', 'Account.Id')).toBe(true);
    expect(isRecordId('001D000000IRFma', 'Account__c')).toBe(true);
    expect(isRecordId('001D000000IRFma', 'Name')).toBe(false);
    expect(isRecordId(42, 'Id')).toBe(false);
  });
});
