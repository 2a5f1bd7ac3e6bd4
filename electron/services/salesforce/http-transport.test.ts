import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createFetchTransport } from './http-transport';
import { matching } from '../auth/test/matchers';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** An HTTP server that accepts requests and never answers them. */
async function silentServer(): Promise<{ server: Server; port: number }> {
  const server = createHttpServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 };
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
    const error = await createFetchTransport({ timeoutMs: 20_000 }).fetch('https://no-such-org.invalid/services/data', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK' });
    expect((error as { hint?: string }).hint).toMatch(/URL|online|internet/);
  });

  it('turns a server that never answers into a NETWORK timeout', async () => {
    const { server, port } = await silentServer();
    try {
      const error = await createFetchTransport({ timeoutMs: 200 }).fetch(`http://127.0.0.1:${port}/`, {}).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'NETWORK', message: matching(/did not answer in time/) });
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
