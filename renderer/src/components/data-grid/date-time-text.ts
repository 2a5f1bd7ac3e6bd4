/**
 * A date-time as Salesforce writes it: REST JSON `2026-01-15T10:30:00.000+0000`, Bulk CSV `2026-01-15T10:30:00.000Z`
 * (always with an offset or Z; a `date` field has no time part and stays as it is, a `time` field has no date).
 */
const SALESFORCE_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})$/;
const COMPACT_OFFSET = /([+-]\d{2})(\d{2})$/;

/** Whether a cell's text is a date-time with an offset (cheap checks first: this runs for every visible text cell). */
export function isDateTimeText(value: string): boolean {
  return value.length >= 20 && value.length <= 35 && value.charCodeAt(10) === 84 /* T */ && SALESFORCE_DATE_TIME.test(value);
}

/** Turns a date-time as the org returned it into the text shown in the grid; anything it cannot read comes back unchanged. */
export type DateTimeFormatter = (raw: string) => string;

/** Where and how to show date-times: an IANA time zone (the person's own when omitted) and a BCP 47 locale. */
export type DateTimeFormatOptions = { timeZone?: string | undefined; locale?: string | undefined };

const CACHE_LIMIT = 5_000;

/**
 * Builds a formatter over one `Intl.DateTimeFormat` (building one costs far more than formatting with it) with a bounded
 * memo of texts already formatted, so drawing a visible cell costs a map look-up once its value has been seen.
 */
export function createDateTimeFormatter(options: DateTimeFormatOptions = {}): DateTimeFormatter & { timeZone: string } {
  const format = new Intl.DateTimeFormat(options.locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
  });
  const memo = new Map<string, string>();
  const formatter = (raw: string): string => {
    const hit = memo.get(raw);
    if (hit !== undefined) return hit;
    // `+0000` is what Salesforce sends; Date.parse reads only the ISO form `+00:00`.
    const millis = Date.parse(raw.replace(COMPACT_OFFSET, '$1:$2'));
    const text = Number.isNaN(millis) ? raw : format.format(millis);
    if (memo.size >= CACHE_LIMIT) memo.clear();
    memo.set(raw, text);
    return text;
  };
  return Object.assign(formatter, { timeZone: format.resolvedOptions().timeZone });
}
