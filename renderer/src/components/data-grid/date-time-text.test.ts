import { describe, expect, it } from 'vitest';
import { createDateTimeFormatter, isDateTimeText } from './date-time-text';

describe('isDateTimeText', () => {
  it('recognises the date-times REST and Bulk return, and nothing else', () => {
    expect(isDateTimeText('2026-01-15T10:30:00.000+0000')).toBe(true);
    expect(isDateTimeText('2026-01-15T10:30:00.000Z')).toBe(true);
    expect(isDateTimeText('2026-01-15T10:30:00-05:00')).toBe(true);
    expect(isDateTimeText('2026-01-15')).toBe(false);
    expect(isDateTimeText('10:30:00.000Z')).toBe(false);
    expect(isDateTimeText('2026-01-15T10:30:00.000')).toBe(false);
    expect(isDateTimeText('Meeting on 2026-01-15T10:30:00Z')).toBe(false);
  });
});

describe('createDateTimeFormatter', () => {
  it('shows a Salesforce date-time in the given time zone', () => {
    const tokyo = createDateTimeFormatter({ timeZone: 'Asia/Tokyo', locale: 'en-GB' });
    expect(tokyo('2026-01-15T22:30:05.000+0000')).toBe('16 Jan 2026, 07:30:05');
    expect(tokyo('2026-01-15T22:30:05.000Z')).toBe('16 Jan 2026, 07:30:05');
    const newYork = createDateTimeFormatter({ timeZone: 'America/New_York', locale: 'en-GB' });
    expect(newYork('2026-07-01T12:00:00.000+0000')).toBe('1 Jul 2026, 08:00:00');
    expect(newYork.timeZone).toBe('America/New_York');
  });

  it('gives back what it cannot read unchanged', () => {
    const format = createDateTimeFormatter({ timeZone: 'UTC' });
    expect(format('2026-13-45T99:99:99.000+0000')).toBe('2026-13-45T99:99:99.000+0000');
  });

  it('answers a value it has seen from its memo, the same text again', () => {
    const format = createDateTimeFormatter({ timeZone: 'UTC', locale: 'en-GB' });
    const first = format('2026-01-15T10:30:00.000+0000');
    expect(format('2026-01-15T10:30:00.000+0000')).toBe(first);
    expect(first).toBe('15 Jan 2026, 10:30:00');
  });
});
