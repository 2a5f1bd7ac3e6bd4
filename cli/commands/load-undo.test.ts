import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LoadSummary, UndoOutcome, UndoPreview } from '../../shared/ipc/domains/load';
import { addProfile, startCliOrg, type CliOrg } from '../test/cli-org';
import { collect, noKeychainEnv, runOrgdesk, startOrgdesk } from '../test/run-orgdesk';

let org: CliOrg;

beforeAll(async () => {
  org = await startCliOrg();
  addProfile(org, 'Local org');
});
afterEach(() => {
  org.emulator.admin.clearFaults();
});
afterAll(async () => {
  await org.stop();
});

function liveRows(prefix: string): Record<string, unknown>[] {
  return [...org.emulator.org.store.rows('Account', { includeDeleted: false })].filter((row) => String(row['Name'] ?? '').startsWith(prefix));
}

function csvFile(name: string, lines: string[]): string {
  const path = join(org.folder, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const run = (args: string[]) => runOrgdesk([...args, '--key-file', org.keyFile], { env: noKeychainEnv(org.userDataDir) });

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('orgdesk load --undo', () => {
  it('undoes an update, asking for a decision when records changed since, with one JSON document on every exit', async () => {
    const inserted = await run(['load', csvFile('cli-undo.csv', ['Name,Industry', 'Cli Undo 1,Energy', 'Cli Undo 2,']), '--object', 'Account', '--operation', 'insert', '--json']);
    const ids = liveRows('Cli Undo ').map((row) => String(row['Id']));
    expect(inserted.code).toBe(0);
    const updated = await run(['load', csvFile('cli-upd.csv', ['Id,Industry', ...ids.map((id) => `${id},Banking`)]), '--object', 'Account', '--operation', 'update', '--json']);
    const updateId = (JSON.parse(updated.stdout) as LoadSummary).loadId;
    await new Promise((resolve) => setTimeout(resolve, 5));
    org.emulator.org.writer.updateRecord('Account', ids[0] ?? '', { Name: 'Cli Undo 1 changed' }, { userId: String(liveRows('Cli Undo ')[0]?.['OwnerId']), origin: 'admin' });

    const refused = await run(['load', '--undo', updateId, '--json']);
    expect(refused.code).toBe(2);
    const refusal = JSON.parse(refused.stdout) as { state: string; preview: UndoPreview; error: { code: string } };
    expect(refusal).toMatchObject({ state: 'refused', preview: { conflictCount: 1, steps: [{ kind: 'restore-updated', records: 2 }] }, error: { code: 'VALIDATION' } });
    expect(refused.stderr).toMatch(/--conflicts skip/);

    const undone = await run(['load', '--undo', updateId, '--conflicts', 'skip', '--json']);
    expect(undone.code).toBe(0);
    const doc = JSON.parse(undone.stdout) as { state: string; undo: UndoOutcome };
    expect(doc.state).toBe('done');
    expect(doc.undo.steps).toMatchObject([{ kind: 'restore-updated', state: 'done', counts: { input: 1, success: 1 } }]);
    expect(liveRows('Cli Undo ').map((row) => row['Industry'])).toEqual(['Banking', null]);
  });

  it('resumes an undo killed with SIGKILL mid-step: every created record deleted once, the step accounted for', async () => {
    const rows = 150;
    const inserted = await run(['load', csvFile('kill-undo.csv', ['Name', ...Array.from({ length: rows }, (_, i) => `Kill Undo ${i + 1}`)]), '--object', 'Account', '--operation', 'insert', '--json']);
    const insertId = (JSON.parse(inserted.stdout) as LoadSummary).loadId;
    expect(liveRows('Kill Undo ')).toHaveLength(rows);
    org.emulator.admin.addFault({ kind: 'bulk-stall-ingest', afterRows: 20 });
    const child = startOrgdesk(['load', '--undo', insertId, '--key-file', org.keyFile], { env: noKeychainEnv(org.userDataDir) });
    const ended = collect(child, 45_000);
    await until(() => liveRows('Kill Undo ').length === rows - 20, 'the undo step to stall');
    child.kill('SIGKILL');
    expect((await ended).signal).toBe('SIGKILL');
    org.emulator.admin.addFault({ kind: 'bulk-release-stall' });

    const resumed = await run(['load', '--undo', insertId, '--json']);
    expect(resumed.code).toBe(0);
    const doc = JSON.parse(resumed.stdout) as { state: string; undo: UndoOutcome };
    expect(doc.undo.steps).toMatchObject([{ kind: 'delete-created', state: 'done', counts: { input: rows, success: rows, failed: 0, unprocessed: 0 } }]);
    expect(liveRows('Kill Undo ')).toHaveLength(0);
    const listed = await run(['load', '--list', '--json']);
    const steps = (JSON.parse(listed.stdout) as { loads: { loadId: string; operation: string }[] }).loads.filter((load) => load.loadId === doc.undo.steps[0]?.loadId);
    expect(steps).toHaveLength(1);
  });
});
