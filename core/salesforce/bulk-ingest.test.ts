import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { createEmulatorConnections } from '../test-support/emulator-connections';
import { ServiceError } from '../errors';
import { createIngestClient, nextPollDelay, type IngestClient } from './bulk-ingest';
import { createSystemClock } from './clock';

let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seedSize: { accounts: 5, contacts: 5, opportunities: 1, cases: 1, leads: 1, invoices: 1 } });
  dir = mkdtempSync(join(tmpdir(), 'orgdesk-ingest-'));
});
afterAll(async () => {
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  emulator.admin.reset();
});

function ingest(): IngestClient {
  const { connection } = createEmulatorConnections({ url: emulator.url, username: 'admin@orgdesk.example' });
  return createIngestClient({ client: connection.client, apiVersion: '62.0', clock: createSystemClock(), poll: { initialMs: 10, maxMs: 50 } });
}

function csvFile(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

describe('Bulk API 2.0 ingest client', () => {
  it('creates a job, uploads once, closes it, waits for JobComplete and streams each result file', async () => {
    const client = ingest();
    const job = await client.create({ object: 'Account', operation: 'insert' });
    expect(job.state).toBe('Open');
    await client.upload(job.id, csvFile('a.csv', 'Name,NumberOfEmployees\nAcme,10\nGlobex,x\n'));
    expect((await client.close(job.id)).state).toBe('UploadComplete');
    const seen: string[] = [];
    const end = await client.waitForEnd(job.id, { onInfo: (info) => seen.push(info.state) });
    expect(end).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 2, numberRecordsFailed: 1 });
    expect(seen.at(-1)).toBe('JobComplete');
    const success = await text(await client.results(job.id, 'successfulResults'));
    expect(success.split('\n')[0]).toBe('"sf__Id","sf__Created",Name,NumberOfEmployees');
    expect(success).toContain('"Acme"');
    const failed = await text(await client.results(job.id, 'failedResults'));
    expect(failed).toContain('"Globex"');
    expect(await text(await client.results(job.id, 'unprocessedrecords'))).toBe('Name,NumberOfEmployees\n');
  });

  it('is refused a second upload to the same job, which is why every job gets exactly one', async () => {
    const client = ingest();
    const job = await client.create({ object: 'Account', operation: 'insert' });
    const file = csvFile('b.csv', 'Name\nOne\n');
    await client.upload(job.id, file);
    await expect(client.upload(job.id, file)).rejects.toThrow(/Found multiple contents for job/);
  });

  it('fails the upload with a NETWORK error when the connection drops mid-body, leaving the job Open to abort', async () => {
    const client = ingest();
    const job = await client.create({ object: 'Account', operation: 'insert' });
    emulator.admin.addFault({ kind: 'bulk-drop-upload', afterBytes: 10 });
    const file = csvFile('c.csv', `Name\n${Array.from({ length: 2000 }, (_, i) => `Row ${i}`).join('\n')}\n`);
    const error = await client.upload(job.id, file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('NETWORK');
    expect((await client.info(job.id)).state).toBe('Open');
    expect((await client.abort(job.id)).state).toBe('Aborted');
  });

  it('answers the ended job when aborting one that already completed', async () => {
    const client = ingest();
    const job = await client.create({ object: 'Account', operation: 'insert' });
    await client.upload(job.id, csvFile('d.csv', 'Name\nDone\n'));
    await client.close(job.id);
    await client.waitForEnd(job.id, {});
    expect((await client.abort(job.id)).state).toBe('JobComplete');
  });

  it('reports a job-level failure with its errorMessage', async () => {
    const client = ingest();
    const job = await client.create({ object: 'Account', operation: 'insert' });
    await client.upload(job.id, csvFile('e.csv', 'Industryy\nx\n'));
    await client.close(job.id);
    const end = await client.waitForEnd(job.id, {});
    expect(end.state).toBe('Failed');
    expect(end.errorMessage).toMatch(/Industryy/);
  });

  it('names the job file in a FILE error when it cannot be read', async () => {
    const client = ingest();
    const job = await client.create({ object: 'Account', operation: 'insert' });
    await expect(client.upload(job.id, join(dir, 'missing.csv'))).rejects.toMatchObject({ code: 'FILE', message: expect.stringContaining('missing.csv') as unknown });
  });
});

describe('nextPollDelay: polls timed by the org\'s own pace', () => {
  const poll = { initialMs: 500, maxMs: 5000 };

  it('times the next poll for when the rows left should be done', () => {
    // 10,000 rows in the second since it started showing progress: 20,000 rows left take about 2 s.
    expect(nextPollDelay({ at: 1000, processed: 2000 }, { at: 2000, processed: 12_000 }, 32_000, poll)).toBe(2000);
  });

  it('keeps between 200 ms and the longest wait', () => {
    expect(nextPollDelay({ at: 0, processed: 1 }, { at: 1000, processed: 99_999 }, 100_000, poll)).toBe(200);
    expect(nextPollDelay({ at: 0, processed: 1 }, { at: 1000, processed: 2 }, 1_000_000, poll)).toBe(5000);
  });

  it('answers null with no pace to go by: no row count, not started, or no progress since', () => {
    expect(nextPollDelay({ at: 0, processed: 10 }, { at: 1000, processed: 20 }, undefined, poll)).toBeNull();
    expect(nextPollDelay(null, { at: 1000, processed: 20 }, 100, poll)).toBeNull();
    expect(nextPollDelay({ at: 0, processed: 20 }, { at: 1000, processed: 20 }, 100, poll)).toBeNull();
  });
});
