import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index';
import { LOCAL_ADMIN, registerConnectedApp, startLocalOrg } from '../test-support/local-org';
import { createMemorySecretStore } from '../secrets/memory-secret-store';
import { createSystemClock } from '../salesforce/clock';
import { createFetchTransport } from '../salesforce/http-transport';
import { newestApiVersion } from '../salesforce/rest';
import { openDatabase, type OrgDeskDatabase } from '../store/database';
import { createOrgsService, type OrgsService } from './orgs-service';
import { matching } from '../test-support/matchers';

let org: RunningEmulator;
let folder: string;
let database: OrgDeskDatabase;
let orgs: OrgsService;

beforeAll(async () => {
  org = await startLocalOrg();
  folder = mkdtempSync(join(tmpdir(), 'orgdesk-test-connection-'));
  database = openDatabase({ folder });
  orgs = createOrgsService({ db: database.db, secrets: createMemorySecretStore(), transport: createFetchTransport(), clock: createSystemClock() });
});
afterAll(async () => {
  orgs.dispose();
  database.close();
  rmSync(folder, { recursive: true, force: true });
  await org.stop();
});

/** A profile for the local org with a generated key whose certificate the admin registered. */
async function connectedProfile(consumerKey: string, apiVersion: string | null = null): Promise<string> {
  const { id } = orgs.create({ label: 'Local', environment: 'mydomain', myDomainUrl: org.url, consumerKey, username: LOCAL_ADMIN, apiVersion, color: '#0176d3' });
  await orgs.generateKey(id);
  await registerConnectedApp(org.url, { consumerKey, certificate: orgs.certificate(id).pem, preAuthorizedUsernames: [LOCAL_ADMIN] });
  return id;
}

describe('test connection', () => {
  it('shows the org id, user, instance, newest API version and daily API usage', async () => {
    const id = await connectedProfile('CK-test-connection');
    const result = await orgs.testConnection(id);
    expect(result).toMatchObject({ orgId: org.orgId, username: LOCAL_ADMIN, instanceUrl: org.url, apiUsage: { max: 100_000 } });
    expect(result.userId).toMatch(/^005/);
    expect(result.apiUsage.used).toBeGreaterThan(0);
    const { client } = await orgs.connection(id);
    expect(result.apiVersion).toBe(await newestApiVersion(client));
    expect(orgs.get(id).instanceUrl).toBe(org.url);
    expect(JSON.stringify(result)).not.toContain((await client.access()).accessToken);
  });

  it('uses the API version pinned on the profile', async () => {
    const id = await connectedProfile('CK-pinned', '58.0');
    expect((await orgs.testConnection(id)).apiVersion).toBe('58.0');
  });

  it('shows the consumer key hint when the consumer key is wrong, and works once it is corrected', async () => {
    const id = await connectedProfile('CK-right');
    orgs.update(id, { consumerKey: 'CK-wrong' });
    await expect(orgs.testConnection(id)).rejects.toMatchObject({ code: 'AUTH', hint: matching(/consumer key/) });
    orgs.update(id, { consumerKey: 'CK-right' });
    await expect(orgs.testConnection(id)).resolves.toMatchObject({ orgId: org.orgId });
  });

  it('logs in again after a new key is generated, and fails until the new certificate is registered', async () => {
    const id = await connectedProfile('CK-rotate');
    await orgs.testConnection(id);
    await orgs.generateKey(id);
    await expect(orgs.testConnection(id)).rejects.toMatchObject({ code: 'AUTH', message: matching(/no certificate matching/) });
    await registerConnectedApp(org.url, { consumerKey: 'CK-rotate', certificate: orgs.certificate(id).pem, preAuthorizedUsernames: [LOCAL_ADMIN] });
    await expect(orgs.testConnection(id)).resolves.toMatchObject({ orgId: org.orgId });
  });
});
