/**
 * `npm run soak -- --seconds 600 --seed S --kind events|loads|all`: runs seeded fault schedules against the local org
 * until the time is up (shared equally between kinds with `all`) and prints, per kind, the schedules tried, the faults
 * injected, what was checked and the violations (target 0). `--runs 1 --seed S [--path P]` replays one (shrunk) schedule.
 * Nothing is asserted here: the exit code is 1 when any invariant broke.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCli } from './build';
import { formatReport, runSchedules, type ScheduleSelection } from '../core/test-support/fault-schedule';
import { SOAK_TARGETS } from '../core/test-support/soak-targets';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string' },
    kind: { type: 'string', default: 'all' },
    runs: { type: 'string' },
    path: { type: 'string' },
  },
});

const kinds = values.kind === 'all' ? SOAK_TARGETS.filter((t) => t.inAll !== false) : SOAK_TARGETS.filter((t) => t.kind === values.kind);
if (kinds.length === 0) {
  console.error(`No soak target "${values.kind}". Known: ${SOAK_TARGETS.map((t) => t.kind).join(', ') || 'none'} (or all).`);
  process.exit(2);
}
const seed = values.seed === undefined ? (Math.random() * 2 ** 31) | 0 : Number(values.seed);
const seconds = Number(values.seconds);
if (!Number.isInteger(seed) || !(seconds > 0)) {
  console.error('--seed takes an integer and --seconds a positive number.');
  process.exit(2);
}
const runs = values.runs === undefined ? null : Number(values.runs);
console.log(`soak: kinds ${kinds.map((k) => k.kind).join(', ')}, seed ${seed}, ${runs === null ? `${seconds} s` : `${runs} run(s)`}`);

// Kill schedules start the real orgdesk many times: a fresh bundle of these sources starts in 0.1 s instead of tsx's 1-2 s.
// Inside the checkout, so the bundle finds the native modules it keeps external in node_modules.
mkdirSync(join(process.cwd(), '.tsbuild'), { recursive: true });
const bundleDir = mkdtempSync(join(process.cwd(), '.tsbuild', 'soak-cli-'));
await buildCli(relative(process.cwd(), bundleDir));
process.env['ORGDESK_SCHEDULE_BIN'] = join(bundleDir, 'orgdesk.mjs');
process.on('exit', () => rmSync(bundleDir, { recursive: true, force: true }));

let violations = 0;
for (const kind of kinds) {
  const opened = await kind.open();
  try {
    const selection: ScheduleSelection =
      runs === null
        ? { seconds: seconds / kinds.length, seed }
        : { seeds: Array.from({ length: runs }, (_, i) => seed + i), path: values.path ?? null };
    const report = await runSchedules({ ...selection, target: opened.target, stopOnFailure: false });
    violations += report.failures.length;
    console.log(formatReport(report));
  } finally {
    await opened.close();
  }
}
process.exit(violations > 0 ? 1 : 0);
