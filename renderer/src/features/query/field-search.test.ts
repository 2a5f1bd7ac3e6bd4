import { describe, expect, it } from 'vitest';
import { localOrgDescribe, localOrgObject } from '../../../test/local-org-catalog';
import { searchFields, searchObjects } from './field-search';

describe('searchFields', () => {
  const account = localOrgObject('Account');

  it('lists every field in name order for an empty search', () => {
    const names = searchFields(account.fields, ' ').map((f) => f.name);
    expect(names).toHaveLength(account.fields.length);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it('puts names starting with the search first, then names, labels and picklist values containing it', () => {
    const names = searchFields(account.fields, 'id').map((f) => f.name);
    expect(names[0]).toBe('Id');
    expect(names).toEqual(expect.arrayContaining(['OwnerId', 'ParentId']));
    expect(names.indexOf('OwnerId')).toBeGreaterThan(0);
    expect(searchFields(account.fields, 'WARM').map((f) => f.name)).toEqual(['Rating']);
  });
});

describe('searchObjects', () => {
  it('finds objects by API name or label, names starting with the search first', () => {
    const { objects } = localOrgDescribe();
    expect(searchObjects(objects, 'invoice').map((o) => o.name)).toEqual(['Invoice__c']);
    expect(searchObjects(objects, 'acc')[0]?.name).toBe('Account');
  });
});
