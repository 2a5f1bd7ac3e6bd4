/** Value formats as REST reads and writes them: datetimes `YYYY-MM-DDTHH:mm:ss.SSS+0000`, dates `YYYY-MM-DD`. */

/** Formats an instant the way REST returns datetimes (`2024-04-14T13:50:54.000+0000`). */
export function formatDateTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/** Formats an instant's UTC calendar date (`2024-04-14`). */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

function validCalendarDate(y: number, m: number, d: number): boolean {
  // Every month has a 28th; years below 100 are left to Date.UTC, which reads them as 19xx (and so refuses them).
  if (y >= 100 && m >= 1 && m <= 12 && d >= 1 && d <= 28) return true;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Parses `YYYY-MM-DD` (or the date part of a datetime) into the stored date text; undefined when invalid. */
export function parseDateValue(text: string): string | undefined {
  const trimmed = text.trim();
  const m = DATE.exec(trimmed);
  if (m) return validCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) ? trimmed : undefined;
  const dt = parseDateTimeValue(trimmed);
  return dt?.slice(0, 10);
}

/** Parses an ISO 8601 datetime (Z, ±hh:mm or ±hhmm offsets, or a bare date) into the stored UTC text; undefined when invalid. */
export function parseDateTimeValue(text: string): string | undefined {
  const trimmed = text.trim();
  const d = DATE.exec(trimmed);
  if (d) return validCalendarDate(Number(d[1]), Number(d[2]), Number(d[3])) ? `${trimmed}T00:00:00.000+0000` : undefined;
  const m = DATE_TIME.exec(trimmed);
  if (!m) return undefined;
  const [, y, mo, da, h, mi, s, frac, zone] = m;
  if (!validCalendarDate(Number(y), Number(mo), Number(da))) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return undefined;
  let offsetMinutes = 0;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  const ms = Number(((frac ?? '') + '000').slice(0, 3));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(da), Number(h), Number(mi), Number(s ?? 0), ms) - offsetMinutes * 60_000;
  return formatDateTime(new Date(utc));
}
