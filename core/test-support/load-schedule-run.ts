/**
 * Runs one load fault schedule (see load-schedules.ts) through the real load service against the local org: the faults
 * armed in the org's table, the engine restarted (disposed mid-flight and built again on the same database) at the
 * schedule's moments, or — for a `kill` — the load started by the real `orgdesk` process and that process killed with
 * SIGKILL, then every interrupted load resumed (once the faults are gone, if need be) and the result checked.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { LoadSummary } from '../../shared/ipc/domains/load';
import type { RunningEmulator } from '../../emulator/index';
import type { LoadService } from '../load';
import type { ScheduleCounters, ScheduleTarget, Violation } from './fault-schedule';
import { checkLoad, describeEdit, faultSpec, loadSchedule, scheduleOf, schedulePlan, writeScheduleFile, type LoadSchedule, type LoadStep } from './load-schedules';

/** A load started in another process (the CLI), which a `kill` stops with SIGKILL. */
export type ChildLoad = {
  /** The load id once the process printed it; null when it ended first. */
  started: Promise<string | null>;
  ended: Promise<void>;
  kill(): void;
};

/** What a schedule runs on: the org, a scratch folder, and a way to build the load service as the app does at start. */
export type LoadScheduleEnv = {
  emulator: RunningEmulator;
  /** A new folder (and database) for one schedule. */
  folder: string;
  /** A new load service on the schedule's database (a second call is the app started again). */
  newService(options: { maxJobRows: number }): LoadService;
  /** Unique external ids the org already holds: a row that reuses one is refused by the org (DUPLICATE_VALUE). */
  refusedExternalIds: readonly string[];
  /** Starts the load in a child process on the same database (kill schedules); without it a kill is a restart. */
  startInChild?: ((path: string, schedule: LoadSchedule) => ChildLoad) | undefined;
};

/** What one schedule did and found. */
export type LoadScheduleOutcome = { violations: Violation[]; faults: number; restarts: number; kills: number; resumes: number; describeChanges: number; rows: number; summary: LoadSummary | null };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The load's state as a freshly started service sees it (it marks loads of a gone owner interrupted first). */
function current(service: LoadService, loadId: string): LoadSummary {
  service.history(1);
  return service.get(loadId);
}

/** Records of this run in the org (any state): a load refused before it started must have none. */
function sentRecords(emulator: RunningEmulator, marker: string): number {
  return [...emulator.org.store.rows('Account', { includeDeleted: true })].filter((row) => String(row['Name'] ?? '').startsWith(`${marker}-`)).length;
}

/** How many of the armed table faults fired (action faults such as a failed job count once). */
function firedFaults(emulator: RunningEmulator, schedule: LoadSchedule): number {
  const armed = schedule.faults.reduce((sum, fault) => sum + ('times' in fault ? fault.times : 1), 0);
  const left = emulator.admin.faults().reduce((sum, fault) => sum + (fault.times ?? 0), 0);
  return Math.max(0, armed - left);
}

