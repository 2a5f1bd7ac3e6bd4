/**
 * A CSV upsert of N Contacts × 10 columns (default 1,000,000) into the local org: OrgDesk's load service (streamed
 * inspect, pre-flight in the planning pass, separate jobs under 100 MB, 2 at a time, result files on disk) against jsforce's
 * `bulk2.loadAndWaitForResults` (one job, results in memory) on the same file and the same org, in the same run. Each
 * client runs in its own child process, so its peak RSS is its own; the org runs here. Printed, not asserted.
 *
 * Run: `npx tsx bench/load/upsert.ts [rows] [job MB]` (defaults 1,000,000 and 100). Timing starts once each client's
 * modules are loaded and it holds a session: from OrgDesk's `load:open` (inspect) to its settled summary, and around
 * jsforce's `loadAndWaitForResults`; both poll every 500 ms. The row width keeps 1M rows just under the org's 112.5 MiB upload cap, so
 * jsforce's single upload is accepted (at ~150 MB a single-job client is refused outright: salesforce-api.md §4.2).
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const ADMIN = 'admin@orgdesk.example';

type Measured = { client: string; wallSeconds: number; cpuSeconds: number; peakRssMb: number; success: number; failed: number; note?: string };

/** Writes the bench file: 10 Contact columns, the external id unique per row, one quoted cell with a comma. */
async function writeFile(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('External_Id__c,FirstName,LastName,Email,Title,Department,Phone,MailingCity,Birthdate,LeadSource\n');
  const sources = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
  let chunk = '';
  for (let i = 0; i < rows; i += 1) {
    const day = String((i % 28) + 1).padStart(2, '0');
    chunk += `BX-${i},Ann${i % 997},"Lee, ${i}",p${i}@x.io,Buyer,Ops,555-${String(i % 10_000).padStart(4, '0')},Lyon,1990-02-${day},${sources[i % 5] ?? 'Web'}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

type Run = { wallSeconds: number; success: number; failed: number; note?: string };

/** jsforce's one-call load: one job, one upload, results parsed into memory. */
async function runJsforce(url: string, file: string): Promise<Run> {
  const { default: jsforce } = await import('jsforce');
  const session = (await (await fetch(`${url}/__emulator/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: ADMIN }) })).json()) as { access_token: string };
  const conn = new jsforce.Connection({ instanceUrl: url, accessToken: session.access_token, version: '62.0' });
  const started = performance.now();
  const results = await conn.bulk2.loadAndWaitForResults({
    object: 'Contact',
    operation: 'upsert',
    externalIdFieldName: 'External_Id__c',
    input: createReadStream(file),
    pollInterval: 500,
    pollTimeout: 3_600_000,
  });
  return { wallSeconds: (performance.now() - started) / 1000, success: results.successfulResults.length, failed: results.failedResults.length };
}

