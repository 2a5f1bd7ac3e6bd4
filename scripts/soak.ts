/**
 * `npm run soak -- --seconds 600 --seed S --kind events|loads|all [--workers N]`: runs seeded fault schedules against the
 * local org until the time is up and prints, per kind and in all, the schedules tried, the faults injected, the rows and
 * events checked, the schedules with a hard kill, and the violations (target 0). Every kind runs at once in `--workers`
 * child processes (default: the kind's own count, soak-targets.ts), each with its own local org, taking seeds S+i,
 * S+i+N, S+i+2N… so none repeats another's. `--runs 1 --seed S [--path P]` replays one (shrunk) schedule in this process. Nothing is asserted here: the
 * exit code is 1 when any invariant broke, and each failure is printed with its seed, shrunk path and replay command.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCli } from './build';
import { formatReport, runSchedules, type ScheduleReport, type ScheduleSelection } from '../core/test-support/fault-schedule';
import { SOAK_TARGETS, type SoakTarget } from '../core/test-support/soak-targets';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string' },
    kind: { type: 'string', default: 'all' },
    runs: { type: 'string' },
    path: { type: 'string' },
    workers: { type: 'string' },
    // Internal: this process is one worker of a timed run, taking seeds `seed`, `seed + stride`, …
    worker: { type: 'boolean', default: false },
    stride: { type: 'string', default: '1' },
  },
});

/** The line a worker prints its report on (the parent reads it; everything else a worker prints passes through). */
const REPORT_LINE = 'soak-worker-report ';

const kinds = values.kind === 'all' ? SOAK_TARGETS.filter((t) => t.inAll !== false) : SOAK_TARGETS.filter((t) => t.kind === values.kind);
if (kinds.length === 0) {
  console.error(`No soak target "${values.kind}". Known: ${SOAK_TARGETS.map((t) => t.kind).join(', ') || 'none'} (or all).`);
  process.exit(2);
}
const seed = values.seed === undefined ? (Math.random() * 2 ** 31) | 0 : Number(values.seed);
const seconds = Number(values.seconds);
const workers = values.workers === undefined ? null : Number(values.workers);
const runs = values.runs === undefined ? null : Number(values.runs);
if (!Number.isInteger(seed) || !(seconds > 0) || !(workers === null || (Number.isInteger(workers) && workers > 0))) {
  console.error('--seed takes an integer, --seconds a positive number and --workers a positive integer.');
  process.exit(2);
}

/** Opens one kind's target (its own local org), runs the selection on it and closes it. */
async function runKind(kind: SoakTarget, selection: ScheduleSelection): Promise<ScheduleReport<unknown>> {
  const opened = await kind.open();
  try {
    return await runSchedules({ ...selection, target: opened.target, stopOnFailure: false });
  } finally {
    await opened.close();
  }
}

if (values.worker) {
  const [kind] = kinds;
  const report = await runKind(kind!, { seconds, seed, stride: Number(values.stride) });
  console.log(`${REPORT_LINE}${JSON.stringify({ ...report, failures: report.failures.map((f) => ({ seed: f.seed, path: f.path, replay: f.replay })) })}`);
  process.exit(0);
}

console.log(`soak: kinds ${kinds.map((k) => k.kind).join(', ')}, seed ${seed}, ${runs === null ? `${seconds} s, workers ${kinds.map((k) => `${k.kind} ${workers ?? k.workers}`).join(', ')}` : `${runs} run(s)`}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

// Kill schedules start the real orgdesk many times: a fresh bundle of these sources starts in 0.1 s instead of tsx's 1-2 s.
// Inside the checkout, so the bundle finds the native modules it keeps external in node_modules. Workers inherit its path.
mkdirSync(join(process.cwd(), '.tsbuild'), { recursive: true });
const bundleDir = mkdtempSync(join(process.cwd(), '.tsbuild', 'soak-cli-'));
await buildCli(relative(process.cwd(), bundleDir));
process.env['ORGDESK_SCHEDULE_BIN'] = join(bundleDir, 'orgdesk.mjs');
process.on('exit', () => rmSync(bundleDir, { recursive: true, force: true }));

/** Starts one worker process (this script under the same loader) and answers its report, or null when it printed none. */
function startWorker(kind: string, first: number, stride: number): Promise<ScheduleReport<unknown> | null> {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--worker', '--kind', kind, '--seed', String(first), '--stride', String(stride), '--seconds', String(seconds)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let report: ScheduleReport<unknown> | null = null;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith(REPORT_LINE)) report = JSON.parse(line.slice(REPORT_LINE.length)) as ScheduleReport<unknown>;
    else console.log(line);
  });
  return new Promise((resolve) => child.once('close', () => resolve(report)));
}

/** Adds up the reports of one kind's workers (elapsed: the longest). */
function merge(name: string, reports: readonly ScheduleReport<unknown>[]): ScheduleReport<unknown> {
  const counters: Record<string, number> = {};
  for (const r of reports) for (const [k, v] of Object.entries(r.counters)) counters[k] = (counters[k] ?? 0) + v;
  return {
    name,
    schedules: reports.reduce((n, r) => n + r.schedules, 0),
    counters,
    failures: reports.flatMap((r) => r.failures),
    elapsedMs: Math.max(0, ...reports.map((r) => r.elapsedMs)),
  };
}

const started = Date.now();
let reports: ScheduleReport<unknown>[];
let missingWorkers = 0;
if (runs === null) {
  reports = await Promise.all(
    kinds.map(async (kind) => {
      const count = workers ?? kind.workers;
      const ended = await Promise.all(Array.from({ length: count }, (_, i) => startWorker(kind.kind, (seed + i) | 0, count)));
      missingWorkers += ended.filter((r) => r === null).length;
      return merge(kind.kind, ended.filter((r): r is ScheduleReport<unknown> => r !== null));
    }),
  );
} else {
  reports = [];
  for (const kind of kinds) reports.push(await runKind(kind, { seeds: Array.from({ length: runs }, (_, i) => seed + i), path: values.path ?? null }));
}
for (const report of reports) console.log(formatReport(report));

const sum = (...names: string[]): number => reports.reduce((n, r) => n + names.reduce((m, name) => m + (r.counters[name] ?? 0), 0), 0);
const schedules = reports.reduce((n, r) => n + r.schedules, 0);
const failures = reports.flatMap((r) => r.failures);
const elapsed = (Date.now() - started) / 1000;
const byKind = reports.map((r) => `${r.name} ${r.schedules}`).join(', ');
console.log(
  `total: ${schedules} schedules tried in ${elapsed.toFixed(1)} s (${(schedules / elapsed).toFixed(2)}/s; ${byKind}); faults injected ${sum('faults', 'faultsInjected')}; ` +
    `rows checked ${sum('rowsChecked')}; events checked ${sum('events')}; violations ${failures.length}`,
);
console.log(`total kill schedules: ${sum('killSchedules')} with a hard SIGKILL and a resume (${sum('hardKills', 'kills')} kills); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const failure of failures) console.log(`failed: seed ${failure.seed}${failure.path === null ? '' : ` path ${failure.path}`}; replay: ${failure.replay}`);
if (missingWorkers > 0) console.log(`${missingWorkers} worker(s) ended without a report (see their output above).`);
process.exit(failures.length > 0 || missingWorkers > 0 ? 1 : 0);
