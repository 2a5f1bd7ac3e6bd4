import { describe, expect, it } from 'vitest';
import { entityOfChannel, parseReplayId, recordIdsText, replayFromId, replayLabel } from './event-text';

describe('event text', () => {
  it('names the entity of standard, custom and platform event channels, and none for the all-changes channel', () => {
    expect(entityOfChannel('/data/ContactChangeEvent')).toBe('Contact');
    expect(entityOfChannel('/data/Employee__ChangeEvent')).toBe('Employee__c');
    expect(entityOfChannel('/event/Order_Event__e')).toBe('Order_Event__e');
    expect(entityOfChannel('/data/ChangeEvents')).toBeNull();
  });

  it('reads a typed replay id as -1 and -2 choices or an id to replay after, and refuses anything else', () => {
    expect(parseReplayId(' 42 ')).toBe(42);
    expect(parseReplayId('-3')).toBeNull();
    expect(parseReplayId('4.2')).toBeNull();
    expect(parseReplayId('')).toBeNull();
    expect(replayFromId(-1)).toEqual({ kind: 'new' });
    expect(replayFromId(-2)).toEqual({ kind: 'retained' });
    expect(replayFromId(42)).toEqual({ kind: 'id', replayId: 42 });
    expect(replayLabel({ kind: 'retained' })).toBe('all retained (-2)');
  });

  it('shows the first record id and how many more', () => {
    expect(recordIdsText([])).toBe('');
    expect(recordIdsText(['003A'])).toBe('003A');
    expect(recordIdsText(['003A', '003B', '003C'])).toBe('003A +2');
  });
});
