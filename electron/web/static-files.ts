import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { contentTypeFor, resolveStaticPath } from '../shared-transport/renderer-files';

/** Streams one file of the renderer build with the given security headers; answers 404 when it is not there. */
export async function serveStaticFile(
  response: ServerResponse,
  rootDir: string,
  urlPath: string,
  headers: Record<string, string>,
): Promise<void> {
  const path = resolveStaticPath(rootDir, urlPath);
  const info = path === null ? null : await stat(path).catch(() => null);
  if (path === null || info === null || !info.isFile()) {
    response.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
    return;
  }
  response.writeHead(200, {
    ...headers,
    'content-type': contentTypeFor(path),
    'content-length': String(info.size),
    'cache-control': path.endsWith('.html') ? 'no-store' : 'no-cache',
  });
  createReadStream(path).pipe(response);
}