/** OrgDesk's load service, as the Load area drives it: open (inspect), auto-mapping, start, settled. */
async function runOrgDesk(url: string, file: string, jobMb: number): Promise<Run> {
  const { createLoadService } = await import('../../core/load');
  const { createEmulatorConnections } = await import('../../core/test-support/emulator-connections');
  const { createSystemClock } = await import('../../core/salesforce');
  const { openDatabase } = await import('../../core/store');
  const folder = mkdtempSync(join(tmpdir(), 'orgdesk-bench-load-'));
  const database = openDatabase({ folder });
  const load = createLoadService({
    db: database.db,
    connections: createEmulatorConnections({ url, username: ADMIN }),
    emit: { progress: () => undefined, preflight: () => undefined },
    clock: createSystemClock(),
    uploadsDir: join(folder, 'uploads'),
    loadsDir: join(folder, 'loads'),
    // The same polling as jsforce's: every 500 ms.
    poll: { initialMs: 500, maxMs: 500 },
  });
  try {
    const started = performance.now();
    const opened = await load.open({ kind: 'path', path: file });
    const { mappings } = await load.suggestMapping('bench', opened.fileId, 'Contact', 'upsert');
    const plan = { objectName: 'Contact', operation: 'upsert' as const, externalIdField: 'External_Id__c', mappings, dates: { dateOrder: 'ymd' as const, timeZone: 'UTC' } };
    const opening = (performance.now() - started) / 1000;
    const { loadId } = await load.start('bench', opened.fileId, plan, { excludeInvalid: true, outputDir: folder, maxJobBytes: jobMb * 1_000_000 });
    const summary = await load.settled(loadId);
    const { counts } = summary;
    const total = (performance.now() - started) / 1000;
    return {
      wallSeconds: total,
      success: counts.success,
      failed: counts.failed,
      note: `${summary.jobs.length} jobs, state ${summary.state}, excluded ${counts.excluded}, unprocessed ${counts.unprocessed}; load:open (inspect) ${opening.toFixed(1)} s, load:start to done ${(total - opening).toFixed(1)} s`,
    };
  } finally {
    await load.dispose();
    database.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The child's side: one client loads the file and prints its figures (and its own peak RSS) as a JSON line. */
async function child(client: string, url: string, file: string, jobMb: number): Promise<void> {
  const run = client === 'jsforce' ? await runJsforce(url, file) : await runOrgDesk(url, file, jobMb);
  const usage = process.resourceUsage();
  const measured: Measured = { client, ...run, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, peakRssMb: usage.maxRSS / 1024 };
  console.log(JSON.stringify(measured));
}

function runChild(client: string, url: string, file: string, jobMb: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    // BENCH_CPU_PROF=<folder> writes a V8 CPU profile of OrgDesk's child there (for `node --cpu-prof`-style profiling).
    const profile = process.env.BENCH_CPU_PROF !== undefined && client === 'orgdesk' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    const proc = spawn(tsx, [...profile, here, '--child', client, url, file, String(jobMb)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as Measured);
      } catch {
        reject(new Error(`${client} ended with code ${String(code)}: ${out.slice(-500)}`));
      }
    });
  });
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const jobMb = Number(process.argv[3] ?? 100);
  const dir = mkdtempSync(join(tmpdir(), 'orgdesk-bench-upsert-'));
  const file = join(dir, 'contacts.csv');
  try {
    await writeFile(file, rows);
    console.log(`file: ${rows.toLocaleString('en-US')} rows × 10 columns, ${(statSync(file).size / 1024 / 1024).toFixed(1)} MiB; OrgDesk jobs of at most ${jobMb} MB, 2 at a time`);
    const { startEmulator, REAL_ORG_MODEL } = await import('../../emulator/index');
    // Both org models unless BENCH_ORG_MODELS narrows it: 'none' (unpaced: the org goes as fast as this process) and
    // 'real' (2 MB/s per connection, 5k rows/s per ingest job: parallel jobs pay off as on a real org).
    const models = (process.env.BENCH_ORG_MODELS ?? 'none,real').split(',') as ('none' | 'real')[];
    for (const model of models) {
      const label = model === 'real' ? `real-org model (${REAL_ORG_MODEL.connectionBytesPerSec / 1024 / 1024} MB/s per connection, ${REAL_ORG_MODEL.ingestRowsPerSec} rows/s per job)` : 'unpaced org (no model)';
      console.log(`\n--- ${label} ---`);
      const emulator = await startEmulator({ seed: false, model });
      try {
        const results: Measured[] = [];
        for (const client of ['orgdesk', 'jsforce']) {
          emulator.admin.reset({ seed: false });
          const orgCpu = process.cpuUsage();
          const measured = await runChild(client, emulator.url, file, jobMb).catch((error: unknown) => ({ client, wallSeconds: Number.NaN, cpuSeconds: Number.NaN, peakRssMb: Number.NaN, success: 0, failed: 0, note: String(error) }));
          const org = process.cpuUsage(orgCpu);
          results.push(measured);
          const orgMicrosPerRow = (org.user + org.system) / Math.max(1, rows);
          // On a busy machine wall time mostly measures the neighbours; CPU seconds say what each side cost.
          console.log(`[${model}] ${client.padEnd(8)} ${measured.wallSeconds.toFixed(1)} s wall, ${measured.cpuSeconds.toFixed(1)} s client CPU, ${((org.user + org.system) / 1e6).toFixed(1)} s org CPU (${orgMicrosPerRow.toFixed(0)} µs/row; the model's per-job budget is ${(1e6 / REAL_ORG_MODEL.ingestRowsPerSec).toFixed(0)} µs/row), peak RSS ${measured.peakRssMb.toFixed(0)} MB, ${measured.success.toLocaleString('en-US')} ok, ${measured.failed} failed${measured.note === undefined ? '' : ` (${measured.note})`}`);
        }
        const [ours, theirs] = results;
        if (ours !== undefined && theirs !== undefined) {
          const ratio = ours.wallSeconds / theirs.wallSeconds;
          const target = model === 'real' ? 0.5 : 0.8;
          console.log(`[${model}] summary: OrgDesk/jsforce wall time ${ratio.toFixed(2)}× (target ≤ ${target}×${ratio > target ? ': MISSED' : ''}); peak RSS OrgDesk ${ours.peakRssMb.toFixed(0)} MB (target < 300), jsforce ${theirs.peakRssMb.toFixed(0)} MB`);
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
  void child(process.argv[3] ?? '', process.argv[4] ?? '', process.argv[5] ?? '', Number(process.argv[6] ?? 100));
} else {
  void main();
}
