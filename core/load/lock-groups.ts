/**
 * Lock-aware planning. Writing a child locks its parent record (the Account of a Contact or Opportunity, the master of a
 * master-detail): two parallel jobs writing children of one parent fail rows with `UNABLE_TO_LOCK_ROW`. So the planner
 * puts every row of one parent in the same lane (by a hash of the parent), the jobs of a lane run one after another and
 * the lanes run in parallel: no two jobs in flight share a parent.
 */
import type { LoadField, LoadObject } from '../../shared/ipc/domains/load';
import type { JournalJob } from './load-journal';
import type { JobQueue } from './job-runner';

/** How the planner spreads rows over lanes: how many, and the lane of a row's job cells. */
export type LaneSplit = { count: number; laneOf(cells: readonly string[], row: number): number };

/** Standard lookups whose child writes lock the parent (Salesforce's record locking cheat sheet). */
const LOCKING_LOOKUPS: Record<string, string[]> = { Contact: ['AccountId'], Opportunity: ['AccountId'], Case: ['AccountId'] };

/** Whether writing a record of `object` through `field` locks the parent: the standard locking lookups, and every cascade-delete (master-detail) parent. */
function locksParent(object: LoadObject, field: LoadField): boolean {
  if (field.type !== 'reference') return false;
  return field.cascadeDelete === true || (LOCKING_LOOKUPS[object.name] ?? []).includes(field.name);
}

/** The field a job column sets: `AccountId` directly, or the lookup of `Account.External_Id__c` / `Type:Account.Field`. */
function fieldOfHeader(object: LoadObject, header: string): LoadField | undefined {
  const dot = header.indexOf('.');
  if (dot < 0) return object.fields.find((f) => f.name.toLowerCase() === header.toLowerCase());
  const path = header.slice(0, dot);
  const relationship = (path.includes(':') ? path.slice(path.indexOf(':') + 1) : path).toLowerCase();
  return object.fields.find((f) => f.relationshipName?.toLowerCase() === relationship);
}

/** The job column naming the parent a row locks (the first locking one), or -1 when the rows lock none. */
function lockColumn(object: LoadObject, outputHeaders: readonly string[]): number {
  return outputHeaders.findIndex((header) => {
    const field = fieldOfHeader(object, header);
    return field !== undefined && locksParent(object, field);
  });
}

/** FNV-1a over a string, as an unsigned 32-bit number. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The lanes of a load: `lanes` of them (its concurrency), rows with the same parent in one lane (an 18-character id by its
 * 15-character form, so both spellings of one parent meet). Rows that name no parent are dealt round-robin. Null when the
 * rows lock no parent, grouping is off or there is one lane: then planning is as before (jobs in file order, any order of running).
 */
export function laneSplit(object: LoadObject, outputHeaders: readonly string[], lanes: number, groupByParent: boolean): LaneSplit | null {
  const column = lockColumn(object, outputHeaders);
  if (!groupByParent || column < 0 || lanes < 2) return null;
  return {
    count: lanes,
    laneOf(cells, row) {
      const cell = cells[column] ?? '';
      if (cell === '' || cell === '#N/A') return row % lanes;
      return hash(cell.length === 18 && !cell.includes('.') ? cell.slice(0, 15) : cell) % lanes;
    },
  };
}

/** A job queue that hands out at most one job of a lane at a time; `release` frees the job's lane once it ended. */
export type LaneQueue = JobQueue & { release(job: JournalJob): void };

/** Creates an empty lane-aware job queue (jobs without a lane are handed out in order, any number at once). */
export function createLaneQueue(): LaneQueue {
  const items: JournalJob[] = [];
  const waiting: ((job: JournalJob | null) => void)[] = [];
  const busy = new Set<number>();
  let ended = false;
  const next = (): JournalJob | undefined => {
    const at = items.findIndex((job) => job.lane === null || job.lane === undefined || !busy.has(job.lane));
    if (at < 0) return undefined;
    const [job] = items.splice(at, 1);
    if (job?.lane !== null && job?.lane !== undefined) busy.add(job.lane);
    return job;
  };
  const dispatch = (): void => {
    while (waiting.length > 0) {
      const job = next();
      if (job === undefined) break;
      waiting.shift()?.(job);
    }
    if (ended && items.length === 0) for (const taker of waiting.splice(0)) taker(null);
  };
  return {
    push(job) {
      items.push(job);
      dispatch();
    },
    end() {
      ended = true;
      dispatch();
    },
    take() {
      const job = next();
      if (job !== undefined) return Promise.resolve(job);
      if (ended && items.length === 0) return Promise.resolve(null);
      return new Promise((resolve) => waiting.push(resolve));
    },
    release(job) {
      if (job.lane !== null && job.lane !== undefined) busy.delete(job.lane);
      dispatch();
    },
  };
}
