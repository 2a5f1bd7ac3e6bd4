import type { CellValue, QuerySort } from '../../shared/ipc/domains/query';
import { ServiceError } from '../errors';

/** What a sorted or filtered view is built from: a store's rows as it holds them, read in stored-order ranges. */
export type ViewSource = {
  /** How many rows are stored now. */
  readonly size: number;
  /** True once no more rows will arrive (the run stopped). */
  readonly sealed: boolean;
  /** The position of a column by name (throws a VALIDATION ServiceError for an unknown one). */
  columnIndex(name: string): number;
  /** The cells of one column for stored rows `start` to `end` (exclusive). */
  columnValues(column: number, start: number, end: number): CellValue[];
  /** The cells a filter searches (every column but child subqueries) of stored rows `start` to `end`. */
  searchableRows(start: number, end: number): CellValue[][];
  /**
   * The row numbers from `start` to `end` (exclusive) where some searchable cell holds `needle` (lower case), when the store
   * can answer it from an index of its own (the disk store's lower-cased text table); `searchableRows` is read otherwise.
   */
  matchingRows?(needle: string, start: number, end: number): number[];
};

/** A view as far as it is built: the row numbers (null: stored order) and whether more may still come (a filter scanning). */
type PartialView = { indexes: ArrayLike<number> | null; complete: boolean };

/** Builds and caches sorted and filtered views of a store: row numbers in view order. */
export interface ViewCache {
  /** The row numbers in view order, or null when neither sort nor filter applies (stored order). */
  view(sort: readonly QuerySort[], filter: string): Promise<Uint32Array | null>;
  /**
   * The view once its first `wanted` rows are known: an unsorted filter answers as soon as it found that many matches (the
   * scan goes on, and a later call sees more), anything else once the view is built.
   */
  window(sort: readonly QuerySort[], filter: string, wanted: number): Promise<PartialView>;
  /** Forgets every view (the rows were replaced). */
  clear(): void;
}

/** Tuning of view building: how long one slice of work may hold the event loop before it yields. */
export type ViewOptions = { sliceMs?: number };

const MAX_CACHED_VIEWS = 6;
const READ_CHUNK = 5000;
/** Rows per slice of a filter scan (every column of each row is read and searched). */
const FILTER_CHUNK = 1000;
/** Rows per slice of a filter scan the store answers from its own index. */
const INDEXED_FILTER_CHUNK = 20_000;

/** A view being built or built: its size, its result, and for a filter the matches found so far. */
type ViewEntry = { size: number; indexes: Promise<Uint32Array>; hits: number[]; done: boolean; cancelled: boolean; progress: Set<() => void> };

/** The error a filter's scan ends with when the next keystroke asked for another filter. */
function filterCancelled(): ServiceError {
  return new ServiceError('CANCELLED', 'The filter was replaced by a newer one before it finished.', 'Nothing to do: the newer filter is being applied.');
}
const COMPARES_PER_STEP = 16_384;
const DEFAULT_SLICE_MS = 20;

/**
 * Creates the view cache of a store. A view is built in slices that yield to the event loop (so main never stops for a
 * big sort) and cached per (sort, filter). While rows still arrive, a cached view is reused until the store has doubled
 * since it was built, so a sort during a long fetch costs at most twice one final sort instead of one sort per page;
 * once the store is sealed, a view built before the last rows is rebuilt once.
 */
export function createViewCache(source: ViewSource, options: ViewOptions = {}): ViewCache {
  const views = new Map<string, ViewEntry>();
  const sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
  const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
  // The filter scan running now: the next keystroke's filter cancels it.
  let scanning: { needle: string; entry: ViewEntry } | null = null;
  const entryFor = (sort: readonly QuerySort[], filter: string): ViewEntry | null => {
    const needle = filter.trim().toLowerCase();
    if (sort.length === 0 && needle === '') return null;
    // Unknown columns are refused before any work starts.
    const columns = sort.map((s) => ({ column: source.columnIndex(s.column), descending: s.descending }));
    const key = `${needle}\u0000${sort.map((s) => `${s.column.toLowerCase()}\u0001${s.descending ? 'd' : 'a'}`).join('\u0002')}`;
    const size = source.size;
    if (scanning !== null && scanning.needle !== needle && !scanning.entry.done) scanning.entry.cancelled = true;
    const cached = views.get(key);
    if (cached !== undefined && !cached.cancelled && (cached.size === size || (!source.sealed && size < cached.size * 2))) {
      views.delete(key);
      views.set(key, cached);
      return cached;
    }
    const entry: ViewEntry = { size, indexes: Promise.resolve(new Uint32Array(0)), hits: [], done: false, cancelled: false, progress: new Set() };
    const tell = (): void => {
      for (const listener of entry.progress) listener();
    };
    entry.indexes = drive(buildView(source, size, columns, needle, collator, entry.hits), sliceMs, () => {
      tell();
      return entry.cancelled;
    }).finally(() => {
      entry.done = true;
      tell();
    });
    if (needle !== '') scanning = { needle, entry };
    views.set(key, entry);
    entry.indexes.catch(() => {
      if (views.get(key) === entry) views.delete(key);
    });
    while (views.size > MAX_CACHED_VIEWS) {
      const oldest = views.keys().next().value;
      if (oldest === undefined) break;
      views.delete(oldest);
    }
    return entry;
  };
  return {
    view(sort, filter) {
      const entry = entryFor(sort, filter);
      return entry === null ? Promise.resolve(null) : entry.indexes;
    },
    async window(sort, filter, wanted) {
      const entry = entryFor(sort, filter);
      if (entry === null) return { indexes: null, complete: true };
      if (sort.length > 0) return { indexes: await entry.indexes, complete: true };
      while (!entry.done && entry.hits.length < wanted) {
        await new Promise<void>((resolve) => {
          const once = (): void => {
            entry.progress.delete(once);
            resolve();
          };
          entry.progress.add(once);
        });
      }
      if (entry.done) return { indexes: await entry.indexes, complete: true };
      return { indexes: entry.hits.slice(), complete: false };
    },
    clear: () => views.clear(),
  };
}

