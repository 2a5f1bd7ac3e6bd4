/**
 * The soak's registry (`npm run soak -- --kind K`): each kind opens a schedule target (starting what it needs, a local
 * org, a scratch folder) and closes it after the run. The events kind is registered here; the loads kind is appended by
 * the loads harness (one entry, one import), nothing else in the soak changes.
 */
import { startEmulator } from '../../emulator';
import { eventsScheduleTarget } from './events-fault-target';
import type { ScheduleTarget } from './fault-schedule';
import { openLoadScheduleWorld } from './load-schedule-env';
import { loadScheduleTarget } from './load-schedule-run';

/** A target opened for a soak run, with what to close afterwards. */
type OpenedSoakTarget = { target: ScheduleTarget<unknown>; close(): Promise<void> };

/** One kind the soak can run. */
export type SoakTarget = {
  /** The `--kind` name (`events`, `loads`). */
  kind: string;
  /** Whether `--kind all` runs it (a kind that only re-runs another's share, for replays, says false). */
  inAll?: boolean;
  /**
   * How many worker processes the soak runs it in unless `--workers` says otherwise: chosen so that on two cores the
   * kinds try about as many schedules each (measured: a worker of either kind tries 12-15 schedules a minute).
   */
  workers: number;
  /** Starts what the target needs and returns it. */
  open(): Promise<OpenedSoakTarget>;
};

/** Every registered kind (`--kind all` runs them at once). */
export const SOAK_TARGETS: SoakTarget[] = [
  {
    kind: 'events',
    workers: 6,
    async open() {
      // The same org settings as the bounded CI run (core/events/events-exactly-once.test.ts), so a seed replays alike.
      const emulator = await startEmulator({ port: 0, seed: false, streaming: { connectTimeoutMs: 300, clientTimeoutMs: 3000 } });
      // EVENTS_CLI_WEIGHT (0..1, default 0.25): the share of schedules run by `orgdesk events` with hard kills.
      const weight = process.env.EVENTS_CLI_WEIGHT === undefined ? undefined : Number(process.env.EVENTS_CLI_WEIGHT);
      return { target: eventsScheduleTarget({ url: emulator.url, ...(weight === undefined ? {} : { cliWeight: weight }) }) as ScheduleTarget<unknown>, close: () => emulator.stop() };
    },
  },
  {
    kind: 'loads',
    workers: 5,
    open: async () => {
      const world = await openLoadScheduleWorld({ kills: true });
      const target = loadScheduleTarget({ newEnv: () => world.newEnv(), kills: 'sometimes' }) as ScheduleTarget<unknown>;
      return { target, close: () => world.close() };
    },
  },
  {
    // Only kill schedules: the CI run's and replays' kind (`loads` already kills about one schedule in four).
    kind: 'loads-kill',
    inAll: false,
    workers: 4,
    open: async () => {
      const world = await openLoadScheduleWorld({ kills: true });
      const target = loadScheduleTarget({ newEnv: () => world.newEnv(), kills: true }) as ScheduleTarget<unknown>;
      return { target, close: () => world.close() };
    },
  },
];
