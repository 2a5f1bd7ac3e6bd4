/**
 * Writing Bulk API 2.0 result CSVs the way real orgs do: data cells always double-quoted with embedded quotes doubled,
 * rows ended by the job's line ending (one after the last row too), and large files streamed with backpressure.
 */
import type { ServerResponse } from 'node:http';
import { createGzip } from 'node:zlib';
import { connectionPacer, pacedStream, type OrgModel } from '../http/org-model';

/** Quotes one cell: `"` + value with `"` doubled + `"`. */
export function quoteCell(value: string): string {
  return value.indexOf('"') === -1 ? `"${value}"` : `"${value.replaceAll('"', '""')}"`;
}

/**
 * Writes a header name as uploaded (real orgs echo original headers unquoted), quoting only when it would otherwise
 * not survive a parse.
 */
export function plainHeaderCell(name: string, delimiter: string): string {
  return name.includes(delimiter) || name.includes('"') || name.includes('\n') || name.includes('\r') ? quoteCell(name) : name;
}

/** Produces result text in pieces; `undefined` means the end. */
export type ChunkSource = () => string | undefined;

/**
 * Streams pieces to the response, waiting for 'drain' when the socket is full, and ends it. Resolves when done or when
 * the client went away.
 */
export async function streamChunks(res: ServerResponse, source: ChunkSource, sink: NodeJS.WritableStream = res): Promise<void> {
  for (;;) {
    if (res.destroyed) return;
    const piece = source();
    if (piece === undefined) break;
    if (piece.length === 0) continue;
    if (!sink.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          sink.removeListener('drain', done);
          res.removeListener('close', done);
          resolve();
        };
        sink.once('drain', done);
        res.once('close', done);
      });
    }
  }
  sink.end();
}

/**
 * Where a result body is written: the response itself, or through gzip (when asked) and the connection's bandwidth cap
 * (when the org model paces), each piped on to the response.
 */
export function resultSink(res: ServerResponse, options: { gzip: boolean; model: OrgModel | null }): NodeJS.WritableStream {
  let sink: NodeJS.WritableStream = res;
  if (options.model !== null) {
    const paced = pacedStream(connectionPacer(options.model, res.socket as NonNullable<ServerResponse['socket']>));
    paced.pipe(res);
    sink = paced;
  }
  if (options.gzip) {
    const zip = createGzip({ level: 1 });
    zip.pipe(sink);
    sink = zip;
  }
  return sink;
}
