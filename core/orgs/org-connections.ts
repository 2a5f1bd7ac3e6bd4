import type { SalesforceClient, SalesforceSession } from '../salesforce';
import type { OrgsService } from './orgs-service';

/** An org's connection as the query, load and events services take it: the client, its session, the API version and the Pub/Sub endpoint. */
export type ServiceConnection = { client: SalesforceClient; session: SalesforceSession; apiVersion: string; pubsubEndpoint: string | null };

/** The `connections` port of the query, load and events services, over the orgs service's live connections. */
export function orgConnections(orgs: Pick<OrgsService, 'connection'>): { connectionFor(orgId: string): Promise<ServiceConnection> } {
  return {
    async connectionFor(orgId) {
      const connection = await orgs.connection(orgId);
      return { client: connection.client, session: connection.session, apiVersion: connection.rest.version, pubsubEndpoint: connection.profile.pubsubEndpoint ?? null };
    },
  };
}
