import { describe, expect, it } from 'vitest';
import { createFileRefs, FILE_REF_PATTERN } from './file-refs';

describe('createFileRefs', () => {
  it('resolves a ref it minted, for its owner and kind only', () => {
    const refs = createFileRefs();
    const ref = refs.mint('window:1', 'file', '/home/ada/contacts.csv');
    expect(ref).toMatch(FILE_REF_PATTERN);
    expect(refs.resolve('window:1', 'file', ref)).toBe('/home/ada/contacts.csv');
    expect(() => refs.resolve('window:2', 'file', ref)).toThrow(/does not know that file/);
    expect(() => refs.resolve('window:1', 'folder', ref)).toThrow(/does not know that folder/);
  });

  it('refuses a path given where a ref belongs, even one that names a minted path', () => {
    const refs = createFileRefs();
    refs.mint('window:1', 'file', '/home/ada/.ssh/id_rsa');
    expect(() => refs.resolve('window:1', 'file', '/home/ada/.ssh/id_rsa')).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(() => refs.resolve('window:1', 'file', '~/.ssh/id_rsa')).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it("forgets an owner's refs, and drops the oldest past the bound", () => {
    const refs = createFileRefs({ maxPerOwner: 2 });
    const first = refs.mint('window:1', 'file', '/a.csv');
    const second = refs.mint('window:1', 'file', '/b.csv');
    const third = refs.mint('window:1', 'file', '/c.csv');
    expect(() => refs.resolve('window:1', 'file', first)).toThrow();
    expect(refs.resolve('window:1', 'file', second)).toBe('/b.csv');
    expect(refs.resolve('window:1', 'file', third)).toBe('/c.csv');
    refs.forget('window:1');
    expect(() => refs.resolve('window:1', 'file', third)).toThrow();
  });

  it('keeps at most maxOwners owners, dropping the oldest', () => {
    const refs = createFileRefs({ maxOwners: 1 });
    const old = refs.mint('window:1', 'file', '/a.csv');
    const fresh = refs.mint('window:2', 'file', '/b.csv');
    expect(() => refs.resolve('window:1', 'file', old)).toThrow();
    expect(refs.resolve('window:2', 'file', fresh)).toBe('/b.csv');
  });
});
