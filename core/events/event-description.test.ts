import { describe, expect, it } from 'vitest';
import { ftsQuery } from './event-capture';
import { describeEvent } from './event-description';
import { requerySoql } from './field-changes';

const at = new Date('2026-12-01T09:00:00.000Z');
const header = (fields: Record<string, unknown>) => ({ entityName: 'Contact', recordIds: ['003000000000001AAA'], commitTimestamp: 1_764_579_600_000, commitUser: '005000000000001AAA', changeOrigin: 'com/salesforce/api/rest/66.0', transactionKey: 'tx-1', sequenceNumber: 1, ...fields });
const cdc = (h: Record<string, unknown>, fields: Record<string, unknown> = {}) => ({ schema: 's', payload: { LastModifiedDate: '2026-12-01T09:00:00Z', ChangeEventHeader: header(h), ...fields }, event: { replayId: 7 } });
const describeCdc = (h: Record<string, unknown>, fields: Record<string, unknown> = {}) =>
  describeEvent({ orgId: 'o', channel: '/data/ContactChangeEvent', replayId: 7, data: cdc(h, fields), receivedAt: at, discontinuity: null });

describe('describeEvent', () => {
  it('reads an UPDATE’s header and its changed fields without bookkeeping fields', () => {
    const row = describeCdc({ changeType: 'UPDATE', changedFields: ['LastModifiedDate', 'Email', 'Name.FirstName'] }, { Email: 'a@b.c', Name: { FirstName: 'Ada' } });
    expect(row).toMatchObject({ kind: 'change', entity: 'Contact', changeType: 'UPDATE', changedFields: ['Email', 'Name.FirstName'], eventTime: '2025-12-01T09:00:00.000Z', commitUser: '005000000000001AAA', transactionKey: 'tx-1', note: null });
  });

  it('falls back to the payload’s fields when an older org sends no changedFields', () => {
    expect(describeCdc({ changeType: 'UPDATE' }, { Title: 'Dr' }).changedFields).toEqual(['Title']);
  });

  it('names a gap and an overflow as such, with a note saying to re-query', () => {
    const gap = describeCdc({ changeType: 'GAP_UPDATE', changeOrigin: '' });
    expect(gap).toMatchObject({ kind: 'gap', changeType: 'GAP_UPDATE', changedFields: [] });
    expect(gap.note).toMatch(/only the header.*re-query the record/);
    const overflow = describeCdc({ changeType: 'GAP_OVERFLOW', recordIds: ['000000000000000AAA'] });
    expect(overflow.kind).toBe('overflow');
    expect(overflow.note).toMatch(/more than 100,000/);
    expect(requerySoql({ ...gap, seq: 1 })).toBe("SELECT FIELDS(STANDARD) FROM Contact WHERE Id IN ('003000000000001AAA')");
    expect(requerySoql({ ...overflow, seq: 2 })).toBe('SELECT FIELDS(STANDARD) FROM Contact WHERE SystemModstamp >= 2025-12-01T08:59:00Z ORDER BY SystemModstamp LIMIT 200');
    expect(requerySoql({ ...describeCdc({ changeType: 'CREATE' }), seq: 3 })).toBeNull();
  });

  it('reads a platform event’s name, time and publisher', () => {
    const row = describeEvent({
      orgId: 'o',
      channel: '/event/Order_Event__e',
      replayId: 9,
      data: { schema: 's', payload: { CreatedDate: '2026-12-01T08:59:59.000Z', CreatedById: '005000000000001AAA', Order_Number__c: 'A' }, event: { replayId: 9 } },
      receivedAt: at,
      discontinuity: { lastReplayId: 3, reason: 'Events may be missing.' },
    });
    expect(row).toMatchObject({ kind: 'platform', entity: 'Order_Event__e', changeType: null, eventTime: '2026-12-01T08:59:59.000Z', commitUser: '005000000000001AAA', note: 'Events may be missing.' });
  });
});

describe('ftsQuery', () => {
  it('quotes every word so punctuation is never FTS syntax, and prefix-matches the last one while typing', () => {
    expect(ftsQuery('ada lov')).toBe('"ada" "lov"*');
    expect(ftsQuery('name:"x')).toBe('"name x"*');
    expect(ftsQuery('"ada lovelace"')).toBe('"ada lovelace"');
    expect(ftsQuery('003Dn000-01')).toBe('"003Dn000 01"*');
    expect(ftsQuery('  ')).toBeNull();
    expect(ftsQuery(undefined)).toBeNull();
  });
});
