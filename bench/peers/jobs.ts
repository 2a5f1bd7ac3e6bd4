/**
 * `npm run bench -- peers` (with start-up, bench/peers/startup.ts): the four Bulk jobs of issue 22, each run by OrgDesk's
 * bundled CLI, Salesforce's sf CLI 2 and a jsforce 3 script (bench/peers/lib/jsforce-job.mjs), every run its own process
 * measured by GNU time (wall seconds, peak RSS), on one local org started here as its own process, in the same run:
 * a Bulk query export of 300k Contacts × 6 fields to CSV, a Bulk insert of 200k rows × 5 fields from CSV, an upsert by
 * External_Id__c of the same rows, and a delete of them (an Id file the bench exports first, not timed). Each tool runs the
 * four jobs in turn and leaves the org as it found it. Prints each tool's figures, OrgDesk's ratio to each peer, the load
 * average and whether the target is met (OrgDesk ahead of both in wall time and peak memory on every job, start-up ≤ 0.3 s);
 * never asserts. A missing peer (sf, its Node 22, GNU time) is said and skipped.
 *
 * Run: `npx tsx bench/peers/jobs.ts [export rows] [load rows]` (defaults 300,000 and 200,000). For profiling:
 * `BENCH_PEERS_TOOLS=orgdesk` runs only the tools named (comma-separated), `BENCH_ORGDESK_LOAD_ARGS` adds options to
 * OrgDesk's loads (`--no-before-image` compares like for like: by default OrgDesk also keeps what undo needs), `BENCH_CPU_PROF=<folder>` writes a V8 CPU profile
 * of each OrgDesk run there, `BENCH_ORGDESK_NODE_ARGS='--flag …'` passes Node flags to OrgDesk's runs.
 */
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateKeyAndCertificate } from '../../core/auth/certificate';
import { startLocalOrgProcess } from '../lib/local-org-process';
import { findSf, missingTime, sfEnvironment, timed, type Timed } from './lib/peer-tools';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN = 'admin@orgdesk.example';
const CONSUMER_KEY = 'CKpeersbench';
const EXPORT_SOQL = 'SELECT Id, FirstName, LastName, Email, Title, Phone FROM Contact';
const PREFIX = 'PX-';
const JOBS = ['export', 'insert', 'upsert', 'delete'] as const;
type Job = (typeof JOBS)[number];
type ToolName = 'orgdesk' | 'sf' | 'jsforce';
/** One job of one tool: GNU time's figures and the rows it says it handled. */
type Figure = { seconds: number; cpuSeconds: number; rssMb: number; rows: number; failed: string | null };
/** How a tool runs a job: the command line for it, and how to read its row count from what it printed. */
type Tool = { name: ToolName; run(job: Job, files: JobFiles): Promise<Timed>; rows(job: Job, out: Timed, files: JobFiles): number };
type JobFiles = { load: string; ids: string; exported: string; outDir: string };

