import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach } from 'vitest';
import type { QueryProgress } from '../../shared/ipc/domains/query';
import type { RunningEmulator } from '../../emulator';
import { createSystemClock, type HttpTransport } from '../salesforce';
import { createQueryService, type QueryServiceOptions } from '../query/query-service';
import { createEmulatorConnections } from './emulator-connections';
import { ADMIN, countRecords, useEmulator } from './emulator-fixture';

/** The query service's tests' world: one emulator whose clock can jump ahead, a fresh folder per test, and a service builder. */
export type QueryServiceFixture = {
  readonly emulator: RunningEmulator;
  /** This test's folder: results under `results/`, exports beside. */
  readonly dir: string;
  /** Moves the emulator's clock this far ahead of real time (back to 0 before each test). */
  skewClock(ms: number): void;
  /** A query service on the emulator, with the progress it pushed and the files it exported. */
  setup: typeof setupService;
  /** A CSV file's records. */
  readCsv: (path: string) => string[][];
  /** Records in the org for `soql`, deleted ones included. */
  count: (soql: string) => Promise<number>;
};

let fixture: { emulator: RunningEmulator; dir: string } | undefined;

function setupService(overrides: Partial<QueryServiceOptions> = {}, connection: { apiVersion?: string; transport?: HttpTransport } = {}) {
  const connections = createEmulatorConnections({ url: current().emulator.url, username: ADMIN, ...connection });
  const events: QueryProgress[] = [];
  const listeners: ((progress: QueryProgress) => void)[] = [];
  const exported: string[] = [];
  const service = createQueryService({
    connections,
    emit: (progress) => {
      events.push(progress);
      for (const listener of listeners) listener(progress);
    },
    clock: createSystemClock(),
    resultsDir: join(current().dir, 'results'),
    picker: {
      pickSavePath: ({ suggestedName }) => {
        const path = join(current().dir, suggestedName);
        exported.push(path);
        return Promise.resolve(path);
      },
    },
    bulkPoll: { initialMs: 20, maxMs: 100 },
    ...overrides,
  });
  return { service, connections, events, exported, onProgress: (listener: (progress: QueryProgress) => void) => listeners.push(listener) };
}

function current(): { emulator: RunningEmulator; dir: string } {
  if (fixture === undefined) throw new Error('The query service fixture is used outside a test.');
  return fixture;
}

/** Sets up the query service's tests of one file (see `QueryServiceFixture`). */
export function useQueryServiceFixture(): QueryServiceFixture {
  let skewMs = 0;
  // The emulator's clock can jump ahead so a query locator really expires (locators live 15 minutes after last use).
  const org = useEmulator({ now: () => new Date(Date.now() + skewMs) });
  let dir = '';
  beforeEach(() => {
    skewMs = 0;
    dir = mkdtempSync(join(tmpdir(), 'orgdesk-query-'));
    fixture = { emulator: org.emulator, dir };
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    fixture = undefined;
  });
  return {
    get emulator() {
      return org.emulator;
    },
    get dir() {
      return dir;
    },
    skewClock(ms) {
      skewMs = ms;
    },
    setup: setupService,
    readCsv: (path) => {
      const rows: string[][] = parse(readFileSync(path, 'utf8'));
      return rows;
    },
    count: (soql) => countRecords(org.emulator, soql),
  };
}
