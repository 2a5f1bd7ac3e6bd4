import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CellValue } from '../../shared/ipc/domains/query';
import { CsvScanError } from '../csv/csv-scanner';
import type { FromParser, ToParser } from './bulk-page-protocol';
import { createPageRows } from './bulk-page-rows';

/** Who takes a page's parse: its header (the caller keeps the first page's) and its row batches, each awaited in order. */
type PageHandlers = { onHeader(columns: string[]): void; onRows(rows: CellValue[][]): Promise<void> | void };

/** Parses Bulk results pages one after another, in a worker thread or (when none could start) on main. */
export type BulkPageParser = {
  /** True when the parse runs in the worker thread. */
  readonly inWorker: boolean;
  /** Parses one page as its bytes stream in; resolves with its row count once every batch was taken. */
  parse(body: AsyncIterable<Uint8Array>, handlers: PageHandlers): Promise<number>;
  /** Ends the worker (a parse still running fails). */
  close(): Promise<void>;
};

/** Chunks handed to the worker and not yet scanned; with the batches below, this bounds what is held between them. */
const CHUNKS_IN_FLIGHT = 4;
/** Row batches parsed and not yet taken (written) by main. */
const BATCHES_PENDING = 2;
/** On main, bytes scanned between two turns of the event loop (a page read whole would hold main for seconds). */
const MAIN_SLICE = 64 * 1024;

let liveWorkers = 0;

/** How many parser workers are running now (a cancelled or failed run leaves none). */
export function liveParserWorkers(): number {
  return liveWorkers;
}

/**
 * Starts a page parser: in a worker thread (`bulk-page-worker`, the built `.mjs` beside a bundle, else the `.ts` source
 * through tsx), or on main when `worker` is false or the worker cannot start (the parse is the same either way).
 */
export async function startBulkPageParser(options: { worker?: boolean } = {}): Promise<BulkPageParser> {
  if (options.worker === false) return mainThreadParser();
  const worker = await Promise.resolve()
    .then(startWorker)
    .catch(() => null);
  return worker === null ? mainThreadParser() : workerParser(worker);
}

/** The worker to run: the built file beside a bundle, else (source checkouts, tests) the TypeScript through tsx's loader. */
function newWorker(): Worker {
  const built = new URL('./bulk-page-worker.mjs', import.meta.url);
  if (existsSync(built)) return new Worker(built);
  const source = new URL('./bulk-page-worker.ts', import.meta.url);
  if (!existsSync(source)) throw new Error('No Bulk page parser worker file');
  const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(source.href)}); });`;
  return new Worker(boot, { eval: true });
}

function startWorker(): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const worker = newWorker();
    // A parser must never keep the process alive on its own.
    worker.unref();
    liveWorkers += 1;
    let counted = true;
    const uncount = (): void => {
      if (counted) liveWorkers -= 1;
      counted = false;
    };
    worker.once('exit', uncount);
    const fail = (error: unknown): void => {
      void worker.terminate().finally(uncount);
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    worker.once('error', fail);
    worker.once('message', (message: FromParser) => {
      worker.off('error', fail);
      if (message.kind === 'ready') resolve(worker);
      else fail(new Error(`The Bulk page parser worker answered ${message.kind} before ready`));
    });
  });
}

function failureOf(message: Extract<FromParser, { kind: 'failed' }>): Error {
  if (message.scan !== undefined) return new CsvScanError(message.scan.code as CsvScanError['code'], message.scan.line, message.scan.column);
  return new Error(message.message);
}

function workerParser(worker: Worker): BulkPageParser {
  let nextPage = 0;
  const listeners = new Map<number, (message: FromParser) => void>();
  let broken: Error | null = null;
  const breakAll = (error: Error): void => {
    broken ??= error;
    for (const listener of listeners.values()) listener({ kind: 'failed', page: -1, message: error.message });
  };
  worker.on('message', (message: FromParser) => {
    if (message.kind !== 'ready') listeners.get(message.page)?.(message);
  });
  worker.on('error', breakAll);
  worker.on('exit', () => breakAll(new Error('The Bulk page parser worker stopped')));
  const send = (message: ToParser, transfer?: ArrayBuffer[]): void => worker.postMessage(message, transfer);

  return {
    inWorker: true,
    async parse(body, handlers) {
      if (broken !== null) throw broken;
      const page = nextPage;
      nextPage += 1;
      let rows = 0;
      let inFlight = 0;
      let pending = 0;
      let ended = false;
      let failure: Error | null = null;
      let taken: Promise<void> = Promise.resolve();
      let wake: (() => void) | null = null;
      const notify = (): void => {
        const resume = wake;
        wake = null;
        resume?.();
      };
      const until = async (ready: () => boolean): Promise<void> => {
        while (failure === null && !ready()) await new Promise<void>((resolve) => (wake = resolve));
        if (failure !== null) throw failure;
      };
      listeners.set(page, (message) => {
        switch (message.kind) {
          case 'header':
            handlers.onHeader(message.columns);
            break;
          case 'rows': {
            const batch = message.rows;
            rows += batch.length;
            pending += 1;
            taken = taken.then(() => handlers.onRows(batch)).then(() => {
              pending -= 1;
              notify();
            });
            taken.catch((error: unknown) => {
              failure ??= error instanceof Error ? error : new Error(String(error));
              notify();
            });
            break;
          }
          case 'scanned':
            inFlight -= 1;
            notify();
            break;
          case 'ended':
            ended = true;
            notify();
            break;
          case 'failed':
            failure ??= failureOf(message);
            notify();
            break;
          default:
        }
      });
      try {
        for await (const chunk of body) {
          await until(() => inFlight < CHUNKS_IN_FLIGHT && pending < BATCHES_PENDING);
          // A copy of its own, so its memory can move to the worker (a download's chunk may share a pooled buffer).
          const bytes = new Uint8Array(chunk);
          send({ kind: 'chunk', page, bytes }, [bytes.buffer]);
          inFlight += 1;
        }
        send({ kind: 'end', page });
        await until(() => ended);
        await taken;
        // A batch the taker refused fails the page too.
        await until(() => true);
        return rows;
      } finally {
        listeners.delete(page);
        taken.catch(() => undefined);
      }
    },
    async close() {
      await worker.terminate();
    },
  };
}

function mainThreadParser(): BulkPageParser {
  return {
    inWorker: false,
    async parse(body, handlers) {
      let rows = 0;
      const batches: CellValue[][][] = [];
      const page = createPageRows({ header: (columns) => handlers.onHeader(columns), rows: (batch) => batches.push(batch) });
      const drain = async (): Promise<void> => {
        for (let batch = batches.shift(); batch !== undefined; batch = batches.shift()) {
          rows += batch.length;
          await handlers.onRows(batch);
        }
      };
      for await (const chunk of body) {
        for (let start = 0; start < chunk.length; start += MAIN_SLICE) {
          page.push(chunk.subarray(start, start + MAIN_SLICE));
          await drain();
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      page.end();
      await drain();
      return rows;
    },
    close: () => Promise.resolve(),
  };
}
