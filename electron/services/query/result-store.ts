import type { CellValue, QuerySort, ResultColumn } from '../../../shared/ipc/domains/query';
import { ServiceError } from '../errors';
import { columnsFromRecords, isChildResult, type ColumnSpec } from './soql-columns';

/** A window of a result as the store answers it: the rows in view order, how many rows match, and their row numbers. */
export type StoreWindow = { rows: CellValue[][]; matched: number; rowIndexes: number[] };

/** The flattened rows and columns of one child subquery cell. */
export type ChildRows = { columns: ResultColumn[]; rows: CellValue[][] };

/**
 * The full result of a run, kept in main as columns (one array per column) so a 100k-row result costs one pointer per
 * cell plus its value. Parent paths are flattened to dotted columns; a child subquery cell is `{children: n}` and its
 * records are kept beside it for `children()`. Sorted and filtered views are cached per (sort, filter, row count).
 */
export interface ResultStore {
  /** The columns in SELECT order (empty until known). */
  readonly columns: ResultColumn[];
  /** How many rows the store holds. */
  readonly size: number;
  /** Fixes the columns; records appended later are read along them. */
  setColumns(columns: ColumnSpec[]): void;
  /** Appends REST records (columns are derived from them first when none were set). */
  appendRecords(records: readonly Record<string, unknown>[]): void;
  /** Appends rows already flattened in column order (Bulk CSV rows). */
  appendRows(rows: readonly CellValue[][]): void;
  /** Answers a window of rows in view order. */
  window(options: { offset: number; limit: number; sort: readonly QuerySort[]; filter: string }): StoreWindow;
  /** Maps a view position (under a sort and filter) to the stored row number. */
  rowIndexAt(viewIndex: number, sort: readonly QuerySort[], filter: string): number;
  /** The child rows of one child subquery cell. */
  children(rowIndex: number, column: string): ChildRows;
  /** One stored row in column order. */
  row(rowIndex: number): CellValue[];
  /** Stored rows `start` to `end` (exclusive) in fetched order. */
  slice(start: number, end: number): CellValue[][];
  /** The raw child records of a cell, for export (null when the parent had none). */
  childRecords(rowIndex: number, column: string): readonly Record<string, unknown>[] | null;
  /** The child columns of a children column, for export. */
  childColumns(column: string): ColumnSpec[];
}

type StoredColumn = {
  spec: ColumnSpec;
  values: CellValue[];
  childRecords: (Record<string, unknown>[] | null)[] | null;
  /** Distinct short texts seen so far, so repeated values (owner names, picklists, dates) are held once. */
  interned: Map<string, string> | null;
};

const INTERN_MAX_LENGTH = 64;
const INTERN_MAX_DISTINCT = 20_000;

/** Returns the column's held copy of a short text, holding it when new; gives up on columns with too many distinct values. */
function intern(column: StoredColumn, value: CellValue): CellValue {
  if (typeof value !== 'string' || value.length > INTERN_MAX_LENGTH || column.interned === null) return value;
  const held = column.interned.get(value);
  if (held !== undefined) return held;
  if (column.interned.size >= INTERN_MAX_DISTINCT) {
    column.interned = null;
    return value;
  }
  column.interned.set(value, value);
  return value;
}

const MAX_CACHED_VIEWS = 6;

