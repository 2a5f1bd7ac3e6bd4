/**
 * The soak's registry (`npm run soak -- --kind K`): each kind opens a schedule target (starting what it needs, a local
 * org, a scratch folder) and closes it after the run. The events kind is registered here; the loads kind is appended by
 * the loads harness (one entry, one import), nothing else in the soak changes.
 */
import type { ScheduleTarget } from './fault-schedule';
import { openLoadScheduleWorld } from './load-schedule-env';
import { loadScheduleTarget } from './load-schedule-run';

/** A target opened for a soak run, with what to close afterwards. */
export type OpenedSoakTarget = { target: ScheduleTarget<unknown>; close(): Promise<void> };

/** One kind the soak can run. */
export type SoakTarget = {
  /** The `--kind` name (`events`, `loads`). */
  kind: string;
  /** Starts what the target needs and returns it. */
  open(): Promise<OpenedSoakTarget>;
};

/** Every registered kind, in the order `--kind all` runs them (time is shared equally). */
export const SOAK_TARGETS: SoakTarget[] = [
  {
    kind: 'loads',
    open: async () => {
      const world = await openLoadScheduleWorld({ kills: true });
      const target = loadScheduleTarget({ newEnv: () => world.newEnv(), kills: 'sometimes' }) as ScheduleTarget<unknown>;
      return { target, close: () => world.close() };
    },
  },
  {
    kind: 'loads-kill',
    open: async () => {
      const world = await openLoadScheduleWorld({ kills: true });
      const target = loadScheduleTarget({ newEnv: () => world.newEnv(), kills: true }) as ScheduleTarget<unknown>;
      return { target, close: () => world.close() };
    },
  },
];
