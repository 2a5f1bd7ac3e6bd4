/** Small HTTP helpers for the Bulk routes: JSON and error answers in the org's shapes, and body collection with a cap. */
import type { Pacer } from '../http/org-model';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answers with JSON (`application/json;charset=UTF-8`, as real orgs send it). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Answers with the REST error array `[{"errorCode","message"}]` (Bulk errors carry no `fields`). */
export function sendError(res: ServerResponse, status: number, errorCode: string, message: string): void {
  sendJson(res, status, [{ errorCode, message }]);
}

/** The 404 a real org gives for an unknown or deleted job. */
export function sendNotFound(res: ServerResponse): void {
  sendError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
}

/** The empty 204 a delete answers with. */
export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}

/** The outcome of reading a request body. */
export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

/**
 * Collects a request body without blocking (chunks are kept as they come and joined once). Past `maxBytes` the rest is
 * drained and discarded so the answer can still be sent. `onProgress` sees the running byte count (used by the
 * dropped-connection fault). With a pacer (the org model's bandwidth cap) the request is paused while it runs ahead of it.
 */
export function readBody(req: IncomingMessage, maxBytes: number, onProgress?: (bytes: number) => boolean, pacer?: Pacer): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (onProgress && !onProgress(size)) {
        req.socket.destroy();
        settle({ ok: false, reason: 'aborted' });
        return;
      }
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      if (!tooLarge) chunks.push(chunk);
      if (pacer !== undefined) {
        req.pause();
        void pacer.take(chunk.length).then(() => req.resume());
      }
    });
    req.on('end', () => settle(tooLarge ? { ok: false, reason: 'too-large' } : { ok: true, body: Buffer.concat(chunks, size) }));
    req.on('error', () => settle({ ok: false, reason: 'aborted' }));
    req.on('close', () => settle({ ok: false, reason: 'aborted' }));
  });
}

/** Reads and parses a JSON body; undefined when it isn't a JSON object. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const result = await readBody(req, 1024 * 1024);
  if (!result.ok) return undefined;
  try {
    const value: unknown = JSON.parse(result.body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
