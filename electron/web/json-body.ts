import type { IncomingMessage, ServerResponse } from 'node:http';

/** A JSON request body as read: its value, or the HTTP status and sentence to refuse it with. */
export type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; message: string };

/**
 * Reads a small JSON request body: refuses (415) a body not sent as `application/json`, (413) one past `maxBytes`, and
 * (400) one that is not JSON. `what` names the body in the refusal ("The request", "The upload request").
 */
export async function readJsonBody(request: IncomingMessage, maxBytes: number, what: string): Promise<JsonBody> {
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
    return { ok: false, status: 415, message: `${what} must be sent as application/json.` };
  }
  const text = await readText(request, maxBytes);
  if (text === null) return { ok: false, status: 413, message: `${what} is too large.` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, status: 400, message: `${what} is not valid JSON.` };
  }
}

/** Answers a JSON body, never cached and never sniffed as another type. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  response.end(JSON.stringify(body));
}

/** The body as UTF-8 text, or null when it is larger than `maxBytes` (the rest is read and dropped, so the answer can go out). */
function readText(request: IncomingMessage, maxBytes: number): Promise<string | null> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    request.on('end', () => resolveBody(size > maxBytes ? null : Buffer.concat(chunks).toString('utf8')));
    request.on('error', rejectBody);
  });
}
