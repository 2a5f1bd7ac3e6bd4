/**
 * The events schedule target: runs one schedule (a consumer, then commits, faults, full disks, restarts and hard kills)
 * against the local org and checks what must hold against the org's own event log (the replay id of every commit):
 * every committed event stored once and shown once (a line in `--out` for the CLI), or covered by a flagged discontinuity;
 * nothing shown that was not stored; the checkpoint never past an event not durably kept; the stream never stuck.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReplayFrom } from '../../shared/ipc/domains/events';
import { soakReplayCommand, type ScheduleCounters, type ScheduleTarget, type Violation } from './fault-schedule';
import { createCliConsumer, type CliConsumer } from './events-cli-consumer';
import { cliSchedule, faultyOrg, SCHEDULE_CHANNEL, serviceSchedule, type EventsConsumerStep, type EventsStep, type FaultyOrg } from './events-fault-schedule';
import { createServiceConsumer, type ServiceConsumer } from './events-service-consumer';

/** How long the last commit may take to reach the consumer once the faults are cleared. */
const SETTLE_MS = 30_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const add = (counters: ScheduleCounters, name: string, n = 1): void => {
  counters[name] = (counters[name] ?? 0) + n;
};

/** Takes the steps every consumer takes alike (a commit, a wait, a fault armed on the org); false for a step its consumer takes. */
async function orgStep(step: EventsStep, org: FaultyOrg, expected: number[], counters: ScheduleCounters): Promise<boolean> {
  switch (step.kind) {
    case 'commit':
      expected.push(...(await org.commit(step.count)));
      return true;
    case 'wait':
      await sleep(step.ms);
      return true;
    case 'fault':
      add(counters, 'faults');
      await org.arm(step.fault);
      return true;
    default:
      return false;
  }
}

/** A discontinuity covers a missing event when it sits on a later event and says the stream resumed from before it. */
function covered(replayId: number, flags: readonly { replayId: number; lastReplayId: number | null }[]): boolean {
  return flags.some((f) => f.replayId > replayId && (f.lastReplayId === null || f.lastReplayId < replayId));
}

/** Checks what a consumer holds against the commits: `counts` is how often each replay id was kept (stored, or written out). */
function checkOnce(label: string, expected: readonly number[], counts: Map<number, number>, flags: readonly { replayId: number; lastReplayId: number | null }[]): Violation[] {
  const violations: Violation[] = [];
  const known = new Set(expected);
  for (const replayId of expected) {
    const n = counts.get(replayId) ?? 0;
    if (n > 1) violations.push({ invariant: `${label} once`, detail: `replay id ${replayId} ${n} times` });
    if (n === 0 && !covered(replayId, flags)) violations.push({ invariant: `${label} or flagged`, detail: `replay id ${replayId} missing with no discontinuity flagged after it` });
  }
  for (const replayId of counts.keys()) if (!known.has(replayId)) violations.push({ invariant: `${label} only what was committed`, detail: `replay id ${replayId} was never committed by this schedule` });
  return violations;
}

/** The checkpoint never moves past a committed event the consumer has not kept (or flagged). */
function checkCheckpoint(label: string, checkpoint: number | null, expected: readonly number[], kept: (replayId: number) => boolean, flags: readonly { replayId: number; lastReplayId: number | null }[]): Violation[] {
  if (checkpoint === null) return [];
  const lost = expected.filter((r) => r <= checkpoint && !kept(r) && !covered(r, flags));
  return lost.length === 0 ? [] : [{ invariant: `${label} checkpoint durable`, detail: `checkpoint ${checkpoint} is past ${lost.join(', ')}, not kept` }];
}

