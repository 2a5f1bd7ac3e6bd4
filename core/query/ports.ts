import type { SalesforceClient } from '../salesforce';

/** A connected org as the query service uses it: the shared Salesforce client and the profile's API version (`62.0`). */
export type QueryConnection = { client: SalesforceClient; apiVersion: string };

/**
 * Gives the connected client of an org profile (throws NOT_FOUND/AUTH ServiceErrors when it can't). The client adds the
 * auth header, logs in again on a 401 INVALID_SESSION_ID and throws SalesforceRequestErrors carrying the errorCode.
 */
export interface QueryConnections {
  /** The connection for one org profile. */
  connectionFor(orgId: string): Promise<QueryConnection>;
}

/** Picks where an export goes (now shared with the orgs service's certificate): see core/files. */
export type { SaveFilePicker } from '../files';
