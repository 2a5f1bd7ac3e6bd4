/**
 * Exactly once for events, the bounded CI run of the fault-schedule harness (core/test-support/events-fault-target.ts):
 * a fixed list of seeds, and every seed that ever broke an invariant kept below as a named regression case. A failure
 * prints its seed, the shrunk schedule and the command that replays it; `npm run soak -- --kind events` runs many more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { runSchedules } from '../test-support/fault-schedule';
import { eventsScheduleTarget } from '../test-support/events-fault-target';

let emulator: RunningEmulator;

beforeAll(async () => {
  // Short long-polls and a short client timeout, so reconnects and abandoned clients play out within a schedule.
  emulator = await startEmulator({ port: 0, seed: false, streaming: { connectTimeoutMs: 300, clientTimeoutMs: 3000 } });
});
afterAll(async () => {
  await emulator.stop();
});

/** Seeds that once broke an invariant, with what they found (replay: `npm run soak -- --kind events --seed S --runs 1`). */
const REGRESSIONS: { name: string; seed: number; cli?: boolean }[] = [];

/** The fixed seeds of the bounded run: in-process schedules, and a few with `orgdesk events` hard-killed. */
const SERVICE_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const CLI_SEEDS = [101, 102];

describe('events are stored and shown exactly once, or flagged, under seeded fault schedules', () => {
  it('holds for the fixed in-process seeds', async () => {
    const report = await runSchedules({ target: eventsScheduleTarget({ url: emulator.url, cliWeight: 0 }), seeds: SERVICE_SEEDS });
    expect(report.failures).toEqual([]);
    expect(report.counters.events).toBeGreaterThan(SERVICE_SEEDS.length);
  }, 120_000);

  it('holds when orgdesk events is killed with SIGKILL and started again', async () => {
    const report = await runSchedules({ target: eventsScheduleTarget({ url: emulator.url, cliWeight: 1 }), seeds: CLI_SEEDS });
    expect(report.failures).toEqual([]);
    expect(report.counters.kills).toBeGreaterThanOrEqual(CLI_SEEDS.length);
  }, 180_000);

  for (const regression of REGRESSIONS) {
    it(`regression: ${regression.name} (seed ${regression.seed})`, async () => {
      const report = await runSchedules({ target: eventsScheduleTarget({ url: emulator.url, cliWeight: regression.cli === true ? 1 : 0 }), seeds: [regression.seed] });
      expect(report.failures).toEqual([]);
    }, 120_000);
  }
});
