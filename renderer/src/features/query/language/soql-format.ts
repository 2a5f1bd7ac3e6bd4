import { formatQuery } from '@jetstreamapp/soql-parser-js';

/** Formats one SOQL statement (soql-parser-js): one field per line past 60 characters, subquery parentheses on their own lines. Throws when it does not parse. */
export function formatSoql(soql: string): string {
  return formatQuery(soql, { fieldMaxLineLength: 60, fieldSubqueryParensOnOwnLine: true, whereClauseOperatorsIndented: true });
}
