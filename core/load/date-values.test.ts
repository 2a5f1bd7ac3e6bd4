import { describe, expect, it } from 'vitest';
import type { DateReading } from '../../shared/ipc/domains/load';
import { createDateReader } from './date-values';

const orders: Array<[DateReading['dateOrder'], string]> = [
  ['ymd', '2024/03/01'],
  ['mdy', '03/01/2024'],
  ['dmy', '01.03.2024'],
];
const zones = ['America/Los_Angeles', 'Pacific/Auckland'];

describe('createDateReader', () => {
  describe.each(zones)('in %s', (timeZone) => {
    it.each(orders)('reads a %s date as the same calendar day, never shifted', (dateOrder, text) => {
      const reader = createDateReader({ dateOrder, timeZone });
      expect(reader.date(text)).toBe('2024-03-01');
      expect(reader.date('2024-03-01')).toBe('2024-03-01');
      expect(reader.date('2024-03-01T00:00:00')).toBe('2024-03-01');
      expect(reader.date('2024-03-01T00:00:00.000Z')).toBe('2024-03-01');
    });
  });

  it('reads a date-time without an offset as wall-clock time in the zone, across daylight saving time', () => {
    const la = createDateReader({ dateOrder: 'mdy', timeZone: 'America/Los_Angeles' });
    expect(la.dateTime('03/01/2024 11:30 PM')).toBe('2024-03-02T07:30:00.000Z');
    expect(la.dateTime('07/01/2024 23:30')).toBe('2024-07-02T06:30:00.000Z');
    const auckland = createDateReader({ dateOrder: 'dmy', timeZone: 'Pacific/Auckland' });
    expect(auckland.dateTime('01/03/2024 00:15')).toBe('2024-02-29T11:15:00.000Z');
    expect(auckland.dateTime('01/07/2024')).toBe('2024-06-30T12:00:00.000Z');
  });

  it('keeps an explicit offset, with or without milliseconds', () => {
    const reader = createDateReader({ dateOrder: 'ymd', timeZone: 'Europe/Paris' });
    expect(reader.dateTime('2024-03-01T08:30:00Z')).toBe('2024-03-01T08:30:00.000Z');
    expect(reader.dateTime('2024-03-01T08:30:00.25+0530')).toBe('2024-03-01T03:00:00.250Z');
  });

  it('says why a value is not a date', () => {
    const reader = createDateReader({ dateOrder: 'dmy', timeZone: 'UTC' });
    expect(reader.date('01/03/24')).toEqual({ why: 'write the year with four digits, like 31/03/2024 or 2024-03-31' });
    expect(reader.date('2023-02-29')).toEqual({ why: '2023-02 has no day 29' });
    expect(reader.date('2024-03-01T10:00:00Z')).toEqual({ why: 'a date field takes a calendar day without a time of day or an offset' });
    expect(reader.date('2024-03-01T00:00:00+01:00')).toEqual({ why: 'a date field takes a calendar day without a time of day or an offset' });
    expect(reader.date('March 1st')).toMatchObject({ why: expect.stringContaining('day order DMY') });
  });

  it('names a day-order mismatch, not a two-digit year, for a date with its four-digit year last read in YMD order', () => {
    const ymd = createDateReader({ dateOrder: 'ymd', timeZone: 'UTC' });
    const mismatch = 'the year comes last, but the day order chosen is year, month, day (YMD): this date reads as';
    expect(ymd.date('01/31/2024')).toEqual({ why: `${mismatch} Month, day, year (MDY); pick the day order the file uses` });
    expect(ymd.date('31/01/2024')).toEqual({ why: `${mismatch} Day, month, year (DMY); pick the day order the file uses` });
    expect(ymd.date('03/04/2024')).toEqual({ why: `${mismatch} Month, day, year (MDY) or Day, month, year (DMY); pick the day order the file uses` });
    expect(ymd.date('24/03/01')).toEqual({ why: 'write the year with four digits, like 2024-03-31 or 2024/03/31' });
  });

  it('reads times of day', () => {
    const reader = createDateReader({ dateOrder: 'ymd', timeZone: 'UTC' });
    expect(reader.time('8:30 PM')).toBe('20:30:00.000Z');
    expect(reader.time('08:30:15.5')).toBe('08:30:15.500Z');
    expect(reader.time('24:00')).toEqual({ why: 'the time of day is out of range' });
  });
});
