import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long a cut-off connection may linger after its answer went out (so the browser reads it) before it is destroyed. */
const CUT_OFF_LINGER_MS = 500;

/** Sends a JSON answer browser mode's API gives: never cached, never sniffed. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  response.end(JSON.stringify(body));
}

/**
 * Sends a JSON answer and then closes the connection without reading the rest of the request's body: an oversized or
 * refused body is cut off, never drained (which would let a page make main read gigabytes it refused). The answer goes out
 * first, with `Connection: close`; the socket is half-closed at once and destroyed shortly after.
 */
export function sendJsonAndCutOff(request: IncomingMessage, response: ServerResponse, status: number, body: unknown): void {
  request.unpipe();
  request.removeAllListeners('data');
  request.pause();
  const socket = request.socket;
  response.shouldKeepAlive = false;
  response.once('finish', () => {
    socket.end();
    setTimeout(() => socket.destroy(), CUT_OFF_LINGER_MS).unref();
  });
  response.setHeader('connection', 'close');
  sendJson(response, status, body);
}

/**
 * Reads a request body of at most `maxBytes`: the bytes, or null as soon as it grows past the cap (reading stops there;
 * answer with `sendJsonAndCutOff`).
 */
function readBoundedBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      request.off('data', onData);
      request.pause();
      resolveBody(null);
    };
    request.on('data', onData);
    request.once('end', () => {
      if (size <= maxBytes) resolveBody(Buffer.concat(chunks));
    });
    request.once('error', rejectBody);
  });
}

/** A JSON request body as read: its value, or the HTTP status and sentence to refuse it with. */
export type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; message: string };

/**
 * Reads a small JSON request body: refuses (415) a body not sent as `application/json`, (413) one past `maxBytes` (answer
 * those two with `sendJsonAndCutOff`: the rest is never read), and (400) one that is not JSON. `what` names the body in
 * the refusal ("An OrgDesk call", "The upload request").
 */
export async function readJsonBody(request: IncomingMessage, maxBytes: number, what: string): Promise<JsonBody> {
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
    return { ok: false, status: 415, message: `${what} must be sent as application/json.` };
  }
  const body = await readBoundedBody(request, maxBytes);
  if (body === null) return { ok: false, status: 413, message: `${what} is too large.` };
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false, status: 400, message: `${what} is not valid JSON.` };
  }
}

/** Answers a refused JSON body: a 400 (read whole) plainly, a 413 or 415 cut off. */
export function refuseJsonBody(request: IncomingMessage, response: ServerResponse, refusal: { status: 400 | 413 | 415; message: string }, body: unknown): void {
  if (refusal.status === 400) sendJson(response, 400, body);
  else sendJsonAndCutOff(request, response, refusal.status, body);
}
