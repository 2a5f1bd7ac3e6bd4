/**
 * The before-image's cost: the same N-row Contact update (default 200,000; `npx tsx bench/load/before-image.ts [rows]`)
 * loaded by OrgDesk's load service with and without the before-image (`beforeImage: false`), on the unpaced local org
 * (`BENCH_ORG_MODELS=real` for the paced model). Each run is its own child process, so its peak RSS is its own; the org runs
 * here and counts the API calls. Prints extra wall time (target ≤ 25 % of the load's), extra API calls, the file size and
 * peak RSS of each run. Printed, not asserted.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const ADMIN = 'admin@orgdesk.example';

type Measured = { wallSeconds: number; peakRssMb: number; success: number; imageMb: number; imageRecords: number; note: string };

/** The child: one update of the file through the load service, with or without the before-image. */
async function child(url: string, file: string, keep: boolean): Promise<void> {
  const { createLoadService } = await import('../../core/load');
  const { createEmulatorConnections } = await import('../../core/test-support/emulator-connections');
  const { createSystemClock } = await import('../../core/salesforce');
  const { openDatabase } = await import('../../core/store');
  const { beforeImagePath, openBeforeImage } = await import('../../core/load/before-image-store');
  const folder = mkdtempSync(join(tmpdir(), 'orgdesk-bench-before-'));
  const database = openDatabase({ folder });
  const loadsDir = join(folder, 'loads');
  const load = createLoadService({
    db: database.db,
    connections: createEmulatorConnections({ url, username: ADMIN }),
    emit: { progress: () => undefined, preflight: () => undefined },
    clock: createSystemClock(),
    uploadsDir: join(folder, 'uploads'),
    loadsDir,
    poll: { initialMs: 500, maxMs: 500 },
  });
  try {
    const started = performance.now();
    const opened = await load.open({ kind: 'path', path: file });
    const { mappings } = await load.suggestMapping('bench', opened.fileId, 'Contact', 'update');
    const plan = { objectName: 'Contact', operation: 'update' as const, mappings, dates: { dateOrder: 'ymd' as const, timeZone: 'UTC' } };
    const { loadId } = await load.start('bench', opened.fileId, plan, { excludeInvalid: true, outputDir: folder, beforeImage: keep });
    const summary = await load.settled(loadId);
    const wallSeconds = (performance.now() - started) / 1000;
    let imageMb = 0;
    let imageRecords = 0;
    if (keep) {
      const path = beforeImagePath(loadsDir, loadId);
      imageMb = statSync(path).size / 1024 / 1024;
      const image = openBeforeImage(path, { create: false });
      imageRecords = image.count();
      image.close();
    }
    const usage = process.resourceUsage();
    const measured: Measured = { wallSeconds, peakRssMb: usage.maxRSS / 1024, success: summary.counts.success, imageMb, imageRecords, note: `${summary.jobs.length} jobs, state ${summary.state}` };
    console.log(JSON.stringify(measured));
  } finally {
    await load.dispose();
    database.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

function runChild(url: string, file: string, keep: boolean): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const proc = spawn(tsx, [here, '--child', url, file, keep ? 'keep' : 'none'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as Measured);
      } catch {
        reject(new Error(`The run ended with code ${String(code)}: ${out.slice(-500)}`));
      }
    });
  });
}

async function writeUpdateFile(path: string, ids: string[]): Promise<void> {
  const out = createWriteStream(path);
  out.write('Id,Title,Department\n');
  let chunk = '';
  for (let i = 0; i < ids.length; i += 1) {
    chunk += `${ids[i] ?? ''},Bench title ${i % 97},Dept ${i % 13}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 200_000);
  const dir = mkdtempSync(join(tmpdir(), 'orgdesk-bench-before-image-'));
  const { startEmulator } = await import('../../emulator/index');
  const models = (process.env.BENCH_ORG_MODELS ?? 'none').split(',') as ('none' | 'real')[];
  try {
    for (const model of models) {
      const emulator = await startEmulator({ seed: false, model });
      try {
        emulator.admin.generateContacts(rows);
        const ids = [...emulator.org.store.rows('Contact', { includeDeleted: false })].map((row) => String(row.Id));
        const file = join(dir, 'update.csv');
        await writeUpdateFile(file, ids);
        console.log(`[${model}] update of ${rows.toLocaleString('en-US')} Contacts × 2 fields, ${(statSync(file).size / 1024 / 1024).toFixed(1)} MiB`);
        const results: Record<string, Measured & { calls: number }> = {};
        for (const keep of [false, true]) {
          const before = emulator.admin.counters().total;
          const measured = await runChild(emulator.url, file, keep);
          const calls = emulator.admin.counters().total - before;
          results[keep ? 'with' : 'without'] = { ...measured, calls };
          console.log(
            `[${model}] ${keep ? 'with before-image   ' : 'without before-image'} ${measured.wallSeconds.toFixed(1)} s wall, ${calls} API calls, peak RSS ${measured.peakRssMb.toFixed(0)} MB, ` +
              `${measured.success.toLocaleString('en-US')} ok (${measured.note})${keep ? `; before-image ${measured.imageRecords.toLocaleString('en-US')} records, ${measured.imageMb.toFixed(1)} MiB on disk` : ''}`,
          );
        }
        const { with: kept, without } = results;
        if (kept !== undefined && without !== undefined) {
          const extra = (kept.wallSeconds - without.wallSeconds) / without.wallSeconds;
          console.log(
            `[${model}] summary: before-image adds ${(extra * 100).toFixed(0)} % wall time (target ≤ 25 %${extra > 0.25 ? ': MISSED' : ''}), ${kept.calls - without.calls} API calls, ` +
              `${(kept.peakRssMb - without.peakRssMb).toFixed(0)} MB peak RSS`,
          );
        }
        console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
      } finally {
        await emulator.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  void child(process.argv[3] ?? '', process.argv[4] ?? '', process.argv[5] === 'keep');
} else {
  void main();
}
