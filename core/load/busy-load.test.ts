/**
 * A load against a busy org: the client waits out the busy answers (busy-retry.ts) and the load finishes by itself, each
 * row once; past the retries it stops interrupted, naming the limit, and a resume finishes it. The org's window of 429s
 * and the retry policy are both shortened (the real policy waits out about 60 s: 1, 2, 4, 8, 16 and 30 s).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoadProgress } from '../../shared/ipc/domains/load';
import { SMALL_ORG, useEmulator } from '../test-support/emulator-fixture';
import { createTestLoadService } from '../test-support/load-service-fixture';
import type { BusyRetryPolicy } from '../salesforce';
import { openDatabase, type OrgDeskDatabase } from '../store';
import type { LoadService } from './load-service';

const POLICY: BusyRetryPolicy = { retries: 6, baseDelayMs: 50, maxDelayMs: 1000 };

const org = useEmulator({ seedSize: SMALL_ORG });
let dir: string;
let database: OrgDeskDatabase;
let service: LoadService;
let pushed: LoadProgress[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orgdesk-busy-'));
  database = openDatabase({ folder: join(dir, 'user-data') });
  pushed = [];
  service = createTestLoadService(database.db, org.emulator, dir, {
    busy: POLICY,
    emit: { progress: (progress) => pushed.push(progress), preflight: () => undefined },
    maxJobRows: 40,
  });
});
afterEach(async () => {
  await service.dispose();
  database.close();
  org.emulator.admin.clearFaults();
  rmSync(dir, { recursive: true, force: true });
});

async function startLoad(prefix: string, rows: number): Promise<string> {
  const path = join(dir, `${prefix}.csv`);
  writeFileSync(path, ['Name', ...Array.from({ length: rows }, (_, i) => `${prefix} ${i + 1}`)].join('\n'));
  const file = await service.open({ kind: 'path', path });
  const plan = { objectName: 'Account', operation: 'insert' as const, mappings: [{ source: 'column' as const, column: 'Name', field: 'Name' }], dates: { dateOrder: 'ymd' as const, timeZone: 'UTC' } };
  return (await service.start('org', file.fileId, plan, { excludeInvalid: true, concurrency: 2 })).loadId;
}

/** The org's Account names starting with `prefix`, each as often as it is there. */
function namesIn(prefix: string): string[] {
  return [...org.emulator.org.store.rows('Account', { includeDeleted: false })].map((row) => String(row['Name'])).filter((name) => name.startsWith(`${prefix} `));
}

describe('a load against a busy org', () => {
  it('waits out a window of 429s on every ingest request and finishes by itself, each row once', async () => {
    const fault = org.emulator.admin.addFault({ kind: 'error', status: 429, path: '/services/data/*/jobs/ingest*', rate: 1 }) as { id: string };
    const loadId = await startLoad('Busy Window', 200);
    // The window closes while the client is still within its retries (about 2.5 s of waits in all with this policy).
    await new Promise((resolve) => setTimeout(resolve, 1200));
    org.emulator.admin.clearFaults(fault.id);
    const summary = await service.settled(loadId);
    expect(summary).toMatchObject({ state: 'done', counts: { input: 200, success: 200, failed: 0, unprocessed: 0 } });
    const names = namesIn('Busy Window');
    expect(names).toHaveLength(200);
    expect(new Set(names).size).toBe(200);
    const waits = pushed.flatMap((progress) => (progress.busy === undefined ? [] : [progress.busy]));
    expect(waits.length).toBeGreaterThan(0);
    expect(waits[0]).toMatchObject({ limit: 'ConcurrentPerOrgLongTxn', retry: 1, of: 6 });
  });

  it('stops interrupted past the retries, naming the limit, and a resume loads every row once', async () => {
    org.emulator.admin.addFault({ kind: 'error', status: 429, path: '/services/data/*/jobs/ingest', method: 'POST', rate: 1 });
    const loadId = await startLoad('Busy Stop', 100);
    const stopped = await service.settled(loadId);
    expect(stopped.state).toBe('interrupted');
    expect(stopped.error).toMatchObject({ code: 'LIMIT', message: expect.stringMatching(/^The org stayed busy \(ConcurrentPerOrgLongTxn\) through 6 retries/) });
    org.emulator.admin.clearFaults();
    await service.resume(loadId);
    const resumed = await service.settled(loadId);
    expect(resumed).toMatchObject({ state: 'done', counts: { input: 100, success: 100 } });
    expect(new Set(namesIn('Busy Stop')).size).toBe(100);
    expect(namesIn('Busy Stop')).toHaveLength(100);
  });
});
