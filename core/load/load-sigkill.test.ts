/**
 * Loads whose process is killed with SIGKILL (issue 17): the kill half of CI's bounded run of the load fault schedules
 * (fixed kill seeds and named kill schedules, beside load-exactly-once.test.ts so the two run in parallel), and the SIGKILL
 * counterparts of load-service.test.ts's restarts that dispose the engine gracefully: the load runs in a real
 * `orgdesk load` process killed mid-upload, mid-split or with a job in the org, and the app's engine, started afterwards on
 * the same database, finds it interrupted and resumes, refuses or cancels it. (Killed between upload and poll and resumed:
 * cli/commands/load.test.ts.)
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFailure, runSchedules } from '../test-support/fault-schedule';
import { openLoadScheduleWorld, type LoadScheduleWorld } from '../test-support/load-schedule-env';
import { loadScheduleTarget, runLoadSchedule, type LoadScheduleEnv } from '../test-support/load-schedule-run';
import { checkLoad, writeScheduleFile, type LoadSchedule } from '../test-support/load-schedules';
import type { LoadService } from './load-service';

let world: LoadScheduleWorld;
let runs = 0;
const services: LoadService[] = [];

beforeAll(async () => {
  world = await openLoadScheduleWorld({ kills: true });
});
afterAll(async () => {
  for (const service of services) await service.dispose();
  await world.close();
});

const schedule: LoadSchedule = { rows: 150, invalidRows: [], refusedRows: [], maxJobRows: 40, concurrency: 1, faults: [], events: [] };

/** The fixed kill seeds (a kill schedule costs a process start: few of them, and the named cases below). */
const KILL_SEEDS = Array.from({ length: 3 }, (_, i) => 7000 + i);
const file = { invalidRows: [], refusedRows: [], concurrency: 1 };

