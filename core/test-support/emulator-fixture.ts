import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator';
import { createEmulatorConnections } from './emulator-connections';

/** The emulator org's admin user, whose sessions the tests use. */
export const ADMIN = 'admin@orgdesk.example';
/** The REST base of the API version the tests speak. */
export const API = '/services/data/v62.0';
/** A small seeded org: enough records to look up, few enough to start in a blink. */
export const SMALL_ORG = { accounts: 5, contacts: 5, opportunities: 1, cases: 1, leads: 1, invoices: 1 } as const;

/** The emulator a test file runs against (read `emulator` inside tests and hooks, once it has started). */
export type EmulatorFixture = { readonly emulator: RunningEmulator };

/** Runs one emulator for a test file: started on a free port before its tests, reset before each test, stopped after all. */
export function useEmulator(options: Omit<EmulatorOptions, 'port'> = {}): EmulatorFixture {
  let running: RunningEmulator | undefined;
  beforeAll(async () => {
    running = await startEmulator({ ...options, port: 0 });
  });
  afterAll(async () => {
    await running?.stop();
  });
  beforeEach(() => {
    running?.admin.reset();
  });
  return {
    get emulator() {
      if (running === undefined) throw new Error('The emulator has not started: read it inside a test or a hook.');
      return running;
    },
  };
}

/** Counts records in the org, deleted ones included (`queryAll`), as the admin sees them: what a load really left there. */
export async function countRecords(emulator: RunningEmulator, soql: string): Promise<number> {
  const { connection } = createEmulatorConnections({ url: emulator.url, username: ADMIN });
  const page = await connection.client.json<{ totalSize: number }>('GET', `${API}/queryAll`, { query: { q: soql } });
  return page.totalSize;
}
