/**
 * The SOQL a Bulk API 2.0 query job refuses at creation, with the error a real org answers `POST /jobs/query` with (400).
 * The SOQL engine finds the constructs (subqueries, TYPEOF, aggregates, GROUP BY, OFFSET); this adds compound fields and
 * the wording.
 */
import type { OrgData } from '../org/types';
import { bulkUnsupportedConstructs } from '../soql';
import { parseSoql } from '../soql/soql-parse';

/** A refusal: the error code and message. */
export type BulkQueryRefusal = { errorCode: string; message: string };

/**
 * Messages seen from real orgs: "Aggregate Relationships not supported in Bulk Query" for subqueries (Salesforce Data
 * Loader matches on it) and "Selecting compound data not supported in Bulk Query" (API_ERROR); the others follow them [INF].
 */
const MESSAGES: Record<string, string> = {
  'parent-to-child subqueries': 'Aggregate Relationships not supported in Bulk Query',
  TYPEOF: 'TYPEOF not supported in Bulk Query',
  'aggregate functions': 'Aggregate queries are not supported in Bulk Query',
  'GROUP BY': 'GROUP BY not supported in Bulk Query',
  OFFSET: 'OFFSET not supported in Bulk Query',
};

/** The first construct of `soql` a Bulk query job can't run, or undefined; throws SoqlError for SOQL that doesn't parse. */
export function bulkQueryRefusal(soql: string, org: OrgData): BulkQueryRefusal | undefined {
  const first = bulkUnsupportedConstructs(soql)[0];
  if (first !== undefined) return { errorCode: 'API_ERROR', message: MESSAGES[first] ?? `${first} not supported in Bulk Query` };
  const query = parseSoql(soql);
  const schema = query.sObject === undefined ? undefined : org.objectSchema(query.sObject);
  for (const field of query.fields ?? []) {
    if (field.type !== 'Field' || !schema) continue;
    const f = schema.fields.find((x) => x.name.toLowerCase() === field.field.toLowerCase());
    if (f && (f.type === 'address' || f.type === 'location')) return { errorCode: 'API_ERROR', message: 'Selecting compound data not supported in Bulk Query' };
  }
  return undefined;
}
