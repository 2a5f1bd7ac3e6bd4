import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrg, type TestOrg } from '../testing';
import { REAL_ORG_MODEL, createPacer, resolveOrgModel } from './org-model';

// Slow rates so a small org shows them; only lower bounds are asserted (a busy machine may go slower, never faster).
const MODEL = { connectionBytesPerSec: 100 * 1024, ingestRowsPerSec: 2000, queryRowsPerSec: 4000 };
const V = '/services/data/v62.0';

let org: TestOrg;
beforeAll(async () => {
  org = await startTestOrg({ model: MODEL });
});
afterAll(async () => {
  await org.emulator.stop();
});

async function settled(kind: 'ingest' | 'query', id: string): Promise<Record<string, unknown>> {
  for (;;) {
    const info = (await org.call(`${V}/jobs/${kind}/${id}`)).body as Record<string, unknown>;
    if (info.state === 'JobComplete' || info.state === 'Failed') return info;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the org model', () => {
  it('is off unless asked for, by option or ORGDESK_ORG_MODEL', () => {
    expect(resolveOrgModel(undefined, undefined)).toBeNull();
    expect(resolveOrgModel('none', 'real')).toBeNull();
    expect(resolveOrgModel(undefined, 'real')).toBe(REAL_ORG_MODEL);
    expect(() => resolveOrgModel(undefined, 'fast')).toThrow(/none.*real/);
  });

  it('never lets a pacer run ahead of its rate', async () => {
    const pacer = createPacer(1000);
    const started = performance.now();
    for (let i = 0; i < 10; i += 1) await pacer.take(20);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('caps a connection: a results page of B bytes takes at least about B / rate', async () => {
    const created = await org.call(`${V}/jobs/query`, { method: 'POST', json: { operation: 'query', query: 'SELECT Id, FirstName, LastName, Email FROM Contact' } });
    const job = created.body as { id: string };
    await settled('query', job.id);
    const started = performance.now();
    const page = await org.call(`${V}/jobs/query/${job.id}/results`, { headers: { 'Accept-Encoding': 'identity' } });
    const ms = performance.now() - started;
    const bytes = Buffer.byteLength(page.text);
    expect(page.text.split('\n').length).toBeGreaterThan(300);
    expect(ms).toBeGreaterThanOrEqual(((bytes / MODEL.connectionBytesPerSec) * 1000) * 0.8);
  });

  it('processes an ingest job no faster than its per-job rate', async () => {
    const created = await org.call(`${V}/jobs/ingest`, { method: 'POST', json: { object: 'Account', operation: 'insert' } });
    const job = created.body as { id: string };
    const csv = `Name\n${Array.from({ length: 1000 }, (_, i) => `Paced ${i}`).join('\n')}\n`;
    expect((await org.call(`${V}/jobs/ingest/${job.id}/batches`, { method: 'PUT', headers: { 'Content-Type': 'text/csv' }, body: csv })).status).toBe(201);
    const started = performance.now();
    await org.call(`${V}/jobs/ingest/${job.id}`, { method: 'PATCH', json: { state: 'UploadComplete' } });
    const info = await settled('ingest', job.id);
    expect(info.numberRecordsProcessed).toBe(1000);
    expect(performance.now() - started).toBeGreaterThanOrEqual((1000 / MODEL.ingestRowsPerSec) * 1000 * 0.8);
  });
});
