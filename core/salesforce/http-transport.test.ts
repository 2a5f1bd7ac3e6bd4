import { createServer as createHttpServer, type Server, type ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../errors';
import { createFetchTransport } from './http-transport';
import { matching } from '../test-support/matchers';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** An HTTP server that accepts requests and never answers them. */
function silentServer(): Promise<{ server: Server; port: number }> {
  return scriptedServer(() => undefined);
}

/** An HTTP server that answers each request by calling `respond` (which may delay, trickle or stall). */
function scriptedServer(respond: (response: ServerResponse) => void): Promise<{ server: Server; port: number }> {
  return listening(createHttpServer((_request, response) => respond(response)));
}

/** Starts `server` on a free loopback port. */
async function listening(server: Server): Promise<{ server: Server; port: number }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 };
}

/** Writes `chunks` pieces of `text`, one every `everyMs`, then ends the response (or stalls when `end` is false). */
function trickle(response: ServerResponse, options: { chunks: number; everyMs: number; end: boolean }): void {
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.flushHeaders();
  let sent = 0;
  const timer = setInterval(() => {
    if (sent === options.chunks) {
      clearInterval(timer);
      if (options.end) response.end();
      return;
    }
    sent += 1;
    response.write(`chunk ${sent};`);
  }, options.everyMs);
  response.on('close', () => clearInterval(timer));
}

function stop(server: Server): void {
  server.closeAllConnections();
  server.close();
}

