import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemorySecretStore } from '../../core/secrets';
import { TOKEN_HEADER } from './request-guard';
import { UPLOAD_OFFSET_HEADER, UPLOAD_PATH, uploadsDirOf } from './upload-route';
import { startWebServer, type WebServer } from './web-server';

let dir: string;
let server: WebServer;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orgdesk-upload-caps-'));
  server = await startWebServer({
    userDataDir: dir,
    rendererDir: join(dir, 'renderer'),
    maxUploadBytes: 1000,
    maxTotalUploadBytes: 1500,
    maxConcurrentUploads: 2,
    appOptions: { secrets: createMemorySecretStore(), demoOnLaunch: false },
  });
});

afterEach(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

const auth = (): Record<string, string> => ({ [TOKEN_HEADER]: server.token });

async function begin(name: string, sizeBytes: number): Promise<{ status: number; body: { ok: boolean; value?: { uploadId: string }; error?: { code: string; message: string } } }> {
  const response = await fetch(`${server.origin}${UPLOAD_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth() }, body: JSON.stringify({ name, sizeBytes }) });
  return { status: response.status, body: (await response.json()) as never };
}

async function send(uploadId: string, bytes: Uint8Array): Promise<Response> {
  return fetch(`${server.origin}${UPLOAD_PATH}/${uploadId}`, { method: 'PUT', headers: { ...auth(), 'content-type': 'application/octet-stream', [UPLOAD_OFFSET_HEADER]: '0' }, body: bytes });
}

async function uploaded(name: string, text: string): Promise<string> {
  const started = await begin(name, Buffer.byteLength(text));
  const uploadId = started.body.value?.uploadId ?? '';
  expect(await (await send(uploadId, Buffer.from(text))).json()).toMatchObject({ ok: true, value: { complete: true } });
  return uploadId;
}

const remove = async (uploadId: string): Promise<unknown> => (await fetch(`${server.origin}${UPLOAD_PATH}/${uploadId}`, { method: 'DELETE', headers: auth() })).json();

describe('browser mode caps uploads in number and total bytes, not only per file', () => {
  it('refuses a third upload under way at once, and takes it once one is in', async () => {
    const first = await begin('a.csv', 10);
    const second = await begin('b.csv', 10);
    expect([first.status, second.status]).toEqual([201, 201]);
    const third = await begin('c.csv', 10);
    expect(third).toMatchObject({ status: 429, body: { ok: false, error: { code: 'LIMIT', message: '2 files are already being sent to OrgDesk.' } } });
    await send(first.body.value?.uploadId ?? '', new Uint8Array(10));
    expect((await begin('c.csv', 10)).status).toBe(201);
  });

  it('refuses an upload that would take the files held past the total cap, counting finished uploads still on disk', async () => {
    await uploaded('held.csv', `Name\n${'x'.repeat(795)}\n`);
    const next = await begin('next.csv', 800);
    expect(next).toMatchObject({ status: 413, body: { ok: false, error: { code: 'LIMIT' } } });
    expect(next.body.error?.message).toBe('next.csv (800 bytes) does not fit: browser mode holds at most 1.5 KB of dropped files, and 801 bytes are held now.');
    expect((await begin('fits.csv', 600)).status).toBe(201);
  });
});

describe('an upload in use by a load', () => {
  it('cannot be deleted while a file open in the Load area reads it, and goes once that file is closed', async () => {
    const uploadId = await uploaded('accounts.csv', 'Name\nAcme\n');
    const opened = (await (
      await fetch(`${server.origin}/api/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth() },
        body: JSON.stringify({ channel: 'load:open', args: { file: { kind: 'upload', uploadId }, name: 'accounts.csv' } }),
      })
    ).json()) as { ok: true; value: { fileId: string } };
    expect(await remove(uploadId)).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'This file is in use by a load in OrgDesk, so it cannot be removed now.' } });
    expect(await readdir(uploadsDirOf(dir))).toContain(uploadId);
    await server.context.invoke('load:close', { fileId: opened.value.fileId });
    expect(await readdir(uploadsDirOf(dir))).not.toContain(uploadId);
    expect(await remove(uploadId)).toEqual({ ok: true, value: { removed: false } });
  });
});

describe('an oversized upload body', () => {
  it('is cut off after the 413 answer: the connection closes though the browser never finished sending', async () => {
    const started = await begin('small.csv', 100);
    const uploadId = started.body.value?.uploadId ?? '';
    const outcome = await new Promise<{ status: number }>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port: server.port,
        method: 'PUT',
        path: `${UPLOAD_PATH}/${uploadId}`,
        headers: { ...auth(), 'content-type': 'application/octet-stream', [UPLOAD_OFFSET_HEADER]: '0' },
      });
      let status = 0;
      req.on('response', (res) => {
        status = res.statusCode ?? 0;
        res.resume();
      });
      req.on('error', () => undefined);
      req.on('close', () => resolve({ status }));
      // More than announced, and the body never ends: only a server that cuts it off answers and closes.
      req.write(new Uint8Array(4096));
    });
    expect(outcome).toEqual({ status: 413 });
    expect(await readdir(uploadsDirOf(dir))).not.toContain(uploadId);
  });
});