/** Runs one literal kill schedule and answers its broken invariants as text (empty when all held). */
async function violationsOf(literal: LoadSchedule): Promise<string> {
  runs += 1;
  const outcome = await runLoadSchedule(world.newEnv(), literal, `S${process.pid}x${runs}`);
  return outcome.violations.map((v) => `${v.invariant}: ${v.detail}`).join('\n');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Records of this run in the org. */
function recordsOf(marker: string): number {
  return [...world.emulator.org.store.rows('Account', { includeDeleted: false })].filter((row) => String(row['Name'] ?? '').startsWith(`${marker}-`)).length;
}

/**
 * Starts the schedule's file in `orgdesk load`, holds its first job once 20 rows are in, kills the process with SIGKILL
 * and answers the app's engine started afterwards on the same database, with the load it finds.
 */
async function killedLoad(): Promise<{ env: LoadScheduleEnv; service: LoadService; loadId: string; path: string; marker: string }> {
  runs += 1;
  const marker = `K${process.pid}x${runs}`;
  const env = world.newEnv();
  const path = writeScheduleFile(join(env.folder, 'files'), marker, schedule, env.refusedExternalIds);
  world.emulator.admin.clearFaults();
  world.emulator.admin.addFault({ kind: 'bulk-stall-ingest', afterRows: 20 });
  const child = env.startInChild?.(path, schedule);
  if (child === undefined) throw new Error('The schedule world was opened without kills.');
  const started = await child.started;
  if (started === null) throw new Error('orgdesk load ended before it started the load.');
  for (const deadline = Date.now() + 30_000; recordsOf(marker) < 20 && Date.now() < deadline; ) await sleep(20);
  child.kill();
  await child.ended;
  const service = env.newService({ maxJobRows: schedule.maxJobRows });
  services.push(service);
  service.history(20);
  return { env, service, loadId: started, path, marker };
}

describe('a load whose process was killed with SIGKILL', () => {
  it('is interrupted, and refuses to resume once its source file changed', async () => {
    const { service, loadId, path } = await killedLoad();
    expect(service.get(loadId).state).toBe('interrupted');
    appendFileSync(path, 'One more,1,\n');
    await expect(service.resume(loadId)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('changed since the load started') as unknown });
  });

  it('is cancelled after the kill: its job aborted in the org, what it committed kept and reported, the rest unprocessed', async () => {
    const { service, loadId, marker } = await killedLoad();
    const summary = await service.cancel(loadId);
    world.emulator.admin.addFault({ kind: 'bulk-release-stall' });
    expect(summary).toMatchObject({ state: 'cancelled', counts: { success: 20, unprocessed: 130 } });
    expect(summary.jobs[0]?.state).toBe('Aborted');
    expect(recordsOf(marker)).toBe(20);
    expect(checkLoad(world.emulator, marker, schedule, summary)).toEqual([]);
  });

  it('is resumed after a kill while its file was still being split: every row once, in one file', async () => {
    runs += 1;
    const marker = `K${process.pid}x${runs}`;
    const env = world.newEnv();
    const big: LoadSchedule = { ...schedule, rows: 8000, maxJobRows: 800, invalidRows: [7, 4007, 7007] };
    const path = writeScheduleFile(join(env.folder, 'files'), marker, big, env.refusedExternalIds);
    world.emulator.admin.clearFaults();
    const child = env.startInChild?.(path, big);
    // Killed as soon as it says the load started: the journal has the load, the file is not yet all in jobs.
    if ((await child?.started) === null || child === undefined) throw new Error('orgdesk load ended before it started the load.');
    child.kill();
    await child.ended;
    const service = env.newService({ maxJobRows: big.maxJobRows });
    services.push(service);
    const found = service.history(20).find((load) => load.sourcePath === path);
    if (found === undefined) throw new Error('The killed process journaled no load.');
    // Fewer jobs journaled than the file makes (10 of 800 rows): the kill came while it was still being split.
    expect(service.get(found.loadId).jobs.length).toBeLessThan(10);
    if (service.get(found.loadId).state === 'interrupted') await service.resume(found.loadId);
    const summary = await service.settled(found.loadId);
    expect(summary).toMatchObject({ state: 'done', counts: { input: 8000, excluded: 3, success: 8000 - 3 } });
    expect(checkLoad(world.emulator, marker, big, summary)).toEqual([]);
  }, 120_000);
});

describe('loads under seeded fault schedules with a hard kill', () => {
  it('keeps them when the process running the load is killed with SIGKILL and the load resumed', async () => {
    const report = await runSchedules({ seeds: KILL_SEEDS, target: loadScheduleTarget({ newEnv: () => world.newEnv(), kills: true }), stopOnFailure: false });
    expect(report.failures.map((failure) => formatFailure(failure, 'loads-kill'))).toEqual([]);
    expect(report.counters['hardKills'] ?? 0).toBeGreaterThan(0);
  }, 180_000);

  it('keeps each row in one file when NumberOfEmployees is removed between a SIGKILL and the resume', async () => {
    // With a fresh describe at the resume (no migration 7) the load stopped interrupted, "Account has no field named
    // NumberOfEmployees", and could never end.
    const schedule: LoadSchedule = {
      ...file,
      rows: 120,
      invalidRows: [3, 90],
      maxJobRows: 40,
      faults: [{ kind: 'latency', call: 'upload', ms: 300, times: 2 }],
      events: [{ kind: 'kill', atMs: 150 }],
      describeChange: { kind: 'describe-change', field: 'NumberOfEmployees', edit: 'removed' },
    };
    expect(await violationsOf(schedule)).toBe('');
  });

  // The SIGKILL counterpart of load-service.test.ts's "killed mid-upload" (a graceful dispose there).
  it('keeps each row once when the process is killed with SIGKILL while an upload is in flight', async () => {
    const faults = [{ kind: 'latency', call: 'upload', ms: 800, times: 1 }] as const;
    expect(await violationsOf({ ...file, rows: 120, maxJobRows: 40, faults: [...faults], events: [{ kind: 'kill', atMs: 300 }] })).toBe('');
  });
});