/** Runs a schedule to its end and checks it. `marker` must be unique per run (it names the rows in the org). */
export async function runLoadSchedule(env: LoadScheduleEnv, schedule: LoadSchedule, marker: string): Promise<LoadScheduleOutcome> {
  const { emulator } = env;
  emulator.admin.clearFaults();
  emulator.admin.addFault({ kind: 'bulk-release-stall' });
  const path = writeScheduleFile(join(env.folder, 'files'), marker, schedule, env.refusedExternalIds);
  const outcome: LoadScheduleOutcome = { violations: [], faults: 0, restarts: 0, kills: 0, resumes: 0, describeChanges: 0, rows: schedule.rows, summary: null };
  // Between two runs (after the kill, or at the first restart) the org's describe changes, once.
  const changeDescribe = (): void => {
    if (schedule.describeChange === undefined || outcome.describeChanges > 0) return;
    emulator.admin.editSchema('Account', describeEdit(schedule.describeChange));
    outcome.describeChanges += 1;
  };
  const refusedBeforeStart = (why: unknown): LoadScheduleOutcome => {
    const sent = sentRecords(emulator, marker);
    if (sent > 0) outcome.violations.push({ invariant: 'a load refused before it started sent nothing', detail: `${sent} records, after: ${String(why)}` });
    return outcome;
  };
  let service = null as LoadService | null;
  const restart = async (): Promise<LoadService> => {
    await service?.dispose();
    service = env.newService({ maxJobRows: schedule.maxJobRows });
    return service;
  };
  try {
    const kill = env.startInChild === undefined ? undefined : schedule.events.find((event) => event.kind === 'kill');
    let loadId: string;
    let events = [...schedule.events].sort((a, b) => a.atMs - b.atMs);
    if (kill !== undefined && env.startInChild !== undefined) {
      for (const fault of schedule.faults) emulator.admin.addFault(faultSpec(fault));
      const child = env.startInChild(path, schedule);
      const started = await child.started;
      if (started !== null) {
        await Promise.race([sleep(kill.atMs), child.ended]);
        child.kill();
        outcome.kills += 1;
      }
      await child.ended;
      changeDescribe();
      const found = (await restart()).history(20).find((load) => load.sourcePath === path);
      if (found === undefined) return refusedBeforeStart('the process ended before journaling a load');
      loadId = found.loadId;
      events = events.filter((event) => event !== kill);
      if (current(service!, loadId).state === 'interrupted') {
        await service!.resume(loadId);
        outcome.resumes += 1;
      }
    } else {
      const first = await restart();
      const file = await first.open({ kind: 'path', path });
      for (const fault of schedule.faults) emulator.admin.addFault(faultSpec(fault));
      try {
        ({ loadId } = await first.start('org', file.fileId, schedulePlan(), { excludeInvalid: true, concurrency: schedule.concurrency }));
      } catch (error) {
        return refusedBeforeStart(error);
      }
    }
    const begun = Date.now();
    let ended = false;
    const settle = (which: LoadService): Promise<void> =>
      which.settled(loadId).then(
        () => {
          if (which === service) ended = true;
        },
        () => undefined,
      );
    let settling = settle(service!);
    for (const event of events) {
      await Promise.race([sleep(Math.max(0, begun + event.atMs - Date.now())), settling]);
      if (ended) break;
      if (event.kind === 'restart' || event.kind === 'kill') {
        changeDescribe();
        const next = await restart();
        outcome.restarts += 1;
        // The new service finds the load its predecessor left: interrupted, and resumes it as a person would.
        if (current(next, loadId).state === 'interrupted') {
          await next.resume(loadId);
          outcome.resumes += 1;
        }
        settling = settle(next);
      } else if (event.kind === 'expire-sessions') {
        emulator.admin.addFault({ kind: 'expire-sessions' });
      } else {
        await service!.cancel(loadId).catch(() => undefined);
      }
    }
    await service!.settled(loadId);
    let summary = current(service!, loadId);
    outcome.faults = firedFaults(emulator, schedule) + schedule.events.length + outcome.describeChanges;
    // Once the faults are gone an interrupted load must finish when resumed.
    for (let attempt = 0; summary.state === 'interrupted' && attempt < 3; attempt += 1) {
      emulator.admin.clearFaults();
      emulator.admin.addFault({ kind: 'bulk-release-stall' });
      const next = await restart();
      await next.resume(loadId);
      outcome.resumes += 1;
      summary = await next.settled(loadId);
    }
    outcome.summary = summary;
    outcome.violations.push(...checkLoad(emulator, marker, schedule, summary));
    return outcome;
  } finally {
    emulator.admin.clearFaults();
    emulator.admin.undoSchemaEdits();
    await service?.dispose();
  }
}

/** The loads as a schedule target of the generic runner (fault-schedule.ts): `newEnv` gives each schedule its own world. */
export function loadScheduleTarget(options: { newEnv: () => LoadScheduleEnv; kills?: boolean | 'sometimes'; maxRows?: number }): ScheduleTarget<LoadStep> {
  let runs = 0;
  // Names in the org are unique per target and run, so two targets on one org never mistake each other's records.
  const prefix = `L${randomBytes(4).toString('hex')}`;
  return {
    name: options.kills === true ? 'loads-kill' : 'loads',
    schedule: loadSchedule({ kills: options.kills ?? false, ...(options.maxRows === undefined ? {} : { maxRows: options.maxRows }) }),
    run: async (steps, counters: ScheduleCounters) => {
      runs += 1;
      const outcome = await runLoadSchedule(options.newEnv(), scheduleOf(steps), `${prefix}x${runs}`);
      counters.faultsInjected = (counters.faultsInjected ?? 0) + outcome.faults;
      counters.rowsChecked = (counters.rowsChecked ?? 0) + outcome.rows;
      counters.restarts = (counters.restarts ?? 0) + outcome.restarts;
      counters.hardKills = (counters.hardKills ?? 0) + outcome.kills;
      if (outcome.kills > 0) counters.killSchedules = (counters.killSchedules ?? 0) + 1;
      counters.resumes = (counters.resumes ?? 0) + outcome.resumes;
      counters.describeChanges = (counters.describeChanges ?? 0) + outcome.describeChanges;
      return outcome.violations;
    },
  };
}