/** Creates an empty result store. */
export function createResultStore(): ResultStore {
  let stored: StoredColumn[] = [];
  let size = 0;
  let publicColumns: ResultColumn[] = [];
  const casing = new Map<string, string>();
  const views = new Map<string, Uint32Array>();
  const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

  const setColumns = (columns: ColumnSpec[]): void => {
    stored = columns.map((spec) => ({ spec, values: [], childRecords: spec.kind === 'children' ? [] : null, interned: new Map<string, string>() }));
    publicColumns = columns.map((c) => ({ path: c.path, kind: c.kind }));
    size = 0;
    views.clear();
  };

  const columnNamed = (name: string): StoredColumn => {
    const lower = name.toLowerCase();
    const found = stored.find((c) => c.spec.path === name) ?? stored.find((c) => c.spec.path.toLowerCase() === lower);
    if (found === undefined) {
      throw new ServiceError('VALIDATION', `This result has no column "${name}".`, 'Pick one of the result grid\'s columns.');
    }
    return found;
  };

  const view = (sort: readonly QuerySort[], filter: string): Uint32Array | null => {
    const needle = filter.trim().toLowerCase();
    if (sort.length === 0 && needle === '') return null;
    const key = `${size}\u0000${needle}\u0000${sort.map((s) => `${s.column}\u0001${s.descending ? 'd' : 'a'}`).join('\u0002')}`;
    const cached = views.get(key);
    if (cached !== undefined) {
      views.delete(key);
      views.set(key, cached);
      return cached;
    }
    let indexes = needle === '' ? allIndexes(size) : filterIndexes(stored, size, needle);
    if (sort.length > 0) indexes = sortIndexes(indexes, sort.map((s) => ({ column: columnNamed(s.column), descending: s.descending })), collator);
    views.set(key, indexes);
    while (views.size > MAX_CACHED_VIEWS) {
      const oldest = views.keys().next().value;
      if (oldest === undefined) break;
      views.delete(oldest);
    }
    return indexes;
  };

  const row = (rowIndex: number): CellValue[] => stored.map((c) => c.values[rowIndex] ?? null);

  return {
    get columns() {
      return publicColumns;
    },
    get size() {
      return size;
    },
    setColumns,
    appendRecords(records) {
      if (records.length === 0) return;
      if (stored.length === 0) setColumns(columnsFromRecords(records));
      for (const record of records) {
        for (const column of stored) {
          const value = readPath(record, column.spec.read, casing);
          if (column.childRecords !== null) {
            const child = isChildResult(value) ? value.records : null;
            column.childRecords.push(child);
            column.values.push(child === null ? { children: 0 } : { children: child.length });
          } else {
            column.values.push(intern(column, toCell(value)));
          }
        }
      }
      size += records.length;
    },
    appendRows(rows) {
      for (const cells of rows) {
        for (let i = 0; i < stored.length; i += 1) {
          const column = stored[i];
          column?.values.push(intern(column, cells[i] ?? null));
        }
      }
      size += rows.length;
    },
    window({ offset, limit, sort, filter }) {
      const indexes = view(sort, filter);
      const matched = indexes === null ? size : indexes.length;
      const end = Math.min(matched, offset + limit);
      const rows: CellValue[][] = [];
      const rowIndexes: number[] = [];
      for (let i = offset; i < end; i += 1) {
        const index = indexes === null ? i : (indexes[i] ?? 0);
        rows.push(row(index));
        rowIndexes.push(index);
      }
      return { rows, matched, rowIndexes };
    },
    rowIndexAt(viewIndex, sort, filter) {
      const indexes = view(sort, filter);
      const index = indexes === null ? viewIndex : indexes[viewIndex];
      if (index === undefined || index >= size) {
        throw new ServiceError('NOT_FOUND', `Row ${viewIndex + 1} is not in this result.`, 'Scroll back into the result and try again.');
      }
      return index;
    },
    children(rowIndex, name) {
      const column = columnNamed(name);
      if (column.childRecords === null) {
        throw new ServiceError('VALIDATION', `The column "${name}" is not a child subquery.`, 'Expand a cell that shows a child count.');
      }
      const records = column.childRecords[rowIndex] ?? [];
      const child = createResultStore();
      const specs = childSpecs(column, records);
      child.setColumns(specs);
      child.appendRecords(records);
      return { columns: child.columns, rows: Array.from({ length: child.size }, (_, i) => child.row(i)) };
    },
    row,
    slice(start, end) {
      const out: CellValue[][] = [];
      for (let i = Math.max(0, start); i < Math.min(end, size); i += 1) out.push(row(i));
      return out;
    },
    childRecords(rowIndex, name) {
      return columnNamed(name).childRecords?.[rowIndex] ?? null;
    },
    childColumns(name) {
      const column = columnNamed(name);
      const all = column.childRecords?.flatMap((r) => r ?? []) ?? [];
      return childSpecs(column, all);
    },
  };
}

function childSpecs(column: StoredColumn, records: readonly Record<string, unknown>[]): ColumnSpec[] {
  const declared = column.spec.children;
  return declared !== undefined && declared.length > 0 ? declared : columnsFromRecords(records);
}