describe('createFetchTransport', () => {
  it('turns a refused connection into NETWORK naming the host', async () => {
    const port = await closedPort();
    const error = await createFetchTransport().fetch(`http://127.0.0.1:${port}/services/data`, {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK', message: matching(new RegExp(`127\\.0\\.0\\.1:${port}.*refused`)) });
  });

  it('turns an unknown host into NETWORK with a hint about the URL', async () => {
    const error = await createFetchTransport({ headersTimeoutMs: 20_000 }).fetch('https://no-such-org.invalid/services/data', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK' });
    expect((error as { hint?: string }).hint).toMatch(/URL|online|internet/);
  });

  it('turns a server that sends no headers within headersTimeoutMs into a NETWORK timeout with a hint', async () => {
    const { server, port } = await silentServer();
    try {
      const error = await createFetchTransport({ headersTimeoutMs: 200 }).fetch(`http://127.0.0.1:${port}/`, {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceError);
      expect(error).toMatchObject({ code: 'NETWORK', message: matching(/did not answer in time/), hint: matching(/connection|VPN/) });
    } finally {
      stop(server);
    }
  });

  it('reads a body that keeps arriving for longer than both timeouts put together (no whole-transfer deadline)', async () => {
    const { server, port } = await scriptedServer((response) => trickle(response, { chunks: 12, everyMs: 60, end: true }));
    try {
      const transport = createFetchTransport({ headersTimeoutMs: 250, bodyIdleTimeoutMs: 250 });
      const response = await transport.fetch(`http://127.0.0.1:${port}/`, {});
      const text = await response.text();
      expect(text.split(';').filter(Boolean)).toHaveLength(12);
      expect(response.status).toBe(200);
    } finally {
      stop(server);
    }
  });

  it('errors a body that stalls for bodyIdleTimeoutMs with a NETWORK error and a hint, after the headers came in time', async () => {
    const { server, port } = await scriptedServer((response) => trickle(response, { chunks: 2, everyMs: 20, end: false }));
    try {
      const transport = createFetchTransport({ headersTimeoutMs: 5_000, bodyIdleTimeoutMs: 300 });
      const response = await transport.fetch(`http://127.0.0.1:${port}/`, {});
      expect(response.status).toBe(200);
      const error = await response.text().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceError);
      expect(error).toMatchObject({ code: 'NETWORK', message: matching(/stopped sending the response/), hint: matching(/connection|VPN/) });
    } finally {
      stop(server);
    }
  });

  it('does not count time the reader spends away from the body against the idle timeout', async () => {
    const { server, port } = await scriptedServer((response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('all of it');
    });
    try {
      const response = await createFetchTransport({ bodyIdleTimeoutMs: 100 }).fetch(`http://127.0.0.1:${port}/`, {});
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await response.text()).toBe('all of it');
    } finally {
      stop(server);
    }
  });

  it('turns a connection dropped mid-body into a NETWORK error', async () => {
    const { server, port } = await scriptedServer((response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      response.write('only part');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    try {
      const response = await createFetchTransport().fetch(`http://127.0.0.1:${port}/`, {});
      await expect(response.text()).rejects.toMatchObject({ code: 'NETWORK' });
    } finally {
      stop(server);
    }
  });

  it('lets a cancel during the body through as an AbortError', async () => {
    const { server, port } = await scriptedServer((response) => trickle(response, { chunks: 1, everyMs: 10, end: false }));
    try {
      const controller = new AbortController();
      const response = await createFetchTransport({ bodyIdleTimeoutMs: 5_000 }).fetch(`http://127.0.0.1:${port}/`, { signal: controller.signal });
      const pending = response.text().catch((e: unknown) => e);
      setTimeout(() => controller.abort(), 50);
      expect(await pending).toMatchObject({ name: 'AbortError' });
    } finally {
      stop(server);
    }
  });

  it('lets a cancel through as an AbortError rather than a network fault', async () => {
    const { server, port } = await silentServer();
    try {
      const controller = new AbortController();
      const pending = createFetchTransport().fetch(`http://127.0.0.1:${port}/`, { signal: controller.signal }).catch((e: unknown) => e);
      controller.abort();
      expect(await pending).toMatchObject({ name: 'AbortError' });
    } finally {
      stop(server);
    }
  });
});

/** A request body of `chunks` pieces of 64 KiB, made as it is read (an upload streamed from a file). */
function uploadBody(chunks: number): ReadableStream<Uint8Array> {
  let made = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (made === chunks) return controller.close();
      made += 1;
      controller.enqueue(new Uint8Array(64 * 1024).fill(65));
    },
  });
}

/**
 * A server that stops reading a request body after its first piece for `pauseMs` (forever when null), as a slow link
 * holds an upload back, then reads the rest and answers 201.
 */
function slowReader(pauseMs: number | null): Promise<{ server: Server; port: number }> {
  return listening(createHttpServer((request, response) => {
    request.once('data', () => {
      request.pause();
      if (pauseMs !== null) setTimeout(() => request.resume(), pauseMs);
    });
    request.on('end', () => response.writeHead(201).end());
  }));
}

describe('createFetchTransport with a streamed upload', () => {
  it('starts the headers clock only once the upload is sent, so a slow link is not cut off', async () => {
    const { server, port } = await slowReader(1_500);
    try {
      const transport = createFetchTransport({ headersTimeoutMs: 300, bodyIdleTimeoutMs: 5_000 });
      const started = Date.now();
      const init = { method: 'PUT', body: uploadBody(512), duplex: 'half' } as RequestInit;
      const response = await transport.fetch(`http://127.0.0.1:${port}/upload`, init);
      expect(response.status).toBe(201);
      // The upload took longer to send than the headers timeout: a clock started with the request would have fired.
      expect(Date.now() - started).toBeGreaterThan(1_000);
    } finally {
      stop(server);
    }
  });

  it('gives up on an upload the connection stops taking, with a NETWORK error saying so', async () => {
    const { server, port } = await slowReader(null);
    try {
      const transport = createFetchTransport({ headersTimeoutMs: 60_000, bodyIdleTimeoutMs: 300 });
      const init = { method: 'PUT', body: uploadBody(1024), duplex: 'half' } as RequestInit;
      const error = await transport.fetch(`http://127.0.0.1:${port}/upload`, init).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceError);
      expect(error).toMatchObject({ code: 'NETWORK', message: matching(/stopped taking the upload/) });
    } finally {
      stop(server);
    }
  });
});
