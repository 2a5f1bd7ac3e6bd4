import { describe, expect, it } from 'vitest';
import { createSampleCatalog } from './sample-org-schema';
import { guessChildObject } from './soql-schema';

describe('guessChildObject', () => {
  it('reads the object a child relationship most likely points to from its plural name', async () => {
    const catalog = createSampleCatalog();
    expect((await guessChildObject(catalog, 'Contacts'))?.name).toBe('Contact');
    expect((await guessChildObject(catalog, 'opportunities'))?.name).toBe('Opportunity');
    expect((await guessChildObject(catalog, 'Invoices__r'))?.name).toBe('Invoice__c');
  });

  it('returns null when no object matches the name', async () => {
    expect(await guessChildObject(createSampleCatalog(), 'Widgets')).toBeNull();
  });
});