async function runService(org: FaultyOrg, first: EventsConsumerStep, steps: EventsStep[], folder: string, counters: ScheduleCounters): Promise<Violation[]> {
  const consumer: ServiceConsumer = createServiceConsumer({ url: org.url, username: 'admin@orgdesk.example', folder, channel: SCHEDULE_CHANNEL });
  const violations: Violation[] = [];
  let expected: number[] = [];
  const timers: NodeJS.Timeout[] = [];
  const flags = (): { replayId: number; lastReplayId: number | null }[] =>
    [
      ...[...consumer.stored().values()].filter((r) => r.discontinuity !== null).map((r) => ({ replayId: r.replayId, lastReplayId: r.discontinuity?.lastReplayId ?? null })),
      // A status flag carries no event: it covers whatever follows its last replay id.
      ...consumer.flagged.map((lastReplayId) => ({ replayId: Number.POSITIVE_INFINITY, lastReplayId })),
    ];
  const checkpointHolds = (): void => {
    const stored = consumer.stored();
    violations.push(...checkCheckpoint('app', consumer.checkpoint(), expected, (r) => stored.has(r), flags()));
  };
  try {
    const startReplay: ReplayFrom = first.start === 'new' ? { kind: 'new' } : { kind: 'id', replayId: await org.latestReplayId() };
    await consumer.subscribe(startReplay);
    for (const step of steps) {
      if (!(await orgStep(step, org, expected, counters))) {
        switch (step.kind) {
          case 'disk-full':
            add(counters, 'faults');
            consumer.fillDisk();
            timers.push(setTimeout(() => consumer.recover(), step.ms));
            break;
          case 'restart': {
            add(counters, 'restarts');
            const { hadCheckpoint } = await consumer.restart(startReplay);
            // With nothing kept yet, a subscription to new events (-1) starts over: earlier commits are not its events.
            if (!hadCheckpoint && first.start === 'new') expected = [];
            break;
          }
          default:
            break;
        }
      }
      checkpointHolds();
    }
    for (const timer of timers) clearTimeout(timer);
    consumer.recover();
    await org.clearFaults();
    // The last commit proves the stream is not stuck. Committed while a -1 subscription was still reconnecting it may be
    // lost with a flag on the status (no event can carry it): then another one is committed.
    const deadline = Date.now() + SETTLE_MS;
    let sentinel = -1;
    let flagsSeen = -1;
    while (!consumer.shown.some((r) => r.replayId === sentinel) && Date.now() < deadline) {
      if (flagsSeen !== consumer.flagged.length) {
        flagsSeen = consumer.flagged.length;
        sentinel = (await org.commit(1))[0] as number;
        expected.push(sentinel);
      }
      await sleep(20);
    }
    if (!consumer.shown.some((r) => r.replayId === sentinel)) violations.push({ invariant: 'never stuck', detail: `the last commit (replay id ${sentinel}) was not shown within ${SETTLE_MS / 1000} s` });
    const stored = consumer.stored();
    add(counters, 'events', expected.length);
    violations.push(...checkOnce('stored', expected, new Map([...stored.keys()].map((r) => [r, 1])), flags()));
    const shownCounts = new Map<number, number>();
    for (const row of consumer.shown) shownCounts.set(row.replayId, (shownCounts.get(row.replayId) ?? 0) + 1);
    violations.push(...checkOnce('shown', expected, shownCounts, flags()));
    for (const row of consumer.shown) if (stored.get(row.replayId)?.seq !== row.seq) violations.push({ invariant: 'shown was stored', detail: `replay id ${row.replayId} shown as seq ${row.seq}, not stored so` });
    checkpointHolds();
    return violations;
  } finally {
    for (const timer of timers) clearTimeout(timer);
    await consumer.close();
  }
}

async function runCli(org: FaultyOrg, steps: EventsStep[], folder: string, counters: ScheduleCounters): Promise<Violation[]> {
  const consumer: CliConsumer = await createCliConsumer({ url: org.url, username: 'admin@orgdesk.example', folder, channel: SCHEDULE_CHANNEL });
  const violations: Violation[] = [];
  const expected: number[] = [];
  let killed = false;
  const written = (): Map<number, number> => {
    const counts = new Map<number, number>();
    for (const line of consumer.lines()) {
      counts.set(line.replayId, (counts.get(line.replayId) ?? 0) + 1);
      if (line.data === null || line.data === undefined) violations.push({ invariant: 'no null payload', detail: `replay id ${line.replayId} written with no data` });
    }
    return counts;
  };
  try {
    await consumer.start({ replayId: await org.latestReplayId(), waitSubscribed: true });
    for (const step of steps) {
      if (await orgStep(step, org, expected, counters)) continue;
      switch (step.kind) {
        case 'kill': {
          add(counters, 'faults');
          if (!killed) add(counters, 'killSchedules');
          killed = true;
          add(counters, 'kills');
          await sleep(step.afterMs);
          await consumer.kill();
          const lines = written();
          violations.push(...checkCheckpoint('cli', consumer.checkpoint(), expected, (r) => lines.has(r), consumer.discontinuities()));
          await consumer.start({ waitSubscribed: false });
          break;
        }
        default:
          break;
      }
    }
    await org.clearFaults();
    const sentinel = (await org.commit(1))[0] as number;
    expected.push(sentinel);
    const deadline = Date.now() + SETTLE_MS;
    while (!consumer.lines().some((l) => l.replayId === sentinel) && Date.now() < deadline) await sleep(50);
    if (!consumer.lines().some((l) => l.replayId === sentinel)) violations.push({ invariant: 'never stuck', detail: `the last commit (replay id ${sentinel}) was not written within ${SETTLE_MS / 1000} s; stderr:\n${consumer.stderr().slice(-2000)}` });
    await consumer.stop();
    add(counters, 'events', expected.length);
    violations.push(...checkOnce('written', expected, written(), consumer.discontinuities()));
    return violations;
  } finally {
    await consumer.kill();
  }
}

/** The events target on the org at `url`; `cliWeight` (0..1) is the share of schedules run by the CLI with hard kills. */
export function eventsScheduleTarget(options: { url: string; cliWeight?: number }): ScheduleTarget<EventsStep> {
  const org = faultyOrg(options.url, 'admin@orgdesk.example');
  const cli = Math.round((options.cliWeight ?? 0.25) * 100);
  return {
    name: 'events',
    replay: (seed, path) => `EVENTS_CLI_WEIGHT=${cli / 100} ${soakReplayCommand('events', seed, path)}`,
    schedule: cli <= 0 ? serviceSchedule : fc.oneof({ arbitrary: serviceSchedule, weight: 100 - cli }, { arbitrary: cliSchedule, weight: cli }),
    async run(steps, counters) {
      const [first, ...rest] = steps;
      if (first?.kind !== 'consumer') return [{ invariant: 'schedule shape', detail: 'a schedule starts with its consumer' }];
      await org.reset();
      const folder = mkdtempSync(join(tmpdir(), 'orgdesk-schedule-'));
      try {
        add(counters, first.consumer === 'cli' ? 'cliSchedules' : 'serviceSchedules');
        return first.consumer === 'cli' ? await runCli(org, rest, folder, counters) : await runService(org, first, rest, folder, counters);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}
