import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_HEADER } from './request-guard';
import { createUploadRoute, UPLOAD_OFFSET_HEADER, UPLOAD_PATH, uploadFilePath, uploadsDirOf } from './upload-route';
import { startWebServer, type WebServer } from './web-server';

const CAP = 64 * 1024;
let dir: string;
let server: WebServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orgdesk-upload-'));
  server = await startWebServer({ userDataDir: dir, rendererDir: join(dir, 'renderer'), maxUploadBytes: CAP });
});

afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

const uploads = (): string => uploadsDirOf(dir);

function begin(body: unknown, headers: Record<string, string> = { [TOKEN_HEADER]: server.token }): Promise<Response> {
  return fetch(`${server.origin}${UPLOAD_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

function chunk(uploadId: string, offset: number, bytes: Uint8Array): Promise<Response> {
  return fetch(`${server.origin}${UPLOAD_PATH}/${uploadId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', [TOKEN_HEADER]: server.token, [UPLOAD_OFFSET_HEADER]: String(offset) },
    body: bytes,
  });
}

async function started(name: string, sizeBytes: number): Promise<string> {
  const response = await begin({ name, sizeBytes });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { ok: true; value: { uploadId: string } };
  return body.value.uploadId;
}

async function listUploads(): Promise<string[]> {
  return existsSync(uploads()) ? readdir(uploads()) : [];
}

describe('the upload route of browser mode', () => {
  it('refuses an upload without the token, as /api/invoke does, and writes nothing', async () => {
    const before = await listUploads();
    const response = await begin({ name: 'a.csv', sizeBytes: 10 }, {});
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'AUTH' } });
    expect(await listUploads()).toEqual(before);
  });

  it('refuses an upload from another site even with the token', async () => {
    const response = await begin({ name: 'a.csv', sizeBytes: 10 }, { [TOKEN_HEADER]: server.token, origin: 'https://evil.example' });
    expect(response.status).toBe(403);
  });

  it('streams chunks in order into a private file named by the uploadId and says when it is complete', async () => {
    const bytes = randomBytes(40_000);
    const uploadId = await started('accounts.csv', bytes.length);
    expect(uploadId).toMatch(/^[0-9a-f]{32}$/);
    const first = await chunk(uploadId, 0, bytes.subarray(0, 16_384));
    expect(await first.json()).toEqual({ ok: true, value: { receivedBytes: 16_384, complete: false } });
    const second = await chunk(uploadId, 16_384, bytes.subarray(16_384));
    expect(await second.json()).toEqual({ ok: true, value: { receivedBytes: 40_000, complete: true } });

    const path = uploadFilePath(uploads(), uploadId) ?? '';
    expect(await readFile(path)).toEqual(bytes);
    if (process.platform !== 'win32') {
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await stat(uploads())).mode & 0o777).toBe(0o700);
    }
    // A finished upload takes no more chunks: it belongs to the load service now.
    expect((await chunk(uploadId, 40_000, new Uint8Array(1))).status).toBe(404);
  });

  it('refuses a file over the size cap before any byte is sent, naming both sizes', async () => {
    const before = await listUploads();
    const response = await begin({ name: 'huge.csv', sizeBytes: CAP + 1 });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { ok: false; error: { message: string; hint: string } };
    expect(body.error.message).toBe('huge.csv is 64 KB: browser mode accepts files up to 64 KB.');
    expect(body.error.hint).toMatch(/desktop app/);
    expect(await listUploads()).toEqual(before);
  });

  it('removes the upload when a chunk carries more bytes than the file announced', async () => {
    const uploadId = await started('small.csv', 100);
    const response = await chunk(uploadId, 0, new Uint8Array(150));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('more bytes than it announced') } });
    expect(await listUploads()).not.toContain(uploadId);
  });

  it('refuses a chunk that does not start where the last one ended, and keeps what was received', async () => {
    const uploadId = await started('order.csv', 20);
    await chunk(uploadId, 0, new Uint8Array(10));
    const response = await chunk(uploadId, 15, new Uint8Array(5));
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { message: 'The chunk of order.csv starts at byte 15, but 10 bytes were received.' } });
    expect(await (await chunk(uploadId, 10, new Uint8Array(10))).json()).toEqual({ ok: true, value: { receivedBytes: 20, complete: true } });
  });

  it('removes an upload on DELETE, and refuses ids that are not upload ids', async () => {
    const uploadId = await started('gone.csv', 10);
    const response = await fetch(`${server.origin}${UPLOAD_PATH}/${uploadId}`, { method: 'DELETE', headers: { [TOKEN_HEADER]: server.token } });
    expect(await response.json()).toEqual({ ok: true, value: { removed: true } });
    expect(await listUploads()).not.toContain(uploadId);
    const traversal = await fetch(`${server.origin}${UPLOAD_PATH}/..%2F..%2Forgdesk.db`, { method: 'DELETE', headers: { [TOKEN_HEADER]: server.token } });
    expect(traversal.status).toBe(404);
    expect(uploadFilePath(uploads(), '../orgdesk.db')).toBeNull();
  });

  it('removes an upload whose browser went away in the middle of a chunk', async () => {
    const uploadId = await started('cut.csv', 30_000);
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port: server.port,
        method: 'PUT',
        path: `${UPLOAD_PATH}/${uploadId}`,
        headers: { host: `127.0.0.1:${server.port}`, [TOKEN_HEADER]: server.token, [UPLOAD_OFFSET_HEADER]: '0', 'content-length': '30000' },
      });
      req.on('error', () => resolve());
      req.write(new Uint8Array(1000), () => setTimeout(() => {
        req.destroy();
        resolve();
      }, 50));
    });
    await expect.poll(listUploads).not.toContain(uploadId);
  });

  it('removes unfinished uploads when browser mode stops', async () => {
    const own = await mkdtemp(join(tmpdir(), 'orgdesk-upload-stop-'));
    const other = await startWebServer({ userDataDir: own, rendererDir: join(own, 'renderer') });
    try {
      const response = await fetch(`${other.origin}${UPLOAD_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: other.token },
        body: JSON.stringify({ name: 'half.csv', sizeBytes: 1000 }),
      });
      const { value } = (await response.json()) as { value: { uploadId: string } };
      expect(await readdir(uploadsDirOf(own))).toEqual([value.uploadId]);
      await other.stop();
      expect(await readdir(uploadsDirOf(own))).toEqual([]);
    } finally {
      await other.stop();
      await rm(own, { recursive: true, force: true });
    }
  });

  it('removes an unfinished upload that waited too long for its next chunk', async () => {
    const own = await mkdtemp(join(tmpdir(), 'orgdesk-upload-idle-'));
    const route = createUploadRoute({ dir: own, maxBytes: CAP, idleMs: 50 });
    const plain = createServer((req, res) => void route.handle(req, res, new URL(req.url ?? '/', 'http://x').pathname));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
      const response = await fetch(`${origin}${UPLOAD_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'slow.csv', sizeBytes: 10 }) });
      const { value } = (await response.json()) as { value: { uploadId: string } };
      expect(await readdir(own)).toEqual([value.uploadId]);
      await expect.poll(() => readdir(own)).toEqual([]);
    } finally {
      await route.dispose();
      plain.closeAllConnections();
      await new Promise<void>((resolve) => plain.close(() => resolve()));
      await rm(own, { recursive: true, force: true });
    }
  });
});
