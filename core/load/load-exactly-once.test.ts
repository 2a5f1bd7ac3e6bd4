import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFailure, runSchedules } from '../test-support/fault-schedule';
import { openLoadScheduleWorld, type LoadScheduleWorld } from '../test-support/load-schedule-env';
import { loadScheduleTarget, runLoadSchedule } from '../test-support/load-schedule-run';
import { checkLoad, type LoadSchedule } from '../test-support/load-schedules';

// The bounded CI run of the load fault schedules (issue 17): fixed seeds, and below them every schedule that once broke
// an invariant, kept as a named case. `npm run soak -- --kind loads --seconds 600` runs seeds for as long as asked.
const SEEDS = Array.from({ length: 30 }, (_, i) => 1000 + i);
const KILL_SEEDS = Array.from({ length: 6 }, (_, i) => 7000 + i);

let world: LoadScheduleWorld;
let runs = 0;

beforeAll(async () => {
  world = await openLoadScheduleWorld({ kills: true });
});
afterAll(async () => {
  await world.close();
});

/** Runs one literal schedule in process and answers its broken invariants as text (empty when all held). */
async function violationsOf(schedule: LoadSchedule): Promise<string> {
  runs += 1;
  const outcome = await runLoadSchedule(world.newEnv(), schedule, `R${process.pid}x${runs}`);
  return outcome.violations.map((v) => `${v.invariant}: ${v.detail}`).join('\n');
}

const file = { invalidRows: [], refusedRows: [], concurrency: 1 };

describe('loads under seeded fault schedules', () => {
  it('keeps every row once, in one file, as the org holds it, over the fixed seeds', async () => {
    const report = await runSchedules({ seeds: SEEDS, target: loadScheduleTarget({ newEnv: () => world.newEnv() }), stopOnFailure: false });
    expect(report.failures.map((failure) => formatFailure(failure, 'loads'))).toEqual([]);
    expect(report.schedules).toBe(SEEDS.length);
    expect(report.counters['faultsInjected'] ?? 0).toBeGreaterThan(SEEDS.length);
  }, 180_000);

  it('keeps them when the process running the load is killed with SIGKILL and the load resumed', async () => {
    const report = await runSchedules({ seeds: KILL_SEEDS, target: loadScheduleTarget({ newEnv: () => world.newEnv(), kills: true }), stopOnFailure: false });
    expect(report.failures.map((failure) => formatFailure(failure, 'loads-kill'))).toEqual([]);
    expect(report.counters['hardKills'] ?? 0).toBeGreaterThan(0);
  }, 180_000);

  it('can fail: a second record for a row is seen as committed twice', async () => {
    runs += 1;
    const marker = `R${process.pid}x${runs}`;
    const schedule: LoadSchedule = { ...file, rows: 2, maxJobRows: 10, faults: [], events: [] };
    const outcome = await runLoadSchedule(world.newEnv(), schedule, marker);
    expect(outcome.violations).toEqual([]);
    world.emulator.org.writer.createRecord('Account', { Name: `${marker}-1` }, { userId: outcome.summary?.orgId ?? '', origin: 'admin' });
    expect(checkLoad(world.emulator, marker, schedule, outcome.summary!).map((v) => v.invariant)).toContain('no row committed twice');
  });
});

// Regressions: schedules that broke an invariant before the fix named in each case.
describe('load fault schedules that once failed', () => {
  it('does not send the rows again when the close was applied, its answer lost and the next status call failed', async () => {
    // Before: the runner took the failed status call for "not closed", aborted a completed job and loaded it twice.
    const faults = [{ kind: 'lost-reply', call: 'closeOrAbort', times: 1 }, { kind: 'error', call: 'pollOrResults', status: 503, times: 3 }] as const;
    expect(await violationsOf({ ...file, rows: 10, maxJobRows: 10, faults: [...faults], events: [] })).toBe('');
  });

  it('does not send the rows again when the close was applied and the org then answered 404 for the job', async () => {
    // Before: a 404 after a lost close answer read as "never sent": the rows went in a second job.
    const faults = [{ kind: 'lost-reply', call: 'closeOrAbort', times: 1 }, { kind: 'error', call: 'pollOrResults', status: 404, times: 3 }] as const;
    expect(await violationsOf({ ...file, rows: 10, maxJobRows: 10, faults: [...faults], events: [] })).toBe('');
  });
});