/**
 * Runs a generator of work slices, yielding to the event loop whenever a slice has held it for `sliceMs`; `afterSlice`
 * hears of each slice and stops the work (a CANCELLED error) by answering true.
 */
async function drive<T>(work: Generator<void, T>, sliceMs: number, afterSlice: () => boolean): Promise<T> {
  for (;;) {
    const started = performance.now();
    let step = work.next();
    while (!step.done && performance.now() - started < sliceMs) step = work.next();
    if (step.done) return step.value;
    if (afterSlice()) throw filterCancelled();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function* buildView(
  source: ViewSource,
  size: number,
  sort: { column: number; descending: boolean }[],
  needle: string,
  collator: Intl.Collator,
  hits: number[],
): Generator<void, Uint32Array> {
  let indexes: Uint32Array;
  if (needle === '') {
    indexes = new Uint32Array(size);
    for (let i = 0; i < size; i += 1) indexes[i] = i;
  } else {
    indexes = yield* filterRows(source, size, needle, hits);
  }
  if (sort.length === 0) return indexes;
  const ranks: Int32Array[] = [];
  for (const { column } of sort) ranks.push(yield* rankColumn(source, column, size, collator));
  const directions = sort.map((s) => (s.descending ? -1 : 1));
  if (ranks.length === 1) return yield* countingSort(indexes, ranks[0] as Int32Array, sort[0]?.descending === true);
  return yield* mergeSort(indexes, (a, b) => {
    for (let k = 0; k < ranks.length; k += 1) {
      const column = ranks[k] as Int32Array;
      const ra = column[a] ?? -1;
      const rb = column[b] ?? -1;
      if (ra !== rb) return (ra < rb ? -1 : 1) * (directions[k] ?? 1);
    }
    return a - b;
  });
}

/** True when a filter needle (lower case) is in the cell's text; child subquery counts and nulls never match. */
function cellMatches(value: CellValue, needle: string): boolean {
  return value !== null && typeof value !== 'object' && String(value).toLowerCase().includes(needle);
}

/** The matching row numbers in stored order; `hits` grows as they are found, so a first window can be answered early. */
function* filterRows(source: ViewSource, size: number, needle: string, hits: number[]): Generator<void, Uint32Array> {
  const matching = source.matchingRows?.bind(source);
  if (matching !== undefined && !needle.includes('\u0001')) {
    for (let start = 0; start < size; start += INDEXED_FILTER_CHUNK) {
      for (const row of matching(needle, start, Math.min(size, start + INDEXED_FILTER_CHUNK))) hits.push(row);
      yield;
    }
    return Uint32Array.from(hits);
  }
  for (let start = 0; start < size; start += FILTER_CHUNK) {
    const rows = source.searchableRows(start, Math.min(size, start + FILTER_CHUNK));
    for (const [i, row] of rows.entries()) {
      if (row.some((cell) => cellMatches(cell, needle))) hits.push(start + i);
    }
    yield;
  }
  return Uint32Array.from(hits);
}

const NUMERIC = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

type SortKey = number | string;

/**
 * Ranks the cells of one column so rows compare as integers (-1 for null). Numbers compare as numbers, and so does text
 * when every text cell of the column is numeric (Bulk CSV cells are text); other text compares by a case-insensitive
 * collator, after all numbers; booleans count as 0/1 and child subquery cells as their count. Equal cells share a rank.
 */
function* rankColumn(source: ViewSource, column: number, size: number, collator: Intl.Collator): Generator<void, Int32Array> {
  const ids = new Int32Array(size);
  const distinct = new Map<string | number, number>();
  const values: (string | number)[] = [];
  let numericText = true;
  for (let start = 0; start < size; start += READ_CHUNK) {
    const cells = source.columnValues(column, start, Math.min(size, start + READ_CHUNK));
    for (const [i, cell] of cells.entries()) {
      let value: string | number;
      if (cell === null || cell === undefined) {
        ids[start + i] = -1;
        continue;
      } else if (typeof cell === 'string') {
        value = cell;
      } else if (typeof cell === 'number') {
        value = cell;
      } else if (typeof cell === 'boolean') {
        value = cell ? 1 : 0;
      } else {
        value = cell.children;
      }
      let id = distinct.get(value);
      if (id === undefined) {
        id = values.length;
        distinct.set(value, id);
        values.push(value);
        if (typeof value === 'string' && numericText && !NUMERIC.test(value)) numericText = false;
      }
      ids[start + i] = id;
    }
    yield;
  }
  distinct.clear();
  const keys: SortKey[] = values;
  const order = new Uint32Array(keys.length);
  for (let i = 0; i < keys.length; i += 1) {
    const value = keys[i];
    if (numericText && typeof value === 'string') keys[i] = Number(value);
    order[i] = i;
    if ((i & 0xffff) === 0xffff) yield;
  }
  const sorted = yield* mergeSort(order, (a, b) => compareKeys(keys[a] ?? 0, keys[b] ?? 0, collator));
  const rankOf = new Int32Array(keys.length);
  let rank = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    const id = sorted[i] as number;
    if (i > 0 && compareKeys(keys[sorted[i - 1] as number] ?? 0, keys[id] ?? 0, collator) !== 0) rank += 1;
    rankOf[id] = rank;
    if ((i & 0x3fff) === 0x3fff) yield;
  }
  yield;
  for (let i = 0; i < size; i += 1) {
    const id = ids[i] as number;
    if (id >= 0) ids[i] = rankOf[id] as number;
    if ((i & 0xffff) === 0xffff) yield;
  }
  return ids;
}

/**
 * Sorts row numbers by one column's ranks in linear time: a counting sort over the ranks (nulls, rank -1, first ascending
 * and last descending), ties in the order the row numbers came (stored order), as the comparison sort did.
 */
function* countingSort(indexes: Uint32Array, ranks: Int32Array, descending: boolean): Generator<void, Uint32Array> {
  let top = -1;
  for (let i = 0; i < indexes.length; i += 1) top = Math.max(top, ranks[indexes[i] as number] ?? -1);
  const buckets = top + 2;
  const bucketOf = (row: number): number => {
    const key = (ranks[row] ?? -1) + 1;
    return descending ? buckets - 1 - key : key;
  };
  const starts = new Uint32Array(buckets + 1);
  for (let i = 0; i < indexes.length; i += 1) {
    const b = bucketOf(indexes[i] as number) + 1;
    starts[b] = (starts[b] as number) + 1;
  }
  for (let b = 0; b < buckets; b += 1) starts[b + 1] = (starts[b + 1] as number) + (starts[b] as number);
  yield;
  const sorted = new Uint32Array(indexes.length);
  for (let i = 0; i < indexes.length; i += 1) {
    const row = indexes[i] as number;
    const b = bucketOf(row);
    sorted[starts[b] as number] = row;
    starts[b] = (starts[b] as number) + 1;
    if ((i & 0xfffff) === 0xfffff) yield;
  }
  return sorted;
}

function compareKeys(a: SortKey, b: SortKey, collator: Intl.Collator): number {
  if (a === b) return 0;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return collator.compare(a, b);
}

/**
 * A stable bottom-up merge sort of row numbers that yields between pieces of work: short runs are insertion-sorted, then
 * runs are merged pairwise; a pair is merged in one go (plain loops the JIT optimises), and the caller's slice clock
 * decides when to give the event loop a turn.
 */
function* mergeSort(input: Uint32Array, compare: (a: number, b: number) => number): Generator<void, Uint32Array> {
  const n = input.length;
  let source: Uint32Array = input;
  let target: Uint32Array = new Uint32Array(n);
  const RUN = 32;
  let work = 0;
  for (let lo = 0; lo < n; lo += RUN) {
    insertionSort(source, lo, Math.min(n, lo + RUN), compare);
    work += RUN * 4;
    if (work >= COMPARES_PER_STEP) {
      work = 0;
      yield;
    }
  }
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += width * 2) {
      const hi = Math.min(n, lo + width * 2);
      merge(source, target, lo, Math.min(n, lo + width), hi, compare);
      work += hi - lo;
      if (work >= COMPARES_PER_STEP) {
        work = 0;
        yield;
      }
    }
    [source, target] = [target, source];
  }
  return source;
}

function insertionSort(items: Uint32Array, lo: number, hi: number, compare: (a: number, b: number) => number): void {
  for (let i = lo + 1; i < hi; i += 1) {
    const item = items[i] as number;
    let j = i - 1;
    while (j >= lo && compare(items[j] as number, item) > 0) {
      items[j + 1] = items[j] as number;
      j -= 1;
    }
    items[j + 1] = item;
  }
}

function merge(source: Uint32Array, target: Uint32Array, lo: number, mid: number, hi: number, compare: (a: number, b: number) => number): void {
  let i = lo;
  let j = mid;
  let k = lo;
  while (i < mid && j < hi) {
    const a = source[i] as number;
    const b = source[j] as number;
    if (compare(a, b) <= 0) {
      target[k] = a;
      i += 1;
    } else {
      target[k] = b;
      j += 1;
    }
    k += 1;
  }
  while (i < mid) target[k++] = source[i++] as number;
  while (j < hi) target[k++] = source[j++] as number;
}
