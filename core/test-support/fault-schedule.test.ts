import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFailure, runSchedules, type ScheduleTarget } from './fault-schedule';

/** A target whose invariant breaks when a schedule holds a 7: shrinking ends at a schedule of one or two steps. */
const sevens: ScheduleTarget<number> = {
  name: 'sevens',
  schedule: fc.array(fc.nat(9), { minLength: 1, maxLength: 20 }),
  run: (steps, counters) => {
    counters.steps = (counters.steps ?? 0) + steps.length;
    return Promise.resolve(steps.includes(7) ? [{ invariant: 'no seven', detail: `${steps.filter((s) => s === 7).length} seven(s)` }] : []);
  },
};

describe('runSchedules', () => {
  it('shrinks a failing seed to a small schedule and prints the seed, the schedule and a replay command', async () => {
    const printed: string[] = [];
    const report = await runSchedules({ target: sevens, seeds: Array.from({ length: 50 }, (_, i) => i + 1), onFailure: (f, name) => printed.push(formatFailure(f, name)) });
    expect(report.failures).toHaveLength(1);
    const [failure] = report.failures;
    expect(failure?.steps).toContain(7);
    expect(failure?.steps.length).toBeLessThanOrEqual(2);
    expect(printed[0]).toContain(`seed ${failure?.seed}`);
    expect(printed[0]).toContain(`schedule: ${JSON.stringify(failure?.steps)}`);
    expect(failure?.replay).toBe(`npm run soak -- --kind sevens --seed ${failure?.seed} --path ${failure?.path} --runs 1`);
    expect(report.counters.steps).toBeGreaterThan(0);
  });

  it('replays a seed with its shrink path to the same shrunk schedule', async () => {
    const first = await runSchedules({ target: sevens, seeds: Array.from({ length: 50 }, (_, i) => i + 1), onFailure: () => undefined });
    const failure = first.failures[0];
    if (failure === undefined) throw new Error('expected a failing seed');
    const replayed = await runSchedules({ target: sevens, seeds: [failure.seed], path: failure.path, onFailure: () => undefined });
    expect(replayed.failures[0]?.steps).toEqual(failure.steps);
  });

  it('reports no failure when every schedule holds its invariants', async () => {
    const report = await runSchedules({ target: { ...sevens, schedule: fc.array(fc.nat(6)) }, seeds: [1, 2, 3] });
    expect(report).toMatchObject({ schedules: 3, failures: [] });
  });
});