/** The load file: External_Id__c, FirstName, LastName, Email, Title; one quoted cell with a comma. */
async function writeLoadFile(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('External_Id__c,FirstName,LastName,Email,Title\n');
  let chunk = '';
  for (let i = 0; i < rows; i += 1) {
    chunk += `${PREFIX}${i},Ann${i % 997},"Lee, ${i}",p${i}@x.io,Buyer ${i % 13}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

async function admin(url: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${url}/__emulator/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST /__emulator/${path}: ${String(response.status)} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

/** Lines of a CSV file minus its header (the files here have no line breaks inside cells). */
function dataLines(path: string): number {
  const text = readFileSync(path, 'utf8');
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines += 1;
  if (text.length > 0 && !text.endsWith('\n')) lines += 1;
  return Math.max(0, lines - 1);
}

function jsonTail(out: Timed): Record<string, unknown> {
  const start = out.stdout.indexOf('{');
  try {
    return JSON.parse(out.stdout.slice(start)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The environment of every OrgDesk run here: its own user-data folder and no keychain (keys come from --key-file, as in CI). */
function orgdeskEnv(userData: string): NodeJS.ProcessEnv {
  return { ...process.env, ORGDESK_USER_DATA: userData, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/orgdesk-no-bus', DISPLAY: '' };
}

function orgdeskTool(userData: string, keyFile: string): Tool {
  const bin = join(root, 'cli/orgdesk.mjs');
  const env = orgdeskEnv(userData);
  const common = ['--key-file', keyFile, '--quiet'];
  const profile = process.env['BENCH_CPU_PROF'];
  // BENCH_ORGDESK_LOAD_ARGS adds options to OrgDesk's loads (`--no-before-image`: like for like, no undo kept).
  const loadArgs = process.env['BENCH_ORGDESK_LOAD_ARGS']?.split(' ').filter((arg) => arg !== '') ?? [];
  const nodeArgs = process.env['BENCH_ORGDESK_NODE_ARGS']?.split(' ').filter((arg) => arg !== '') ?? [];
  const node = [...nodeArgs, ...(profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`]), bin];
  return {
    name: 'orgdesk',
    run(job, files) {
      if (job === 'export') return timed(process.execPath, [...node, 'query', EXPORT_SOQL, '--bulk', '--out', files.exported, ...common], { env });
      const file = job === 'delete' ? files.ids : files.load;
      const extra = [...(job === 'upsert' ? ['--external-id', 'External_Id__c'] : []), ...loadArgs];
      return timed(process.execPath, [...node, 'load', file, '--object', 'Contact', '--operation', job, ...extra, '--out-dir', files.outDir, '--json', ...common], { env });
    },
    rows(job, out, files) {
      if (job === 'export') return dataLines(files.exported);
      const counts = jsonTail(out)['counts'] as { success?: number } | undefined;
      return counts?.success ?? 0;
    },
  };
}

function sfTool(sf: string, env: NodeJS.ProcessEnv): Tool {
  const common = ['--target-org', 'emu', '--wait', '30', '--json'];
  return {
    name: 'sf',
    run(job, files) {
      switch (job) {
        case 'export':
          return timed(sf, ['data', 'export', 'bulk', '--query', EXPORT_SOQL, '--output-file', files.exported, '--result-format', 'csv', ...common], { env, cwd: files.outDir });
        case 'insert':
          return timed(sf, ['data', 'import', 'bulk', '--file', files.load, '--sobject', 'Contact', ...common], { env, cwd: files.outDir });
        case 'upsert':
          return timed(sf, ['data', 'upsert', 'bulk', '--file', files.load, '--sobject', 'Contact', '--external-id', 'External_Id__c', ...common], { env, cwd: files.outDir });
        case 'delete':
          return timed(sf, ['data', 'delete', 'bulk', '--file', files.ids, '--sobject', 'Contact', ...common], { env, cwd: files.outDir });
      }
    },
    rows(job, out, files) {
      if (job === 'export') return dataLines(files.exported);
      const result = jsonTail(out)['result'] as { jobInfo?: { numberRecordsProcessed?: number; numberRecordsFailed?: number }; processedRecords?: number; successfulRecords?: number } | undefined;
      if (result?.successfulRecords !== undefined) return result.successfulRecords;
      const info = result?.jobInfo;
      return (info?.numberRecordsProcessed ?? result?.processedRecords ?? 0) - (info?.numberRecordsFailed ?? 0);
    },
  };
}

function jsforceTool(url: string, accessToken: string): Tool {
  const script = join(root, 'bench/peers/lib/jsforce-job.mjs');
  const env = { ...process.env, JSFORCE_ACCESS_TOKEN: accessToken };
  return {
    name: 'jsforce',
    run(job, files) {
      const file = job === 'export' ? files.exported : job === 'delete' ? files.ids : files.load;
      return timed(process.execPath, [script, job, url, file, EXPORT_SOQL], { env, cwd: root });
    },
    rows(_job, out) {
      return Number(jsonTail(out)['rows'] ?? 0);
    },
  };
}

