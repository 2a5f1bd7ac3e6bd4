/** Writing answers the way a real org does: JSON with `application/json;charset=UTF-8`, error arrays, and request bodies read with a cap. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An answer produced by a route, written by `sendReply`. */
export type Reply = { status: number; body?: unknown; headers?: Record<string, string | string[]> };

/** One element of a REST error array. Validation errors carry `fields`, NOT_FOUND and INVALID_FIELD do not. */
type RestError = { message: string; errorCode: string; fields?: string[] };

/** A REST error answer: `[{"message","errorCode"[,"fields"]}]`. */
export function errorReply(status: number, errorCode: string, message: string, fields?: string[]): Reply {
  const error: RestError = fields === undefined ? { message, errorCode } : { message, errorCode, fields };
  return { status, body: [error] };
}

/** The 404 every real org gives for an unknown resource, object or API version (key order as recorded). */
export function notFoundReply(): Reply {
  return { status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] };
}

/** Writes a reply as JSON (or an empty body for 204 and bodies left undefined). */
export function sendReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.body === undefined || reply.status === 204) {
    res.writeHead(reply.status);
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', 'application/json;charset=UTF-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.writeHead(reply.status);
  res.end(text);
}

/** The outcome of reading a body with a cap. */
export type BodyRead = { ok: true; text: string } | { ok: false; reason: 'too-large' | 'aborted' };

/** Reads a request body as UTF-8 text; past `maxBytes` the rest is drained and discarded so the answer can still be sent. */
export function readText(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyRead): void => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => settle(size > maxBytes ? { ok: false, reason: 'too-large' } : { ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', () => settle({ ok: false, reason: 'aborted' }));
    req.on('close', () => settle({ ok: false, reason: 'aborted' }));
  });
}

/** The Jackson-style message real orgs give for unparseable JSON (`JSON_PARSER_ERROR`). */
export function jsonParserMessage(text: string, error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(detail);
  const offset = position ? Number(position[1]) : text.length;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const ch = text.charAt(offset);
  if (ch === '') return `Unexpected end-of-input: expected close marker for OBJECT at [line:${line}, column:${column}]`;
  return `Unexpected character ('${ch}' (code ${ch.charCodeAt(0)})): was expecting double-quote to start field name at [line:${line}, column:${column}]`;
}
