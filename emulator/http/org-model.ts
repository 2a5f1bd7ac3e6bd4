/**
 * The network and server model of the local org, off by default. With `model: 'real'` (or `--model real`, or
 * `ORGDESK_ORG_MODEL=real`) the org behaves the way a real one is paced rather than the way this process can go:
 * every connection carries at most ~2 MB/s of response and upload body, and every Bulk job is processed at its own rate
 * (ingest ~5,000 rows/s per job, query ~20,000 rows/s per job), so N jobs in parallel finish about N times sooner than N
 * jobs in turn, as they do on a real org where each job runs on its own server thread. [INF] all three rates: Salesforce
 * publishes none; they are the order of magnitude seen on sandboxes and production orgs over a good link.
 */
import type { Socket } from 'node:net';
import { Transform } from 'node:stream';

/** The rates of the model. */
export type OrgModel = {
  /** Body bytes per second on one connection (uploads and downloads share it). */
  connectionBytesPerSec: number;
  /** Rows per second one Bulk ingest job processes. */
  ingestRowsPerSec: number;
  /** Rows per second one Bulk query job produces. */
  queryRowsPerSec: number;
};

/** How `startEmulator` is told which model to run: none (default, as fast as the process goes), the real-org rates, or own rates. */
export type OrgModelOption = 'none' | 'real' | OrgModel;

/** The real-org rates [INF]. */
export const REAL_ORG_MODEL: OrgModel = { connectionBytesPerSec: 2 * 1024 * 1024, ingestRowsPerSec: 5000, queryRowsPerSec: 20_000 };

/** The model to run, from the option or else the `ORGDESK_ORG_MODEL` environment variable; null when unpaced. */
export function resolveOrgModel(option: OrgModelOption | undefined, fromEnv: string | undefined = process.env.ORGDESK_ORG_MODEL): OrgModel | null {
  const chosen = option ?? (fromEnv === undefined || fromEnv === '' ? 'none' : fromEnv);
  if (chosen === 'none') return null;
  if (chosen === 'real') return REAL_ORG_MODEL;
  if (typeof chosen === 'string') throw new Error(`Unknown org model "${chosen}": use "none" (default) or "real" (ORGDESK_ORG_MODEL / --model).`);
  return chosen;
}

/** Paces work to a rate: `take(units)` resolves once the units taken so far fit the rate since the first take. */
export type Pacer = { take(units: number): Promise<void> };

/** Creates a pacer of `perSecond` units (it never runs ahead of the rate; it may fall behind it when the process is busy). */
export function createPacer(perSecond: number, now: () => number = () => performance.now()): Pacer {
  let due = -Infinity;
  return {
    take(units) {
      const current = now();
      due = Math.max(due, current) + (units * 1000) / perSecond;
      const wait = due - current;
      return wait < 1 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, wait));
    },
  };
}

const connectionPacers = new WeakMap<Socket, Pacer>();

/** The one pacer of a connection (its bandwidth is shared by the requests it carries in turn). */
export function connectionPacer(model: OrgModel, socket: Socket): Pacer {
  let pacer = connectionPacers.get(socket);
  if (pacer === undefined) {
    pacer = createPacer(model.connectionBytesPerSec);
    connectionPacers.set(socket, pacer);
  }
  return pacer;
}

/** A pass-through stream that lets bytes out no faster than the pacer allows (put it last, before the socket). */
export function pacedStream(pacer: Pacer): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      pacer.take(chunk.length).then(() => done(null, chunk), done);
    },
  });
}