/** The Ids of the loaded rows, as an LF CSV every tool reads: exported by OrgDesk's CLI, not timed. */
async function writeIdFile(files: JobFiles, userData: string, keyFile: string): Promise<void> {
  const raw = join(files.outDir, 'ids-raw.csv');
  const run = await timed(process.execPath, [join(root, 'cli/orgdesk.mjs'), 'query', `SELECT Id FROM Contact WHERE External_Id__c LIKE '${PREFIX}%'`, '--bulk', '--out', raw, '--key-file', keyFile, '--quiet'], { env: orgdeskEnv(userData) });
  if (run.code !== 0) throw new Error(`The Id export failed: ${run.stderr.slice(-500)}`);
  writeFileSync(files.ids, readFileSync(raw, 'utf8').replaceAll('\r\n', '\n'));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function orgdeskStartup(): Promise<number> {
  const walls: number[] = [];
  for (let i = 0; i < 5; i += 1) walls.push((await timed(process.execPath, [join(root, 'cli/orgdesk.mjs'), '--version'])).seconds);
  return median(walls);
}

function load(): string {
  return loadavg().map((n) => n.toFixed(2)).join(' ');
}

async function main(): Promise<void> {
  const exportRows = Number(process.argv[2] ?? 300_000);
  const loadRows = Number(process.argv[3] ?? 200_000);
  const noTime = missingTime();
  if (noTime !== null) {
    console.log(`peer jobs skipped: ${noTime}.`);
    return;
  }
  spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts/build.ts'), '--cli-only'], { cwd: root, stdio: 'inherit' });
  const folder = mkdtempSync(join(tmpdir(), 'orgdesk-bench-peers-'));
  const { url, child } = await startLocalOrgProcess({ orgArgs: ['--no-seed'] });
  try {
    const loadFile = join(folder, 'contacts.csv');
    await writeLoadFile(loadFile, loadRows);
    await admin(url, 'generate', { object: 'Contact', count: exportRows });
    const { privateKeyPem, certificatePem } = await generateKeyAndCertificate({ commonName: 'Peers bench', now: new Date() });
    const keyFile = join(folder, 'server.key');
    writeFileSync(keyFile, privateKeyPem, { mode: 0o600 });
    await admin(url, 'connected-apps', { consumerKey: CONSUMER_KEY, certificate: certificatePem, preAuthorizedUsernames: [ADMIN] });

    const userData = join(folder, 'orgdesk-user-data');
    const orgdesk = orgdeskTool(userData, keyFile);
    const added = spawnSync(process.execPath, [join(root, 'cli/orgdesk.mjs'), 'orgs', 'add', '--label', 'emu', '--username', ADMIN, '--consumer-key', CONSUMER_KEY, '--my-domain-url', url, '--key-file', keyFile, '--certificate-out', join(folder, 'emu.crt')], {
      env: orgdeskEnv(userData),
      encoding: 'utf8',
    });
    if (added.status !== 0) throw new Error(`orgdesk orgs add failed: ${added.stderr}`);
    const tools: Tool[] = [orgdesk];

    const sf = findSf();
    if ('sf' in sf) {
      const env = sfEnvironment(sf, mkdtempSync(join(folder, 'sf-home-')));
      const login = spawnSync(sf.sf, ['org', 'login', 'jwt', '--client-id', CONSUMER_KEY, '--jwt-key-file', keyFile, '--username', ADMIN, '--instance-url', url, '--alias', 'emu'], { env, encoding: 'utf8' });
      if (login.status === 0) tools.push(sfTool(sf.sf, env));
      else console.log(`sf CLI skipped: its JWT login failed: ${login.stderr.trim().split('\n').slice(-3).join(' ')}`);
    } else {
      console.log(`sf CLI skipped: ${sf.missing}.`);
    }
    const session = (await admin(url, 'sessions', { username: ADMIN })) as { access_token: string };
    tools.push(jsforceTool(url, session.access_token));

    const only = process.env['BENCH_PEERS_TOOLS']?.split(',');
    if (only !== undefined) tools.splice(0, tools.length, ...tools.filter((tool) => only.includes(tool.name)));
    console.log(`local org ${url}: ${exportRows.toLocaleString('en-US')} Contacts to export; load file ${loadRows.toLocaleString('en-US')} rows × 5 fields; load average at start ${load()}`);
    const figures = new Map<ToolName, Map<Job, Figure>>();
    for (const tool of tools) {
      const mine = new Map<Job, Figure>();
      figures.set(tool.name, mine);
      const outDir = join(folder, `out-${tool.name}`);
      mkdirSync(outDir);
      const files: JobFiles = { load: loadFile, ids: join(outDir, 'ids.csv'), exported: join(outDir, 'export.csv'), outDir };
      for (const job of JOBS) {
        if (job === 'delete') await writeIdFile(files, userData, keyFile);
        const out = await tool.run(job, files);
        const rows = out.code === 0 || (tool.name === 'orgdesk' && out.code === 10) ? tool.rows(job, out, files) : 0;
        const failed = out.code === 0 ? null : `exit ${String(out.code)}: ${out.stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300)}${out.stdout.slice(-300)}`;
        mine.set(job, { seconds: out.seconds, cpuSeconds: out.cpuSeconds, rssMb: out.rssMb, rows, failed });
        console.log(`  ${tool.name.padEnd(8)} ${job.padEnd(7)} ${out.seconds.toFixed(2).padStart(6)} s  ${out.cpuSeconds.toFixed(2).padStart(6)} CPU-s  ${out.rssMb.toFixed(0).padStart(4)} MB  ${rows.toLocaleString('en-US').padStart(8)} rows${failed === null ? '' : `  FAILED ${failed}`}  (load ${load()})`);
      }
    }
    const startup = await orgdeskStartup();
    report(figures, startup, exportRows, loadRows);
  } finally {
    child.kill('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
  }
}

function report(figures: Map<ToolName, Map<Job, Figure>>, startup: number, exportRows: number, loadRows: number): void {
  const ours = figures.get('orgdesk');
  const peers = [...figures.keys()].filter((name) => name !== 'orgdesk');
  console.log(`\nOrgDesk ÷ peer (below 1.00 = OrgDesk ahead), wall time / peak RSS (client CPU beside, not a target):`);
  const misses: string[] = startup <= 0.3 ? [] : [`start-up ${startup.toFixed(2)} s > 0.3 s`];
  for (const job of JOBS) {
    const mine = ours?.get(job);
    const expected = job === 'export' ? exportRows : loadRows;
    const parts: string[] = [];
    for (const peer of peers) {
      const theirs = figures.get(peer)?.get(job);
      if (mine === undefined || theirs === undefined) continue;
      const time = mine.seconds / theirs.seconds;
      const memory = mine.rssMb / theirs.rssMb;
      parts.push(`vs ${peer} ${time.toFixed(2)}× time, ${memory.toFixed(2)}× memory (${(mine.cpuSeconds / theirs.cpuSeconds).toFixed(2)}× CPU)`);
      if (!(time < 1)) misses.push(`${job}: ${time.toFixed(2)}× ${peer}'s time`);
      if (!(memory < 1)) misses.push(`${job}: ${memory.toFixed(2)}× ${peer}'s memory`);
      if (theirs.failed !== null || theirs.rows !== expected) parts.push(`(${peer} handled ${theirs.rows} of ${expected} rows)`);
    }
    if (mine !== undefined && (mine.failed !== null || mine.rows !== expected)) misses.push(`${job}: OrgDesk handled ${mine.rows} of ${expected} rows`);
    console.log(`  ${job.padEnd(7)} ${parts.join('; ')}`);
  }
  const met = misses.length === 0 && peers.length === 2;
  console.log(`start-up: orgdesk --version ${startup.toFixed(2)} s (median of 5; target ≤ 0.3 s)`);
  console.log(`target (ahead of sf and jsforce in time and memory on every job, start-up ≤ 0.3 s): ${met ? 'met' : `NOT met${peers.length < 2 ? ' (a peer is missing)' : ''}: ${misses.join('; ')}`}`);
  console.log(`machine: ${cpus().length} cores, load average ${load()}`);
}

await main();
