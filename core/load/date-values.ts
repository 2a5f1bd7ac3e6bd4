/**
 * Reading dates, date-times and times as people write them in CSV files, into what Bulk API 2.0 takes (salesforce-api.md
 * §4.7): `2024-03-01`, `2024-03-01T08:30:00.000Z`, `08:30:00.000Z`. A date is a calendar day: it is never converted
 * through an instant, so it cannot shift by a day. A date-time without an offset is wall-clock time in the chosen zone.
 */
import type { DateReading } from '../../shared/ipc/domains/load';
import { ServiceError } from '../errors';

/** A value that could not be read, and why. */
export type ValueProblem = { why: string };

/** Reads the date-ish values of one load, with its day order and time zone. */
export type DateReader = {
  date: (raw: string) => string | ValueProblem;
  dateTime: (raw: string) => string | ValueProblem;
  time: (raw: string) => string | ValueProblem;
};

// A, B, C separated by - / or .; then an optional time, AM/PM and offset.
const DATE_TIME =
  /^(\d{1,4})([-/.])(\d{1,2})\2(\d{1,4})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([AaPp][Mm])?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([AaPp][Mm])?\s*(Z)?$/;

const ORDER_EXAMPLES: Record<DateReading['dateOrder'], string> = {
  ymd: '2024-03-31 or 2024/03/31',
  mdy: '03/31/2024 or 2024-03-31',
  dmy: '31/03/2024 or 2024-03-31',
};

/**
 * Why a date with its year last (`01/31/2024`) is refused under the YMD day order: the day order is wrong, not the year.
 * Which order fits is said when the numbers tell it (a first part over 12 is a day; a second one, a day after the month).
 */
