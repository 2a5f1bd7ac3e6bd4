/**
 * Bench (a) of issue 5: fetch 100k Contacts through REST paging from the local org with OrgDesk's query service and with
 * jsforce 3.10.16's `query(...).autoFetch(true)` in the same run, and print records/s, the ratio, and this process's
 * peak RSS and heap while each client ran. The emulator runs in a child process so its memory is not counted.
 *
 *   npx tsx bench/query/rest-paging.ts [--rows 100000] [--rounds 3]
 *   node --expose-gc --import tsx bench/query/rest-paging.ts   (collects garbage between runs for cleaner peaks)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Connection } from 'jsforce';
import { createSystemClock } from '../../core/salesforce';
import { createQueryService } from '../../core/query';
import { createEmulatorConnections, emulatorAdmin } from '../../core/test-support/emulator-connections';
import { startLocalOrgProcess } from '../lib/local-org-process';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '3' } } });
const ROWS = Number(values.rows);
const ROUNDS = Number(values.rounds);
const API_VERSION = '62.0';
const USERNAME = 'admin@orgdesk.example';
const SOQL = 'SELECT Id, FirstName, LastName, Email, Phone, Title, AccountId, Account.Name, Owner.Name, CreatedDate FROM Contact';

type Sample = { records: number; ms: number; cpuMs: number; retainedHeap: number; peakRss: number; peakHeap: number; baseRss: number; baseHeap: number };


function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function measure(run: () => Promise<{ records: number; release: () => Promise<void> }>): Promise<Sample> {
  gc();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 10);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const { records, release } = await run();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  clearInterval(timer);
  const end = process.memoryUsage();
  peakRss = Math.max(peakRss, end.rss);
  peakHeap = Math.max(peakHeap, end.heapUsed);
  // What the full result costs while it is held (after a collection, when --expose-gc is on).
  gc();
  const holding = process.memoryUsage().heapUsed;
  await release();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  const retainedHeap = holding - process.memoryUsage().heapUsed;
  return { records, ms, cpuMs, retainedHeap, peakRss, peakHeap, baseRss: base.rss, baseHeap: base.heapUsed };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const rate = (s: Sample): number => s.records / (s.ms / 1000);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  const { url, child } = await startLocalOrgProcess();
  const resultsDir = mkdtempSync(join(tmpdir(), 'orgdesk-bench-query-'));
  try {
    const existing = await emulatorCount(url);
    if (existing < ROWS) await emulatorAdmin(url, 'POST', 'generate', { object: 'Contact', count: ROWS - existing });
    const total = await emulatorCount(url);
    process.stdout.write(`emulator ${url}: ${total} Contacts; ${ROUNDS} rounds each, alternating; SOQL: ${SOQL}\n`);

    const orgdesk = async (): Promise<{ records: number; release: () => Promise<void> }> => {
      const connections = createEmulatorConnections({ url, username: USERNAME, apiVersion: API_VERSION });
      const service = createQueryService({
        connections,
        emit: () => undefined,
        clock: createSystemClock(),
        resultsDir,
        picker: { pickSavePath: () => Promise.resolve(null) },
        bulkThreshold: Number.MAX_SAFE_INTEGER,
      });
      const { runId } = service.run({ orgId: 'bench', soql: SOQL, includeDeleted: false, mode: 'rest' });
      const final = await service.settled(runId);
      if (final.state !== 'done') throw new Error(`OrgDesk run ended ${final.state}: ${final.error?.message ?? ''}`);
      return { records: final.fetched, release: () => service.dispose() };
    };
    const jsforce = async (): Promise<{ records: number; release: () => Promise<void> }> => {
      const session = (await emulatorAdmin(url, 'POST', 'sessions', { username: USERNAME })) as { access_token: string; instance_url: string };
      const conn = new Connection({ instanceUrl: session.instance_url, accessToken: session.access_token, version: API_VERSION });
      let result: { records: unknown[] } | null = await conn.query(SOQL).autoFetch(true).maxFetch(10_000_000).execute();
      return {
        records: result.records.length,
        release: () => {
          result = null;
          return Promise.resolve();
        },
      };
    };

    // Warm both paths (JIT, sockets) on a small query before measuring.
    await (await orgdesk()).release();
    await (await jsforce()).release();

    const samples: { orgdesk: Sample[]; jsforce: Sample[] } = { orgdesk: [], jsforce: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      const first = round % 2 === 0 ? 'orgdesk' : 'jsforce';
      for (const name of first === 'orgdesk' ? (['orgdesk', 'jsforce'] as const) : (['jsforce', 'orgdesk'] as const)) {
        const sample = await measure(name === 'orgdesk' ? orgdesk : jsforce);
        if (sample.records !== total) throw new Error(`${name} fetched ${sample.records} of ${total} records`);
        samples[name].push(sample);
        process.stdout.write(
          `  round ${round + 1} ${name.padEnd(7)} ${sample.records} records in ${(sample.ms / 1000).toFixed(2)} s = ${rate(sample).toFixed(0)} rec/s, client CPU ${(sample.cpuMs / 1000).toFixed(2)} s; peak RSS ${mb(sample.peakRss)} (+${mb(sample.peakRss - sample.baseRss)}), peak heap ${mb(sample.peakHeap)} (+${mb(sample.peakHeap - sample.baseHeap)}), result held ${mb(sample.retainedHeap)}\n`,
        );
      }
    }
    const ours = median(samples.orgdesk.map(rate));
    const theirs = median(samples.jsforce.map(rate));
    const ourCpu = median(samples.orgdesk.map((s) => s.cpuMs));
    const theirCpu = median(samples.jsforce.map((s) => s.cpuMs));
    const peak = (s: Sample[], f: (x: Sample) => number): string => mb(Math.max(...s.map(f)));
    process.stdout.write('\nmedian over rounds\n');
    const held = (s: Sample[]): string => mb(median(s.map((x) => x.retainedHeap)));
    process.stdout.write(`  OrgDesk query service    : ${ours.toFixed(0)} records/s, peak RSS ${peak(samples.orgdesk, (s) => s.peakRss)}, peak heap ${peak(samples.orgdesk, (s) => s.peakHeap)}, result held ${held(samples.orgdesk)}\n`);
    process.stdout.write(`  jsforce 3.10.16 autoFetch: ${theirs.toFixed(0)} records/s, peak RSS ${peak(samples.jsforce, (s) => s.peakRss)}, peak heap ${peak(samples.jsforce, (s) => s.peakHeap)}, result held ${held(samples.jsforce)}\n`);
    process.stdout.write(`  time ratio OrgDesk/jsforce: ${(theirs / ours).toFixed(2)}x (target <= 1.00x)\n`);
    // Wall time includes the emulator's work in its own process; client CPU is what each client costs main.
    process.stdout.write(`  client CPU ratio OrgDesk/jsforce: ${(ourCpu / theirCpu).toFixed(2)}x (${(ourCpu / 1000).toFixed(2)} s vs ${(theirCpu / 1000).toFixed(2)} s)\n`);
    await gridWindows(url, resultsDir);
  } finally {
    child.kill('SIGTERM');
    rmSync(resultsDir, { recursive: true, force: true });
  }
}

/** Times the row windows main serves the grid on the full result: a two-column sort, the same again (cached), a filter. */
async function gridWindows(url: string, resultsDir: string): Promise<void> {
  const service = createQueryService({
    connections: createEmulatorConnections({ url, username: USERNAME, apiVersion: API_VERSION }),
    emit: () => undefined,
    clock: createSystemClock(),
    resultsDir,
    picker: { pickSavePath: () => Promise.resolve(null) },
  });
  const { runId } = service.run({ orgId: 'bench', soql: SOQL, includeDeleted: false, mode: 'rest' });
  await service.settled(runId);
  const time = async (label: string, args: { sort: { column: string; descending: boolean }[]; filter: string }): Promise<void> => {
    const started = performance.now();
    const window = await service.rows({ runId, offset: Math.floor(ROWS / 2), limit: 100, ...args });
    process.stdout.write(`  ${label.padEnd(44)} ${(performance.now() - started).toFixed(1)} ms (${window.matched} rows match)\n`);
  };
  process.stdout.write(`\nrow windows served from main (100 rows at offset ${Math.floor(ROWS / 2)})\n`);
  const sort = [{ column: 'LastName', descending: false }, { column: 'CreatedDate', descending: true }];
  await time('sort LastName asc, CreatedDate desc (first)', { sort, filter: '' });
  await time('same sort again (cached index)', { sort, filter: '' });
  await time('filter "son" + same sort (first)', { sort, filter: 'son' });
  await service.dispose();
}

async function emulatorCount(url: string): Promise<number> {
  const { connection } = createEmulatorConnections({ url, username: USERNAME, apiVersion: API_VERSION });
  const page = await connection.client.json<{ totalSize: number }>('GET', `/services/data/v${API_VERSION}/query`, { query: { q: 'SELECT COUNT() FROM Contact' } });
  return page.totalSize;
}

await main();
