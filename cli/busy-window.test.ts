/**
 * Issue 22's done-when, as a person meets it: the org answers every new ingest job with 429 for 20 seconds, and
 * `orgdesk load --json` with the real busy policy (1, 2, 4, 8, 16 and 30 s, jittered) waits it out by itself, tells each
 * wait on stderr, ends `done` with every row loaded once. Its own file, so its half-minute runs beside the other CLI tests.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProfile, startCliOrg, type CliOrg } from './test/cli-org';
import { noKeychainEnv, runOrgdesk } from './test/run-orgdesk';

const WINDOW_MS = 20_000;
let org: CliOrg;

beforeAll(async () => {
  org = await startCliOrg();
  addProfile(org, 'Local org');
});
afterAll(async () => {
  await org.stop();
});

describe('orgdesk load against an org busy for 20 seconds', () => {
  it('finishes by itself with the real retry policy, each row once', async () => {
    const fault = org.emulator.admin.addFault({ kind: 'error', status: 429, method: 'POST', path: '/services/data/*/jobs/ingest', rate: 1 }) as { id: string };
    const opened = Date.now();
    const closing = setTimeout(() => org.emulator.admin.clearFaults(fault.id), WINDOW_MS);
    const path = join(org.folder, 'busy-window.csv');
    writeFileSync(path, `${['Name', ...Array.from({ length: 50 }, (_, i) => `Busy Twenty ${i + 1}`)].join('\n')}\n`);
    try {
      const run = await runOrgdesk(['load', path, '--object', 'Account', '--operation', 'insert', '--json', '--key-file', org.keyFile], { env: noKeychainEnv(org.userDataDir), timeoutMs: 120_000 });
      const doc = JSON.parse(run.stdout) as { state: string; exitCode: number; counts: { input: number; success: number } };
      expect(run.code).toBe(0);
      expect(doc).toMatchObject({ state: 'done', exitCode: 0, counts: { input: 50, success: 50 } });
      // It met the window (at least one wait told) and outlasted it.
      expect(run.stderr).toMatch(/the org is busy \(ConcurrentPerOrgLongTxn\): trying again in \d+ s, 1 of 6/);
      expect(Date.now() - opened).toBeGreaterThanOrEqual(WINDOW_MS);
      const names = [...org.emulator.org.store.rows('Account', { includeDeleted: false })].map((row) => String(row['Name'])).filter((name) => name.startsWith('Busy Twenty '));
      expect(names).toHaveLength(50);
      expect(new Set(names).size).toBe(50);
    } finally {
      clearTimeout(closing);
      org.emulator.admin.clearFaults();
    }
  }, 150_000);
});