function yearLastInYmd(first: number, second: number): string {
  const fits = first > 12 && second <= 12 ? 'Day, month, year (DMY)' : second > 12 && first <= 12 ? 'Month, day, year (MDY)' : 'Month, day, year (MDY) or Day, month, year (DMY)';
  return `the year comes last, but the day order chosen is year, month, day (YMD): this date reads as ${fits}; pick the day order the file uses`;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

type Parts = { y: number; mo: number; d: number; time: { h: number; mi: number; s: number; ms: number } | null; offsetMinutes: number | null };

/** Builds the reader for a load; an unknown time zone is refused with VALIDATION. */
export function createDateReader(reading: DateReading): DateReader {
  const { dateOrder, timeZone } = reading;
  const utc = timeZone.toUpperCase() === 'UTC' || timeZone.toUpperCase() === 'GMT' || timeZone === 'Etc/UTC';
  let zone: Intl.DateTimeFormat | undefined;
  if (!utc) {
    try {
      zone = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new ServiceError('VALIDATION', `${timeZone} is not a time zone OrgDesk knows.`, 'Pick an IANA time zone such as Europe/Paris or America/New_York, or UTC.');
    }
  }
  // The zone's offset per hour of UTC: a 1M-row file spans few distinct hours, and formatToParts is slow.
  const offsets = new Map<number, number>();
  const offsetAt = (utcMs: number): number => {
    if (zone === undefined) return 0;
    const hour = Math.floor(utcMs / 3_600_000);
    let offset = offsets.get(hour);
    if (offset === undefined) {
      const p: Record<string, number> = {};
      for (const part of zone.formatToParts(new Date(hour * 3_600_000))) p[part.type] = Number(part.value);
      offset = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) - hour * 3_600_000;
      if (offsets.size > 100_000) offsets.clear();
      offsets.set(hour, offset);
    }
    return offset;
  };

  const example = ORDER_EXAMPLES[dateOrder];
  const parse = (raw: string): Parts | ValueProblem => {
    const m = DATE_TIME.exec(raw.trim());
    if (m === null) return { why: `not a date OrgDesk can read with the day order ${dateOrder.toUpperCase()}; write it like ${example}` };
    const a = m[1] ?? '';
    const b = Number(m[3]);
    const c = m[4] ?? '';
    let y: number;
    let mo: number;
    let d: number;
    if (a.length === 4) {
      [y, mo, d] = [Number(a), b, Number(c)];
    } else if (c.length !== 4) {
      return { why: `write the year with four digits, like ${example}` };
    } else if (dateOrder === 'ymd') {
      return { why: yearLastInYmd(Number(a), b) };
    } else if (dateOrder === 'mdy') {
      [y, mo, d] = [Number(c), Number(a), b];
    } else {
      [y, mo, d] = [Number(c), b, Number(a)];
    }
    if (mo < 1 || mo > 12) return { why: `there is no month ${mo} (the day order is ${dateOrder.toUpperCase()}: ${example})` };
    if (d < 1 || d > daysInMonth(y, mo)) return { why: `${y}-${pad(mo)} has no day ${d}` };
    let time: Parts['time'] = null;
    if (m[5] !== undefined) {
      let h = Number(m[5]);
      const meridiem = m[9]?.toUpperCase();
      if (meridiem !== undefined) {
        if (h < 1 || h > 12) return { why: `${h} is not an hour on a 12-hour clock` };
        h = (h % 12) + (meridiem === 'PM' ? 12 : 0);
      }
      const mi = Number(m[6]);
      const s = Number(m[7] ?? 0);
      if (h > 23 || mi > 59 || s > 59) return { why: 'the time of day is out of range' };
      time = { h, mi, s, ms: Number((m[8] ?? '').padEnd(3, '0').slice(0, 3)) };
    }
    let offsetMinutes: number | null = null;
    const z = m[10];
    if (z !== undefined) {
      if (z === 'Z') offsetMinutes = 0;
      else {
        const digits = z.slice(1).replace(':', '');
        offsetMinutes = (z[0] === '-' ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
      }
    }
    return { y, mo, d, time, offsetMinutes };
  };

  return {
    date: (raw) => {
      const p = parse(raw);
      if ('why' in p) return p;
      // Midnight UTC (`2024-03-01T00:00:00.000Z`, as some exports write dates) is that day; any other time or offset would
      // need a zone to name a day, and guessing one is how dates shift.
      const midnight = p.time === null || (p.time.h === 0 && p.time.mi === 0 && p.time.s === 0 && p.time.ms === 0);
      if (!midnight || (p.offsetMinutes !== null && p.offsetMinutes !== 0)) {
        return { why: 'a date field takes a calendar day without a time of day or an offset' };
      }
      return `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)}`;
    },
    dateTime: (raw) => {
      const p = parse(raw);
      if ('why' in p) return p;
      const t = p.time ?? { h: 0, mi: 0, s: 0, ms: 0 };
      const wall = Date.UTC(p.y, p.mo - 1, p.d, t.h, t.mi, t.s, t.ms);
      let instant: number;
      if (p.offsetMinutes !== null) instant = wall - p.offsetMinutes * 60_000;
      else {
        // Wall-clock time in the zone: subtract the zone's offset at that moment (checked again across a DST change).
        const first = offsetAt(wall);
        instant = wall - first;
        const second = offsetAt(instant);
        if (second !== first) instant = wall - second;
      }
      const date = new Date(instant);
      if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1700 || date.getUTCFullYear() > 4000) {
        return { why: 'Salesforce takes date-times between the years 1700 and 4000' };
      }
      return date.toISOString();
    },
    time: (raw) => {
      const m = TIME.exec(raw.trim());
      if (m === null) return { why: 'not a time of day; write it like 08:30, 08:30:15 or 8:30 PM' };
      let h = Number(m[1]);
      const meridiem = m[5]?.toUpperCase();
      if (meridiem !== undefined) {
        if (h < 1 || h > 12) return { why: `${h} is not an hour on a 12-hour clock` };
        h = (h % 12) + (meridiem === 'PM' ? 12 : 0);
      }
      const mi = Number(m[2]);
      const s = Number(m[3] ?? 0);
      if (h > 23 || mi > 59 || s > 59) return { why: 'the time of day is out of range' };
      return `${pad(h)}:${pad(mi)}:${pad(s)}.${(m[4] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
    },
  };
}
