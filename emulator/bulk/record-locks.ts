/**
 * Simulated parent-record lock contention for Bulk ingest jobs. A real org locks the parent of a child it writes (the
 * Account of a Contact or Opportunity, the master of a master-detail) for the length of the chunk's transaction; a
 * parallel batch touching a child of the same parent waits up to 10 s, then fails the row with `UNABLE_TO_LOCK_ROW`.
 * Here: while two ingest jobs are in flight whose rows name the same parent, a seeded share (`failRate`) of the later
 * job's rows on that parent fail with the real error text. Off by default.
 */
import type { FieldSchema, ObjectSchema } from '../org/types';

/** Settings of the simulated contention. */
export type LockContention = {
  /** Share of contended rows that fail (0..1; default 0.5). */
  failRate?: number;
  /** Seed of the draw, so a run fails the same rows again (default 1). */
  seed?: number;
  /** How long each chunk's transaction holds its parents' locks, in ms (default 20) [INF]. */
  holdMs?: number;
};

/** The settings in force. */
export type LockContentionSettings = Required<LockContention>;

/** One job's hold on its parents while it is in flight. */
export type LockSession = {
  /** Whether a row of this job writing under `parent` fails to lock it (another in-flight job holds it, and the draw fails). */
  contended(parent: string): boolean;
  /** The job ended: its parents are free. */
  leave(): void;
};

/** The org's lock table for Bulk jobs. */
export type RecordLocks = {
  /** The settings in force, or null when contention is off. */
  settings(): LockContentionSettings | null;
  /** Turns contention on with these settings, or off (null). */
  configure(settings: LockContention | null): LockContentionSettings | null;
  /** Registers a job in flight with the parents its rows name. */
  enter(jobId: string, parents: ReadonlySet<string>): LockSession;
};

/** The real row error (UNABLE_TO_LOCK_ROW, "unable to obtain exclusive access to this record or 1 records: <id>"). */
export function lockRowError(parent: string): { statusCode: string; message: string; fields: string[] } {
  return { statusCode: 'UNABLE_TO_LOCK_ROW', message: `unable to obtain exclusive access to this record or 1 records: ${parent}`, fields: [] };
}

/** Mulberry32: a small seeded generator of numbers in [0, 1). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Creates the lock table, on with `initial` settings or off. */
export function createRecordLocks(initial?: LockContention): RecordLocks {
  let current: LockContentionSettings | null = null;
  let draw = seeded(1);
  const holders = new Map<string, Set<string>>();
  const configure = (settings: LockContention | null): LockContentionSettings | null => {
    current = settings === null ? null : { failRate: Math.min(1, Math.max(0, settings.failRate ?? 0.5)), seed: settings.seed ?? 1, holdMs: Math.max(0, settings.holdMs ?? 20) };
    draw = seeded(current?.seed ?? 1);
    return current;
  };
  if (initial !== undefined) configure(initial);
  return {
    settings: () => current,
    configure,
    enter(jobId, parents) {
      for (const parent of parents) {
        let jobs = holders.get(parent);
        if (jobs === undefined) holders.set(parent, (jobs = new Set()));
        jobs.add(jobId);
      }
      let left = false;
      return {
        contended(parent) {
          const settings = current;
          if (settings === null || left) return false;
          const jobs = holders.get(parent);
          if (jobs === undefined || jobs.size < 2) return false;
          return draw() < settings.failRate;
        },
        leave() {
          if (left) return;
          left = true;
          for (const parent of parents) {
            const jobs = holders.get(parent);
            jobs?.delete(jobId);
            if (jobs?.size === 0) holders.delete(parent);
          }
        },
      };
    },
  };
}

/** Standard lookups whose child writes lock the parent record (the record locking cheat sheet) [INF for the list's bounds]. */
const LOCKING_LOOKUPS: Record<string, string[]> = { Contact: ['AccountId'], Opportunity: ['AccountId'], Case: ['AccountId'] };

/** Whether writing a record of `schema` through `field` locks the parent: the listed lookups and every cascade-delete parent. */
export function locksParent(schema: ObjectSchema, field: FieldSchema): boolean {
  if (field.type !== 'reference') return false;
  return field.cascadeDelete || (LOCKING_LOOKUPS[schema.name] ?? []).includes(field.name);
}

/** The lock key of a parent named by a cell: an id by its 15-character form, anything else (an external id) as written. */
export function parentKey(cell: string, relationship: string | null): string {
  if (relationship !== null) return `${relationship}:${cell}`;
  return cell.length === 18 ? cell.slice(0, 15) : cell;
}