function allIndexes(size: number): Uint32Array {
  const out = new Uint32Array(size);
  for (let i = 0; i < size; i += 1) out[i] = i;
  return out;
}

function filterIndexes(columns: StoredColumn[], size: number, needle: string): Uint32Array {
  const hits: number[] = [];
  const searched = columns.filter((c) => c.childRecords === null).map((c) => c.values);
  for (let i = 0; i < size; i += 1) {
    for (const values of searched) {
      const value = values[i];
      if (value !== null && value !== undefined && typeof value !== 'object' && String(value).toLowerCase().includes(needle)) {
        hits.push(i);
        break;
      }
    }
  }
  return Uint32Array.from(hits);
}

type SortKey = (number | string | null)[];

/**
 * Sorts row numbers by several columns. Nulls come first ascending and last descending (SOQL's default NULLS FIRST for
 * ASC), numbers compare as numbers (also numeric text, as Bulk CSV cells are), text by a locale collator, ties keep row order.
 */
function sortIndexes(
  indexes: Uint32Array,
  sort: { column: StoredColumn; descending: boolean }[],
  collator: Intl.Collator,
): Uint32Array {
  const keys = sort.map(({ column }) => sortKeys(column.values, collator));
  const directions = sort.map(({ descending }) => (descending ? -1 : 1));
  const order = Array.from(indexes);
  order.sort((a, b) => {
    for (let k = 0; k < keys.length; k += 1) {
      const column = keys[k] as SortKey;
      const result = compareKeys(column[a] ?? null, column[b] ?? null, collator);
      if (result !== 0) return result * (directions[k] ?? 1);
    }
    return a - b;
  });
  return Uint32Array.from(order);
}

const NUMERIC = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

function sortKeys(values: readonly CellValue[], collator: Intl.Collator): SortKey {
  let numericText = true;
  let hasText = false;
  let hasOther = false;
  for (const value of values) {
    if (typeof value === 'string') {
      hasText = true;
      if (numericText && !NUMERIC.test(value)) numericText = false;
    } else if (value !== null && value !== undefined) {
      hasOther = true;
    }
  }
  if (hasText && !numericText && !hasOther) {
    // Text columns sort by rank: each distinct value is collated once, then rows compare as numbers.
    const distinct = [...new Set(values)].filter((v): v is string => typeof v === 'string').sort(collator.compare);
    const ranks = new Map<string, number>();
    let rank = 0;
    distinct.forEach((text, i) => {
      if (i > 0 && collator.compare(distinct[i - 1] ?? '', text) !== 0) rank += 1;
      ranks.set(text, rank);
    });
    return values.map((value) => (typeof value === 'string' ? (ranks.get(value) ?? 0) : null));
  }
  return values.map((value) => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'number') return value;
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'string') return numericText ? Number(value) : value;
    return value.children;
  });
}

function compareKeys(a: number | string | null, b: number | string | null, collator: Intl.Collator): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return collator.compare(a, b);
}

/** Turns a JSON value into a grid cell: scalars as they are, compound values (addresses, locations) as JSON text. */
function toCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(stripAttributes(value));
}

function stripAttributes(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const { attributes: _ignored, ...rest } = value as Record<string, unknown>;
  return rest;
}

/**
 * Reads a key path from a record. SOQL names are case-insensitive but JSON keys carry the describe's casing, so a miss
 * looks the key up ignoring case once and remembers the real spelling.
 */
export function readPath(record: Record<string, unknown>, path: readonly string[], casing: Map<string, string>): unknown {
  let current: unknown = record;
  for (const segment of path) {
    if (current === null || current === undefined || typeof current !== 'object') return null;
    const object = current as Record<string, unknown>;
    let next = object[segment];
    if (next === undefined) {
      const lower = segment.toLowerCase();
      const known = casing.get(lower);
      if (known !== undefined && known in object) next = object[known];
      else {
        const actual = Object.keys(object).find((key) => key.toLowerCase() === lower);
        if (actual !== undefined) {
          casing.set(lower, actual);
          next = object[actual];
        }
      }
    }
    current = next;
  }
  return current === undefined ? null : current;
}
