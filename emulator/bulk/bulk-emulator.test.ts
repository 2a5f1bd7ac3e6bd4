import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordChange } from '../index';
import { startTestOrg, type TestOrg } from '../testing';

/** Bulk API 2.0 inside the whole emulator: sessions, limits, admin faults and change listeners. */
let org: TestOrg;

beforeAll(async () => {
  org = await startTestOrg();
});

afterAll(async () => {
  await org.emulator.stop();
});

type Json = Record<string, unknown>;

async function ingest(csv: string, headers: Record<string, string> = {}): Promise<Json> {
  const job = (await org.call('/services/data/v62.0/jobs/ingest', { method: 'POST', headers, json: { object: 'Account', operation: 'insert' } })).body as Json;
  const put = await org.call(`/services/data/v62.0/jobs/ingest/${String(job.id)}/batches`, { method: 'PUT', headers: { 'Content-Type': 'text/csv' }, body: csv });
  expect(put.status).toBe(201);
  await org.call(`/services/data/v62.0/jobs/ingest/${String(job.id)}`, { method: 'PATCH', json: { state: 'UploadComplete' } });
  await org.emulator.bulk.idle();
  return (await org.call(`/services/data/v62.0/jobs/ingest/${String(job.id)}`)).body as Json;
}

describe('Bulk API 2.0 in the emulator', () => {
  it('needs a session and answers with Sforce-Limit-Info like every REST call', async () => {
    const anonymous = await fetch(`${org.url}/services/data/v62.0/jobs/ingest`);
    expect(anonymous.status).toBe(401);
    const listed = await org.call('/services/data/v62.0/jobs/ingest');
    expect(listed.status).toBe(200);
    expect(listed.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/\d+$/);
  });

  it('makes ordinary record changes, heard by change listeners with the bulkapi origin', async () => {
    const heard: RecordChange[] = [];
    const stop = org.emulator.org.store.onChange((change) => heard.push(change));
    try {
      const done = await ingest('Name\nHeard One\nHeard Two\n');
      expect(done).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 2 });
    } finally {
      stop();
    }
    expect(heard.map((c) => [c.changeType, c.origin, c.row.Name])).toEqual([
      ['CREATE', 'bulkapi', 'Heard One'],
      ['CREATE', 'bulkapi', 'Heard Two'],
    ]);
  });

  it('passes the Sforce-Call-Options client of the job creation to the changes the job makes', async () => {
    const heard: RecordChange[] = [];
    const stop = org.emulator.org.store.onChange((change) => heard.push(change));
    try {
      await ingest('Name\nWith Client\n', { 'Sforce-Call-Options': 'client=OrgDesk' });
    } finally {
      stop();
    }
    expect(heard.map((c) => [c.origin, c.client])).toEqual([['bulkapi', 'OrgDesk']]);
  });

  it('counts ingest batches and query jobs in /limits', async () => {
    const before = (await org.call('/services/data/v62.0/limits')).body as Record<string, { Remaining: number }>;
    await ingest('Name\nLimits\n');
    await org.call('/services/data/v62.0/jobs/query', { method: 'POST', json: { operation: 'query', query: 'SELECT Id FROM Account' } });
    await org.emulator.bulk.idle();
    const after = (await org.call('/services/data/v62.0/limits')).body as Record<string, { Remaining: number }>;
    expect(after.DailyBulkApiBatches?.Remaining).toBe((before.DailyBulkApiBatches?.Remaining ?? 0) - 1);
    expect(after.DailyBulkV2QueryJobs?.Remaining).toBe((before.DailyBulkV2QueryJobs?.Remaining ?? 0) - 1);
  });

  it('fails the next ingest job at a chosen row through POST /__emulator/faults', async () => {
    const armed = await org.call('/__emulator/faults', { method: 'POST', json: { kind: 'bulk-fail-ingest', afterRows: 2, errorMessage: 'InternalServerError : injected by the test' } });
    expect(armed.status).toBe(201);
    const done = await ingest('Name\nF1\nF2\nF3\n');
    expect(done).toMatchObject({ state: 'Failed', numberRecordsProcessed: 2, errorMessage: 'InternalServerError : injected by the test' });
    const unprocessed = await org.call(`/services/data/v62.0/jobs/ingest/${String(done.id)}/unprocessedrecords`);
    expect(unprocessed.text).toBe('Name\nF3\n');
  });
});
