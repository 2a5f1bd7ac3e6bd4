/** The kinds of token the SOQL scanner tells apart. */
type SoqlTokenKind = 'ident' | 'string' | 'number' | 'date' | 'op' | 'lparen' | 'rparen' | 'comma' | 'colon' | 'other';

/** A token with its offsets in the text (`end` exclusive). Identifiers keep their dots: `Account.Owner.Name`, `Owner.`. */
export type SoqlToken = { kind: SoqlTokenKind; text: string; start: number; end: number };

/** Words that start or shape a clause; never field names. */
export const SOQL_KEYWORDS = [
  'SELECT', 'FROM', 'WHERE', 'WITH', 'GROUP', 'BY', 'HAVING', 'ORDER', 'LIMIT', 'OFFSET', 'FOR', 'VIEW', 'REFERENCE', 'UPDATE',
  'TRACKING', 'VIEWSTAT', 'ALL', 'ROWS', 'AND', 'OR', 'NOT', 'IN', 'INCLUDES', 'EXCLUDES', 'LIKE', 'ASC', 'DESC', 'NULLS',
  'FIRST', 'LAST', 'NULL', 'TRUE', 'FALSE', 'USING', 'SCOPE', 'TYPEOF', 'WHEN', 'THEN', 'ELSE', 'END', 'ROLLUP', 'CUBE',
  'STANDARD', 'CUSTOM', 'SECURITY_ENFORCED', 'USER_MODE', 'SYSTEM_MODE', 'DATA', 'CATEGORY', 'AT', 'ABOVE', 'BELOW', 'ABOVE_OR_BELOW',
] as const;

/** Functions allowed in SELECT, WHERE, GROUP BY and HAVING. */
export const SOQL_FUNCTIONS = [
  'COUNT', 'COUNT_DISTINCT', 'AVG', 'MIN', 'MAX', 'SUM', 'FIELDS', 'FORMAT', 'toLabel', 'convertCurrency', 'convertTimezone',
  'CALENDAR_MONTH', 'CALENDAR_QUARTER', 'CALENDAR_YEAR', 'DAY_IN_MONTH', 'DAY_IN_WEEK', 'DAY_IN_YEAR', 'DAY_ONLY',
  'FISCAL_MONTH', 'FISCAL_QUARTER', 'FISCAL_YEAR', 'HOUR_IN_DAY', 'WEEK_IN_MONTH', 'WEEK_IN_YEAR', 'GROUPING', 'DISTANCE',
  'GEOLOCATION',
] as const;

/** Relative date literals without a number (`TODAY`, `LAST_WEEK`). */
export const DATE_LITERALS = [
  'YESTERDAY', 'TODAY', 'TOMORROW', 'LAST_WEEK', 'THIS_WEEK', 'NEXT_WEEK', 'LAST_MONTH', 'THIS_MONTH', 'NEXT_MONTH',
  'LAST_90_DAYS', 'NEXT_90_DAYS', 'THIS_QUARTER', 'LAST_QUARTER', 'NEXT_QUARTER', 'THIS_YEAR', 'LAST_YEAR', 'NEXT_YEAR',
  'THIS_FISCAL_QUARTER', 'LAST_FISCAL_QUARTER', 'NEXT_FISCAL_QUARTER', 'THIS_FISCAL_YEAR', 'LAST_FISCAL_YEAR', 'NEXT_FISCAL_YEAR',
] as const;

/** Relative date literals that take a number after a colon (`LAST_N_DAYS:30`). */
export const DATE_N_LITERALS = [
  'NEXT_N_DAYS', 'LAST_N_DAYS', 'N_DAYS_AGO', 'NEXT_N_WEEKS', 'LAST_N_WEEKS', 'N_WEEKS_AGO', 'NEXT_N_MONTHS', 'LAST_N_MONTHS',
  'N_MONTHS_AGO', 'NEXT_N_QUARTERS', 'LAST_N_QUARTERS', 'N_QUARTERS_AGO', 'NEXT_N_YEARS', 'LAST_N_YEARS', 'N_YEARS_AGO',
  'NEXT_N_FISCAL_QUARTERS', 'LAST_N_FISCAL_QUARTERS', 'N_FISCAL_QUARTERS_AGO', 'NEXT_N_FISCAL_YEARS', 'LAST_N_FISCAL_YEARS',
  'N_FISCAL_YEARS_AGO',
] as const;

const keywordSet = new Set<string>(SOQL_KEYWORDS);
const functionSet = new Set<string>(SOQL_FUNCTIONS.map((f) => f.toUpperCase()));
const dateLiteralSet = new Set<string>([...DATE_LITERALS, ...DATE_N_LITERALS]);

/** Tells whether a word is a SOQL keyword (case-insensitive). */
export function isKeyword(word: string): boolean {
  return keywordSet.has(word.toUpperCase());
}

/** Tells whether a word is a SOQL function name (case-insensitive). */
export function isFunctionName(word: string): boolean {
  return functionSet.has(word.toUpperCase());
}

/** Tells whether a word is a relative date literal, with or without `_N_` (case-insensitive). */
export function isDateLiteral(word: string): boolean {
  return dateLiteralSet.has(word.toUpperCase());
}

const patterns: [SoqlTokenKind, RegExp][] = [
  ['string', /'(?:[^'\\]|\\.)*'?/y],
  ['date', /\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?/y],
  ['number', /-?\d+(?:\.\d+)?/y],
  ['ident', /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\.?/y],
  ['op', /!=|<>|<=|>=|=|<|>/y],
  ['lparen', /\(/y],
  ['rparen', /\)/y],
  ['comma', /,/y],
  ['colon', /:/y],
];

/** Splits SOQL into tokens with offsets; whitespace is skipped, an unterminated string runs to the end. Never throws. */
export function tokenizeSoql(text: string): SoqlToken[] {
  const tokens: SoqlToken[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === 32 || ch === 9 || ch === 10 || ch === 13) {
      i += 1;
      continue;
    }
    let matched = false;
    for (const [kind, re] of patterns) {
      re.lastIndex = i;
      const m = re.exec(text);
      if (m !== null && m[0].length > 0) {
        tokens.push({ kind, text: m[0], start: i, end: i + m[0].length });
        i += m[0].length;
        matched = true;
        break;
      }
    }
    if (!matched) {
      tokens.push({ kind: 'other', text: text.charAt(i), start: i, end: i + 1 });
      i += 1;
    }
  }
  return tokens;
}
