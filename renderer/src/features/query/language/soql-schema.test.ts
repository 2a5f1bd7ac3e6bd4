import { describe, expect, it } from 'vitest';
import { createLocalOrgCatalog } from '../../../../test/local-org-catalog';
import { guessChildObject } from './soql-schema';

describe('guessChildObject', () => {
  it('reads the object a child relationship most likely points to from its plural name', async () => {
    const catalog = createLocalOrgCatalog();
    expect((await guessChildObject(catalog, 'Contacts'))?.name).toBe('Contact');
    expect((await guessChildObject(catalog, 'opportunities'))?.name).toBe('Opportunity');
    expect((await guessChildObject(catalog, 'Invoices__r'))?.name).toBe('Invoice__c');
  });

  it('returns null when no object matches the name', async () => {
    expect(await guessChildObject(createLocalOrgCatalog(), 'Widgets')).toBeNull();
  });
});
