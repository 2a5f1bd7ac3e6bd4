import { describe, expect, it } from 'vitest';
import { relativeDateRange } from './date-literals';

// Saturday 28 November 2026, late in the UTC day: weeks start on Sunday the 22nd, Q4 runs October to December.
const NOW = new Date('2026-11-28T23:30:00Z');

const cases: [string, string, string][] = [
  ['TODAY', '2026-11-28', '2026-11-29'],
  ['YESTERDAY', '2026-11-27', '2026-11-28'],
  ['TOMORROW', '2026-11-29', '2026-11-30'],
  ['THIS_WEEK', '2026-11-22', '2026-11-29'],
  ['LAST_WEEK', '2026-11-15', '2026-11-22'],
  ['NEXT_WEEK', '2026-11-29', '2026-12-06'],
  ['THIS_MONTH', '2026-11-01', '2026-12-01'],
  ['LAST_MONTH', '2026-10-01', '2026-11-01'],
  ['NEXT_MONTH', '2026-12-01', '2027-01-01'],
  ['THIS_QUARTER', '2026-10-01', '2027-01-01'],
  ['LAST_QUARTER', '2026-07-01', '2026-10-01'],
  ['NEXT_QUARTER', '2027-01-01', '2027-04-01'],
  ['THIS_YEAR', '2026-01-01', '2027-01-01'],
  ['LAST_YEAR', '2025-01-01', '2026-01-01'],
  ['NEXT_YEAR', '2027-01-01', '2028-01-01'],
  ['THIS_FISCAL_YEAR', '2026-01-01', '2027-01-01'],
  ['LAST_90_DAYS', '2026-08-30', '2026-11-29'],
  ['NEXT_90_DAYS', '2026-11-29', '2027-02-27'],
  ['LAST_N_DAYS:7', '2026-11-21', '2026-11-29'],
  ['NEXT_N_DAYS:7', '2026-11-29', '2026-12-06'],
  ['N_DAYS_AGO:3', '2026-11-25', '2026-11-26'],
  ['LAST_N_WEEKS:2', '2026-11-08', '2026-11-22'],
  ['NEXT_N_WEEKS:1', '2026-11-29', '2026-12-06'],
  ['LAST_N_MONTHS:2', '2026-09-01', '2026-11-01'],
  ['N_MONTHS_AGO:1', '2026-10-01', '2026-11-01'],
  ['NEXT_N_QUARTERS:2', '2027-01-01', '2027-07-01'],
  ['LAST_N_YEARS:1', '2025-01-01', '2026-01-01'],
  ['next_n_years:1', '2027-01-01', '2028-01-01'],
];

describe('relativeDateRange', () => {
  it.each(cases)('%s covers %s up to %s (UTC)', (literal, start, end) => {
    expect(relativeDateRange(literal, NOW)).toEqual({ start, end });
  });

  it('knows nothing of unknown literals or a missing N', () => {
    expect(relativeDateRange('SOMEDAY', NOW)).toBeUndefined();
    expect(relativeDateRange('LAST_N_DAYS', NOW)).toBeUndefined();
    expect(relativeDateRange('LAST_N_FORTNIGHTS:2', NOW)).toBeUndefined();
  });
});
