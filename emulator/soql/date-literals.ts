/** A range of whole UTC days: `start` inclusive, `end` exclusive, both `YYYY-MM-DD`. */
export type DayRange = { start: string; end: string };

type Unit = 'day' | 'week' | 'month' | 'quarter' | 'year';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a UTC timestamp. */
function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function unitStart(nowMs: number, unit: Unit): number {
  const d = new Date(nowMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const today = Date.UTC(y, m, d.getUTCDate());
  switch (unit) {
    case 'day':
      return today;
    case 'week':
      // Weeks start on Sunday (the default locale of a US org).
      return today - d.getUTCDay() * DAY_MS;
    case 'month':
      return Date.UTC(y, m, 1);
    case 'quarter':
      return Date.UTC(y, m - (m % 3), 1);
    case 'year':
      return Date.UTC(y, 0, 1);
  }
}

function addUnits(ms: number, unit: Unit, count: number): number {
  const d = new Date(ms);
  switch (unit) {
    case 'day':
      return ms + count * DAY_MS;
    case 'week':
      return ms + count * 7 * DAY_MS;
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + count, d.getUTCDate());
    case 'quarter':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 3 * count, d.getUTCDate());
    case 'year':
      return Date.UTC(d.getUTCFullYear() + count, d.getUTCMonth(), d.getUTCDate());
  }
}

function range(startMs: number, endMs: number): DayRange {
  return { start: isoDay(startMs), end: isoDay(endMs) };
}

const FIXED: Record<string, [Unit, number]> = {
  YESTERDAY: ['day', -1],
  TODAY: ['day', 0],
  TOMORROW: ['day', 1],
  LAST_WEEK: ['week', -1],
  THIS_WEEK: ['week', 0],
  NEXT_WEEK: ['week', 1],
  LAST_MONTH: ['month', -1],
  THIS_MONTH: ['month', 0],
  NEXT_MONTH: ['month', 1],
  LAST_QUARTER: ['quarter', -1],
  THIS_QUARTER: ['quarter', 0],
  NEXT_QUARTER: ['quarter', 1],
  LAST_FISCAL_QUARTER: ['quarter', -1],
  THIS_FISCAL_QUARTER: ['quarter', 0],
  NEXT_FISCAL_QUARTER: ['quarter', 1],
  LAST_YEAR: ['year', -1],
  THIS_YEAR: ['year', 0],
  NEXT_YEAR: ['year', 1],
  LAST_FISCAL_YEAR: ['year', -1],
  THIS_FISCAL_YEAR: ['year', 0],
  NEXT_FISCAL_YEAR: ['year', 1],
};

const N_UNITS: Record<string, Unit> = {
  DAYS: 'day',
  WEEKS: 'week',
  MONTHS: 'month',
  QUARTERS: 'quarter',
  YEARS: 'year',
  FISCAL_QUARTERS: 'quarter',
  FISCAL_YEARS: 'year',
};

/**
 * The UTC day range a relative date literal (`TODAY`, `LAST_N_DAYS:7`, `THIS_QUARTER` ...) stands for at `now`, or
 * undefined if the literal is unknown. Fiscal periods follow the calendar (an org's default fiscal year).
 */
export function relativeDateRange(literal: string, now: Date): DayRange | undefined {
  const [rawName, rawN] = literal.toUpperCase().split(':');
  const name = rawName ?? '';
  const nowMs = now.getTime();
  const today = unitStart(nowMs, 'day');
  if (name === 'LAST_90_DAYS') return range(today - 90 * DAY_MS, today + DAY_MS);
  if (name === 'NEXT_90_DAYS') return range(today + DAY_MS, today + 91 * DAY_MS);
  const fixed = FIXED[name];
  if (fixed !== undefined) {
    const start = addUnits(unitStart(nowMs, fixed[0]), fixed[0], fixed[1]);
    return range(start, addUnits(start, fixed[0], 1));
  }
  const n = Number(rawN);
  if (rawN === undefined || !Number.isInteger(n) || n < 0) return undefined;
  const match = /^(LAST|NEXT)_N_(\w+)$|^N_(\w+)_AGO$/.exec(name);
  if (match === null) return undefined;
  const unit = N_UNITS[match[2] ?? match[3] ?? ''];
  if (unit === undefined) return undefined;
  const current = unitStart(nowMs, unit);
  if (match[1] === 'LAST') {
    // LAST_N_DAYS includes today; LAST_N_WEEKS/MONTHS/... are the n whole periods before the current one.
    return unit === 'day' ? range(today - n * DAY_MS, today + DAY_MS) : range(addUnits(current, unit, -n), current);
  }
  if (match[1] === 'NEXT') {
    const next = addUnits(current, unit, 1);
    return range(next, addUnits(next, unit, n));
  }
  const ago = addUnits(current, unit, -n);
  return range(ago, addUnits(ago, unit, 1));
}
