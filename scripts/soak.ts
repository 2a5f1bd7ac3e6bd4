/**
 * `npm run soak -- --seconds 600 --seed S --kind events|loads|all`: runs seeded fault schedules against the local org
 * until the time is up (shared equally between kinds with `all`) and prints, per kind, the schedules tried, the faults
 * injected, what was checked and the violations (target 0). `--runs 1 --seed S [--path P]` replays one (shrunk) schedule.
 * Nothing is asserted here: the exit code is 1 when any invariant broke.
 */
import { parseArgs } from 'node:util';
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
