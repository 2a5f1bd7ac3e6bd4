/**
 * Vitest globalSetup of the renderer project: starts the local org (the emulator) on 127.0.0.1:0, reads its global and
 * per-object describes through main's own path (the Salesforce client and the describe cache that answer `query:objects`
 * and `query:describe`), and provides them to the renderer tests as `localOrgDescribe`. So the SOQL language tests
 * complete against what the org really serves, not a hand-written schema. The org is stopped before the tests start.
 */
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startEmulator } from '../emulator/index';
import { createDescribeCache } from '../core/query/describe-cache';
import { createFetchTransport, createSalesforceClient, createSystemClock, newestApiVersion, type SalesforceSession, type SessionAccess } from '../core/salesforce';
import type { ObjectInfo, ObjectSummary } from '../shared/ipc/contract';

declare module 'vitest' {
  // The same declaration as renderer/test/local-org-catalog.ts: each TypeScript project sees one of the two.
  interface ProvidedContext {
    localOrgDescribe: { objects: ObjectSummary[]; describes: ObjectInfo[] };
  }
}

const ADMIN = 'admin@orgdesk.example';
const ORG_ID = 'local-org';

/** Reads the local org's describes and provides them to the project's tests. */
export async function setup(project: TestProject): Promise<void> {
  const org = await startEmulator({ port: 0, host: '127.0.0.1', seed: false });
  try {
    const login = async (): Promise<SessionAccess> => {
      const minted = org.admin.createSession(ADMIN);
      return { accessToken: minted.access_token, instanceUrl: minted.instance_url, identityUrl: minted.id, orgId: org.orgId, userId: '' };
    };
    let current: Promise<SessionAccess> | null = null;
    const session: SalesforceSession = { loginUrl: org.url, access: () => (current ??= login()), renew: () => (current = login()) };
    const client = createSalesforceClient({ session, transport: createFetchTransport(), clock: createSystemClock() });
    const apiVersion = await newestApiVersion(client);
    const cache = createDescribeCache({ connections: { connectionFor: () => Promise.resolve({ client, apiVersion }) } });
    const objects = await cache.objects(ORG_ID);
    const describes = await Promise.all(objects.filter((o) => o.queryable).map((o) => cache.describe(ORG_ID, o.name)));
    project.provide('localOrgDescribe', { objects, describes });
  } finally {
    await org.stop();
  }
}
