/**
 * Exactly once for events, the bounded CI run of the fault-schedule harness (core/test-support/events-fault-target.ts):
 * a fixed list of seeds, and every seed that ever broke an invariant kept below as a named regression case. A failure
 * prints its seed, the shrunk schedule and the command that replays it; `npm run soak -- --kind events` runs many more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { runSchedules } from '../test-support/fault-schedule';
import type { EventsStep } from '../test-support/events-fault-schedule';
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
/** `cliWeight` is the soak's share of CLI schedules when the seed came from the soak (the seed draws a schedule through it). */
const REGRESSIONS: { name: string; seed: number; cliWeight?: number }[] = [
  // With a connect retried after its answer was lost (the CometD library's default), the events it carried were gone and
  // the checkpoint moved past them: the client must handshake again and resubscribe from the last id received.
  { name: 'a long-poll answer lost after the org dequeued its events, then a restart', seed: 10 },
  // The soak's: a restart whose -1 subscription was still retrying past 5xx answers when the last commit was made (the
  // harness now counts a -1 subscription's events from when the org acknowledged it).
  { name: 'a restart subscribing to new events while /cometd answers 500', seed: 20261255, cliWeight: 0.25 },
  { name: 'a restart subscribing to new events while /cometd answers 500, then a commit', seed: 20261359, cliWeight: 0.25 },
];

/** Shrunk schedules that once broke an invariant, and the hole classes, kept literally (no seed or path needed). */
const SCHEDULE_REGRESSIONS: { name: string; found: string; steps: EventsStep[] }[] = [
  {
    // A 401 on /meta/subscribe (the session expired between handshake and subscribe) failed the channel for good: it
    // must go to reconnecting, log in again and handshake (core/events/org-stream.ts, onSubscribed).
    name: 'the session expires between the handshake and the subscribe',
    found: 'seed 7357, path 0:3:1:6:0:2:2 (EVENTS_CLI_WEIGHT=0.25)',
    steps: [
      { kind: 'consumer', consumer: 'service', start: 'new' },
      { kind: 'fault', fault: { kind: 'streaming-expire-session' } },
      { kind: 'commit', count: 1 },
      { kind: 'fault', fault: { kind: 'expire-sessions' } },
    ],
  },
  // Issue 17's hole class "a reconnect before the first event resubscribes from where the subscription started, never
  // silently from -1": the client is dropped before any event arrives and commits land while it reconnects.
  {
    name: 'a client dropped before its first event, subscribed from a given replay id',
    found: 'issue 17, item 3',
    steps: [
      { kind: 'consumer', consumer: 'service', start: 'latest' },
      { kind: 'fault', fault: { kind: 'streaming-drop-client' } },
      { kind: 'commit', count: 2 },
      { kind: 'wait', ms: 200 },
      { kind: 'commit', count: 1 },
    ],
  },
  {
    name: 'a client dropped before its first event, subscribed to new events (-1)',
    found: 'issue 17, item 3',
    steps: [
      { kind: 'consumer', consumer: 'service', start: 'new' },
      { kind: 'fault', fault: { kind: 'streaming-drop-client' } },
      { kind: 'commit', count: 2 },
      { kind: 'fault', fault: { kind: 'error', status: 503, times: 1 } },
      { kind: 'commit', count: 1 },
    ],
  },
];

/** The fixed seeds of the bounded run: in-process schedules, and a few with `orgdesk events` hard-killed. */
const SERVICE_SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);
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

  for (const regression of SCHEDULE_REGRESSIONS) {
    it(`regression: ${regression.name} (${regression.found})`, async () => {
      const violations = await eventsScheduleTarget({ url: emulator.url, cliWeight: 0 }).run(regression.steps, {});
      expect(violations).toEqual([]);
    }, 60_000);
  }

  for (const regression of REGRESSIONS) {
    it(`regression: ${regression.name} (seed ${regression.seed})`, async () => {
      const report = await runSchedules({ target: eventsScheduleTarget({ url: emulator.url, cliWeight: regression.cliWeight ?? 0 }), seeds: [regression.seed] });
      expect(report.failures).toEqual([]);
    }, 120_000);
  }
});
