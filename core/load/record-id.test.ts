import { describe, expect, it } from 'vitest';
import { createKeySet } from './key-set';
import { idSuffix, recordIdProblem, toId18 } from './record-id';

describe('record ids', () => {
  it('computes the case suffix: one bit per upper-case letter of each 5-character chunk', () => {
    expect(idSuffix('001000000000000')).toBe('AAA');
    expect(idSuffix('ABCDEFGHIJKLMNO')).toBe('555');
    expect(idSuffix('aBcdeFghijKlmno')).toBe('CBB');
  });

  it('accepts 15- and 18-character ids, the suffix in any case, and refuses a wrong suffix', () => {
    expect(recordIdProblem('aBcdeFghijKlmno')).toBeNull();
    expect(recordIdProblem('aBcdeFghijKlmnoCBB')).toBeNull();
    expect(recordIdProblem('aBcdeFghijKlmnocbb')).toBeNull();
    expect(recordIdProblem('abcdeFghijKlmnoCBB')).toMatch(/should be ABB/);
    expect(recordIdProblem('abc-eFghijKlmno')).toBe('an id holds only letters and digits');
    expect(recordIdProblem('abc')).toBe('an id has 15 or 18 characters; this one has 3');
    expect(toId18('aBcdeFghijKlmnocbb')).toBe('aBcdeFghijKlmnoCBB');
  });
});

describe('createKeySet', () => {
  it('answers the row a key was first seen on, growing past its first capacity', () => {
    const keys = createKeySet(16);
    for (let i = 1; i <= 200_000; i += 1) expect(keys.add(`EXT-${i}`, i)).toBe(0);
    expect(keys.size).toBe(200_000);
    expect(keys.add('EXT-777', 200_001)).toBe(777);
    expect(keys.add('EXT-200000', 200_002)).toBe(200_000);
  });
});
