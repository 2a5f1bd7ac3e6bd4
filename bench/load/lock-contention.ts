/**
 * Record lock contention: N Contacts (default 200,000) across M Accounts (default 2,000), loaded into the local org with
 * its simulated lock contention on (emulator/bulk/record-locks.ts: two in-flight jobs under one parent fail half of those
 * rows with UNABLE_TO_LOCK_ROW), three ways: the unconstrained load (contention off: the baseline), without grouping by
 * parent, and with it. Printed per way: wall time, the rows that failed to lock in the planned jobs, the rows retried, the
 * rounds, and what is left failing; then the grouped load's wall time against the unconstrained one (target within 10 %, 0
 * lock failures). Jobs of at most 1 MB (an explicit job size), 2 at a time, so several jobs run. Printed, not asserted.
 *
 * Run: `npx tsx bench/load/lock-contention.ts [contacts] [accounts] [job bytes]`; the org runs the real-org model
 * (`BENCH_ORG_MODEL=none` for an unpaced org, where planning is slower than the org and jobs seldom overlap).
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const ADMIN = 'admin@orgdesk.example';

/** Writes the Contacts, row i under account i mod M (siblings spread across the whole file: the worst case in file order). */
async function writeContacts(path: string, rows: number, accounts: string[]): Promise<void> {
  const out = createWriteStream(path);
  out.write('LastName,FirstName,AccountId,Department\n');
  let chunk = '';
  for (let i = 0; i < rows; i += 1) {
    chunk += `Lock ${i},Ann${i % 997},${accounts[i % accounts.length] ?? ''},Bench\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

type Way = { name: string; contention: boolean; groupByParent: boolean };

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 200_000);
  const accountCount = Number(process.argv[3] ?? 2_000);
  const jobBytes = Number(process.argv[4] ?? 1_000_000);
  const { startEmulator } = await import('../../emulator/index');
  const { createLoadService } = await import('../../core/load');
  const { createEmulatorConnections } = await import('../../core/test-support/emulator-connections');
  const { createSystemClock } = await import('../../core/salesforce');
  const { openDatabase } = await import('../../core/store');
  const dir = mkdtempSync(join(tmpdir(), 'orgdesk-bench-locks-'));
  // The real-org model by default (5k rows/s per ingest job, 2 MB/s per connection): unpaced, this one process plans the
  // file slower than the org processes a job, so jobs would rarely be in flight together and nothing would contend.
  const model = (process.env.BENCH_ORG_MODEL ?? 'real') as 'none' | 'real';
  const emulator = await startEmulator({ seed: false, model });
  try {
    const ways: Way[] = [
      { name: 'unconstrained (no contention)', contention: false, groupByParent: false },
      { name: 'contention, no grouping', contention: true, groupByParent: false },
      { name: 'contention, grouped by parent', contention: true, groupByParent: true },
    ];
    const walls: number[] = [];
    console.log(`org model: ${model}`);
    console.log(`${rows.toLocaleString('en-US')} Contacts across ${accountCount.toLocaleString('en-US')} Accounts; jobs of at most ${jobBytes.toLocaleString('en-US')} bytes, 2 at a time; contention: failRate 0.5, 20 ms per chunk transaction`);
    for (const way of ways) {
      emulator.admin.reset({ seed: false });
      const userId = emulator.admin.users()[0]?.id ?? '';
      const accounts = Array.from({ length: accountCount }, (_, i) => emulator.org.writer.createRecord('Account', { Name: `Bench parent ${i}` }, { userId, origin: 'bench' }).id);
      const file = join(dir, `contacts-${walls.length}.csv`);
      await writeContacts(file, rows, accounts);
      emulator.admin.setLockContention(way.contention ? { failRate: 0.5, holdMs: 20, seed: 1 } : null);
      const folder = mkdtempSync(join(dir, 'run-'));
      const database = openDatabase({ folder });
      const load = createLoadService({
        db: database.db,
        connections: createEmulatorConnections({ url: emulator.url, username: ADMIN }),
        emit: { progress: () => undefined, preflight: () => undefined },
        clock: createSystemClock(),
        uploadsDir: join(folder, 'uploads'),
        loadsDir: join(folder, 'loads'),
        poll: { initialMs: 100, maxMs: 500 },
      });
      try {
        const started = performance.now();
        const opened = await load.open({ kind: 'path', path: file });
        const { mappings } = await load.suggestMapping('bench', opened.fileId, 'Contact', 'insert');
        const plan = { objectName: 'Contact', operation: 'insert' as const, mappings, dates: { dateOrder: 'ymd' as const, timeZone: 'UTC' } };
        const { loadId } = await load.start('bench', opened.fileId, plan, { excludeInvalid: true, outputDir: folder, maxJobBytes: jobBytes, concurrency: 2, groupByParent: way.groupByParent });
        const summary = await load.settled(loadId);
        const wall = (performance.now() - started) / 1000;
        walls.push(wall);
        const retries = summary.retries;
        console.log(
          `${way.name.padEnd(32)} ${wall.toFixed(1).padStart(6)} s wall, ${summary.jobs.length} jobs, state ${summary.state}, ${summary.counts.success.toLocaleString('en-US')} ok, ${summary.counts.failed} failed; ` +
            `lock failures in the planned jobs ${(retries?.lockFailures ?? 0).toLocaleString('en-US')}, retried ${(retries?.lockRetried ?? 0).toLocaleString('en-US')} in ${retries?.lockRounds ?? 0} rounds, left ${retries?.lockFailuresLeft ?? 0}`,
        );
      } finally {
        await load.dispose();
        database.close();
      }
    }
    const [free, , grouped] = walls;
    if (free !== undefined && grouped !== undefined) {
      const extra = (grouped / free - 1) * 100;
      console.log(`summary: grouped wall time ${extra >= 0 ? '+' : ''}${extra.toFixed(1)} % against the unconstrained load (target within 10 %${extra > 10 ? ': MISSED' : ''})`);
    }
    console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
