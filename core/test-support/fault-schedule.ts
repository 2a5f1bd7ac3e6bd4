/**
 * Seeded fault schedules (test and soak support, never shipped): a seed picks one schedule of steps (faults and actions)
 * from a fast-check arbitrary, a target runs it against the local org and returns the invariants it saw broken, and a
 * failure is shrunk by fast-check to the smallest schedule that still breaks one, then printed with its seed, shrink path
 * and a one-line replay command. Generic over the step type, so the events and the loads harnesses share it.
 */
import fc from 'fast-check';

/** One broken invariant, as the checker saw it against the org's own records. */
export type Violation = { invariant: string; detail: string };

/** Figures a target adds up while it runs (faults injected, events or rows checked…), summed over every schedule. */
export type ScheduleCounters = Record<string, number>;

/** A schedule target: how schedules are drawn and how one is run and checked. */
export type ScheduleTarget<Step> = {
  /** The target's name in reports and replay commands (`events`, `loads`). */
  name: string;
  /** The schedules (a list of steps) this target draws from. */
  schedule: fc.Arbitrary<Step[]>;
  /** Runs one schedule from a clean start and returns what it saw broken (empty when every invariant held). */
  run: (steps: Step[], counters: ScheduleCounters) => Promise<Violation[]>;
  /** The one-line command that replays a seed (and its shrink path); the default runs the soak on it. */
  replay?: (seed: number, path: string | null) => string;
};

/** One seed that broke an invariant, shrunk. */
export type ScheduleFailure<Step> = {
  seed: number;
  /** fast-check's path to the shrunk schedule (replay with the same seed and this path). */
  path: string | null;
  steps: Step[];
  violations: Violation[];
  replay: string;
};

/** What a run of schedules did. */
export type ScheduleReport<Step> = {
  name: string;
  /** Schedules drawn from distinct seeds (shrinking runs are counted in `counters.shrinkRuns`). */
  schedules: number;
  counters: ScheduleCounters;
  failures: ScheduleFailure<Step>[];
  elapsedMs: number;
};

/**
 * Which schedules to run: fixed seeds (CI, regressions), or seeds from `seed` every `stride` (default 1) until `seconds`
 * are up (soak; workers running side by side take the same stride from consecutive seeds, so none repeats another's).
 */
export type ScheduleSelection = { seeds: readonly number[]; path?: string | null } | { seconds: number; seed: number; stride?: number };

/** Ways to be told of progress (the soak prints a line per failure). */
export type RunSchedulesOptions<Step> = ScheduleSelection & {
  target: ScheduleTarget<Step>;
  /** Told of every failure as soon as it is shrunk (default: printed to stderr). */
  onFailure?: (failure: ScheduleFailure<Step>, name: string) => void;
  /** Stop at the first failure (default true in a `seeds` run, false in a timed one). */
  stopOnFailure?: boolean;
};

/** The default replay: the soak entry with this kind, seed and path. */
export function soakReplayCommand(kind: string, seed: number, path: string | null): string {
  return `npm run soak -- --kind ${kind} --seed ${seed}${path === null ? '' : ` --path ${path}`} --runs 1`;
}

/** Prints a failure: the seed, the shrunk schedule, the broken invariants and the replay command. */
export function formatFailure<Step>(failure: ScheduleFailure<Step>, name: string): string {
  const lines = [
    `[fault-schedule] ${name}: seed ${failure.seed} broke ${failure.violations.length} invariant(s)${failure.path === null ? '' : ` (shrunk path ${failure.path})`}`,
    `  schedule: ${JSON.stringify(failure.steps)}`,
    ...failure.violations.map((v) => `  ${v.invariant}: ${v.detail}`),
    `  replay: ${failure.replay}`,
  ];
  return lines.join('\n');
}

/** Runs one seed: draws its schedule, runs it, and on a violation shrinks it (fast-check) to the smallest failing one. */
async function runSeed<Step>(target: ScheduleTarget<Step>, seed: number, path: string | null, counters: ScheduleCounters): Promise<ScheduleFailure<Step> | null> {
  let lastViolations: Violation[] = [];
  let first = true;
  const property = fc.asyncProperty(target.schedule, async (steps) => {
    if (!first) counters.shrinkRuns = (counters.shrinkRuns ?? 0) + 1;
    first = false;
    const violations = await target.run(steps, counters);
    if (violations.length > 0) lastViolations = violations;
    return violations.length === 0;
  });
  const details = await fc.check(property, { seed, numRuns: 1, ...(path === null ? {} : { path }) });
  if (!details.failed) return null;
  if (details.counterexample === null) {
    lastViolations = [{ invariant: 'schedule ran', detail: `fast-check stopped without a counterexample (${details.interrupted ? 'interrupted' : 'skipped'})` }];
  } else if (details.errorInstance !== null && lastViolations.length === 0) {
    lastViolations = [{ invariant: 'schedule ran', detail: details.errorInstance instanceof Error ? details.errorInstance.message : JSON.stringify(details.errorInstance) }];
  }
  const shrunkPath = details.counterexamplePath;
  const replay = target.replay?.(seed, shrunkPath) ?? soakReplayCommand(target.name, seed, shrunkPath);
  return { seed, path: shrunkPath, steps: details.counterexample?.[0] ?? [], violations: lastViolations, replay };
}

/**
 * Runs a target's schedules (`seeds`, or seeds from `seed` up while `seconds` last), shrinking and printing each failure.
 * Never throws for a violation: the caller asserts on `failures` (CI) or prints the report (soak).
 */
export async function runSchedules<Step>(options: RunSchedulesOptions<Step>): Promise<ScheduleReport<Step>> {
  const { target } = options;
  const started = Date.now();
  const counters: ScheduleCounters = {};
  const failures: ScheduleFailure<Step>[] = [];
  const onFailure = options.onFailure ?? ((failure, name) => console.error(formatFailure(failure, name)));
  const timed = 'seconds' in options;
  const stopOnFailure = options.stopOnFailure ?? !timed;
  let schedules = 0;
  const seeds = timed ? consecutive(options.seed, options.stride ?? 1, () => Date.now() - started < options.seconds * 1000) : options.seeds;
  const path = timed ? null : (options.path ?? null);
  for (const seed of seeds) {
    schedules += 1;
    const failure = await runSeed(target, seed, path, counters);
    if (failure === null) continue;
    failures.push(failure);
    onFailure(failure, target.name);
    if (stopOnFailure) break;
  }
  return { name: target.name, schedules, counters, failures, elapsedMs: Date.now() - started };
}

/** Seeds `from`, `from + stride`, … while `more()` says so (32-bit, wrapping). */
function* consecutive(from: number, stride: number, more: () => boolean): Generator<number> {
  for (let seed = from | 0; more(); seed = (seed + stride) | 0) yield seed;
}

/** Prints a report's figures in one block (the soak's output). */
export function formatReport<Step>(report: ScheduleReport<Step>): string {
  const figures = Object.entries(report.counters)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `${report.name}: ${report.schedules} schedules in ${(report.elapsedMs / 1000).toFixed(1)} s; ${figures === '' ? 'no figures' : figures}; violations ${report.failures.length}`;
}
