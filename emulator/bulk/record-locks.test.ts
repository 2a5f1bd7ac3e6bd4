import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../index';

let org: RunningEmulator;
let token = '';
const accounts: string[] = [];

beforeAll(async () => {
  org = await startEmulator({ seed: false });
  token = org.admin.createSession('admin@orgdesk.example').access_token;
  const userId = org.admin.users()[0]?.id ?? '';
  for (let i = 0; i < 4; i += 1) accounts.push(org.org.writer.createRecord('Account', { Name: `Parent ${i}` }, { userId, origin: 'test' }).id);
});

afterAll(async () => {
  await org.stop();
});

async function api(method: string, path: string, body?: string, contentType = 'application/json'): Promise<Response> {
  const init: RequestInit = { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType } };
  if (body !== undefined) init.body = body;
  return fetch(`${org.url}/services/data/v62.0${path}`, init);
}

async function admin(body: unknown): Promise<Response> {
  return fetch(`${org.url}/__emulator/bulk-lock-contention`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

/** Uploads one Contact insert job per CSV, closes them back to back, waits, and answers every job's failed results. */
async function runTogether(csvs: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const csv of csvs) {
    const job = (await (await api('POST', '/jobs/ingest', JSON.stringify({ object: 'Contact', operation: 'insert', lineEnding: 'LF' }))).json()) as { id: string };
    expect((await api('PUT', `/jobs/ingest/${job.id}/batches`, csv, 'text/csv')).status).toBe(201);
    ids.push(job.id);
  }
  await Promise.all(ids.map((id) => api('PATCH', `/jobs/ingest/${id}`, JSON.stringify({ state: 'UploadComplete' }))));
  await org.bulk.idle();
  return Promise.all(ids.map(async (id) => (await api('GET', `/jobs/ingest/${id}/failedResults`)).text()));
}

function contacts(prefix: string, parents: string[], count: number): string {
  const lines = ['LastName,AccountId'];
  for (let i = 0; i < count; i += 1) lines.push(`${prefix}${i},${parents[i % parents.length] ?? ''}`);
  return `${lines.join('\n')}\n`;
}

const failures = (results: string[]): number => results.reduce((sum, text) => sum + (text.match(/UNABLE_TO_LOCK_ROW/g)?.length ?? 0), 0);

describe('simulated record lock contention', () => {
  it('is off by default: parallel jobs under the same parents all succeed', async () => {
    const results = await runTogether([contacts('Off', accounts.slice(0, 2), 100), contacts('Off2', accounts.slice(0, 2), 100)]);
    expect(failures(results)).toBe(0);
  });

  it('is switched on and off by the admin route, which answers the settings in force', async () => {
    const on = await admin({ enabled: true, failRate: 1, holdMs: 200, seed: 7 });
    expect(on.status).toBe(200);
    expect(await on.json()).toEqual({ enabled: true, failRate: 1, seed: 7, holdMs: 200 });
    expect((await admin({ enabled: 'yes' })).status).toBe(400);
    expect((await admin({ enabled: true, failRate: -1 })).status).toBe(400);
    const off = await admin({ enabled: false });
    expect(await off.json()).toEqual({ enabled: false });
    expect(org.admin.lockContention()).toBeNull();
  });

  it('fails rows of two in-flight jobs under the same parent with the real UNABLE_TO_LOCK_ROW text', async () => {
    await admin({ enabled: true, failRate: 1, holdMs: 300 });
    const results = await runTogether([contacts('Lock', accounts.slice(0, 2), 100), contacts('Lock2', accounts.slice(0, 2), 100)]);
    expect(failures(results)).toBeGreaterThan(0);
    const line = results.join('\n').split('\n').find((l) => l.includes('UNABLE_TO_LOCK_ROW')) ?? '';
    expect(line).toMatch(/UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record or 1 records: 001[0-9A-Za-z]{12}:--/);
    await admin({ enabled: false });
  });

  it('leaves jobs under different parents alone, and only the contended share fails at a lower rate', async () => {
    await admin({ enabled: true, failRate: 1, holdMs: 300 });
    const apart = await runTogether([contacts('A', accounts.slice(0, 2), 100), contacts('B', accounts.slice(2, 4), 100)]);
    expect(failures(apart)).toBe(0);
    await admin({ enabled: true, failRate: 0.5, holdMs: 300, seed: 3 });
    const half = await runTogether([contacts('H', accounts.slice(0, 2), 200), contacts('H2', accounts.slice(0, 2), 200)]);
    expect(failures(half)).toBeGreaterThan(0);
    expect(failures(half)).toBeLessThan(400);
    await admin({ enabled: false });
  });
});
