import type { ExplainPlan } from '../../shared/ipc/domains/query';
import type { QueryConnections } from './ports';
import { toQueryServiceError } from './query-errors';

type RawPlan = Omit<ExplainPlan, 'notes'> & { notes?: { description?: string }[] };

/** The query plans Salesforce would use for a query (`GET /query?explain=`); the query is not run. */
export async function explainQuery(connections: QueryConnections, orgId: string, soql: string): Promise<{ plans: ExplainPlan[] }> {
  const { client, apiVersion } = await connections.connectionFor(orgId);
  try {
    const answer = await client.json<{ plans?: RawPlan[] }>('GET', `/services/data/v${apiVersion}/query`, { query: { explain: soql } });
    return { plans: (answer.plans ?? []).map(toPlan) };
  } catch (error) {
    throw toQueryServiceError(error);
  }
}

function toPlan(plan: RawPlan): ExplainPlan {
  return {
    cardinality: plan.cardinality,
    fields: plan.fields,
    leadingOperationType: plan.leadingOperationType,
    relativeCost: plan.relativeCost,
    sobjectCardinality: plan.sobjectCardinality,
    sobjectType: plan.sobjectType,
    notes: (plan.notes ?? []).flatMap((n) => (typeof n.description === 'string' ? [n.description] : [])),
  };
}
