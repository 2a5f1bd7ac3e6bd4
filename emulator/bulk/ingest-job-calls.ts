/** The Bulk ingest tests' calls against a `BulkTestOrg`: create, upload, close and read a job and its result files. */
import { expect } from 'vitest';
import type { BulkTestOrg } from './bulk-test-org';

/** A JSON body as the tests read it. */
export type Json = Record<string, unknown>;

/** The ingest calls bound to the org `current()` answers (the org starts in the test file's `beforeAll`). */
export function ingestJobCalls(current: () => BulkTestOrg) {

  async function call(method: string, path: string, body?: unknown, version?: string): Promise<Response> {
    const init: RequestInit = { method, headers: { 'Content-Type': 'application/json; charset=UTF-8', Accept: 'application/json' } };
    if (body !== undefined) init.body = JSON.stringify(body);
    return fetch(`${current().base(version)}${path}`, init);
  }

  async function createJob(spec: Json): Promise<Json> {
    const res = await call('POST', '/jobs/ingest', spec);
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  }

  async function upload(id: string, csv: string): Promise<Response> {
    return fetch(`${current().base()}/jobs/ingest/${id}/batches`, { method: 'PUT', headers: { 'Content-Type': 'text/csv' }, body: csv });
  }

  async function info(id: string): Promise<Json> {
    return (await (await call('GET', `/jobs/ingest/${id}`)).json()) as Json;
  }

  async function finished(id: string): Promise<Json> {
    await current().bulk.idle();
    return info(id);
  }

  /** Creates, uploads, closes and waits; returns the final job info. */
  async function runJob(spec: Json, csv: string): Promise<Json> {
    const job = await createJob(spec);
    expect((await upload(job.id as string, csv)).status).toBe(201);
    const closed = await call('PATCH', `/jobs/ingest/${String(job.id)}`, { state: 'UploadComplete' });
    expect(closed.status).toBe(200);
    return finished(job.id as string);
  }

  async function text(id: string, file: string): Promise<string> {
    const res = await call('GET', `/jobs/ingest/${id}/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv');
    return res.text();
  }
  return { call, createJob, upload, info, finished, runJob, text };
}
