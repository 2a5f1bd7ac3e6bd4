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
export function readBoundedBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
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
