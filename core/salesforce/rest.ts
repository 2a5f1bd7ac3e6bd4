import type { ApiVersionInfo, GlobalDescribe, Identity, OrgLimits, QueryPage, SObjectDescribe } from '../../shared/salesforce/rest';
import { ServiceError } from '../errors';
import type { SalesforceClient } from './salesforce-client';

/** The API versions the org offers (`GET /services/data`), oldest first as Salesforce lists them. */
function listApiVersions(client: SalesforceClient, signal?: AbortSignal): Promise<ApiVersionInfo[]> {
  return client.json<ApiVersionInfo[]>('GET', '/services/data', { signal });
}

/** The newest API version the org offers (`62.0`). */
export async function newestApiVersion(client: SalesforceClient, signal?: AbortSignal): Promise<string> {
  const versions = await listApiVersions(client, signal);
  const newest = versions.map((v) => v.version).sort((a, b) => Number(a) - Number(b)).at(-1);
  if (newest === undefined) {
    throw new ServiceError('SF_API', 'The org listed no REST API versions.', 'Check the org URL: something other than Salesforce may be answering.');
  }
  return newest;
}

/** Small REST calls against one API version; `query` and `queryMore` return single pages (the query service loops). */
export type RestApi = {
  readonly version: string;
  limits(signal?: AbortSignal): Promise<OrgLimits>;
  identity(signal?: AbortSignal): Promise<Identity>;
  describeGlobal(signal?: AbortSignal): Promise<GlobalDescribe>;
  describe(objectName: string, signal?: AbortSignal): Promise<SObjectDescribe>;
  query<R = Record<string, unknown>>(soql: string, options?: { all?: boolean; batchSize?: number; signal?: AbortSignal }): Promise<QueryPage<R>>;
  queryMore<R = Record<string, unknown>>(nextRecordsUrl: string, options?: { batchSize?: number; signal?: AbortSignal }): Promise<QueryPage<R>>;
};

/** Binds the REST helpers to a client and an API version (`62.0`). */
export function createRestApi(client: SalesforceClient, version: string): RestApi {
  const base = `/services/data/v${version}`;
  const batchHeader = (batchSize: number | undefined): Record<string, string> | undefined =>
    batchSize === undefined ? undefined : { 'Sforce-Query-Options': `batchSize=${batchSize}` };
  return {
    version,
    limits: (signal) => client.json<OrgLimits>('GET', `${base}/limits`, { signal }),
    identity: async (signal) => {
      const access = await client.access();
      return client.json<Identity>('GET', access.identityUrl, { signal });
    },
    describeGlobal: (signal) => client.json<GlobalDescribe>('GET', `${base}/sobjects`, { signal }),
    describe: (objectName, signal) => client.json<SObjectDescribe>('GET', `${base}/sobjects/${encodeURIComponent(objectName)}/describe`, { signal }),
    query: (soql, options = {}) =>
      client.json('GET', `${base}/${options.all === true ? 'queryAll' : 'query'}`, {
        query: { q: soql },
        headers: batchHeader(options.batchSize),
        signal: options.signal,
      }),
    queryMore: (nextRecordsUrl, options = {}) => {
      if (!nextRecordsUrl.startsWith('/services/data/')) {
        throw new ServiceError('SF_API', 'Salesforce sent a next-page link OrgDesk does not recognise.', 'Run the query again.');
      }
      return client.json('GET', nextRecordsUrl, { headers: batchHeader(options.batchSize), signal: options.signal });
    },
  };
}
