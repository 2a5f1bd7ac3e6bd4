import type { CellValue, QuerySort, ResultColumn } from '../../shared/ipc/domains/query';
import { ServiceError } from '../errors';
import { childRows, childSpecs, readPath, toCell, type ChildRecordsOf, type ChildRows } from './record-cells';
import { createViewCache, type ViewCache, type ViewOptions } from './result-views';
import { columnsFromRecords, isChildResult, type ColumnSpec } from './soql-columns';

export { readPath } from './record-cells';

/** A window of a result as the store answers it: the rows in view order, how many rows match, and their row numbers. */
export type StoreWindow = { rows: CellValue[][]; matched: number; rowIndexes: number[]; counting?: boolean };

/**
 * The full result of a run, in memory (`createResultStore`) or in a SQLite file (`createDiskResultStore`); both answer
 * the same way. Parent paths are flattened to dotted columns; a child subquery cell is `{children: n}` and its records are
 * kept beside it for `children()`. Sorted and filtered views are built in slices that yield to the event loop and cached
 * per (sort, filter) (result-views.ts).
 */
export interface ResultStore {
  /** The columns in SELECT order (empty until known). */
  readonly columns: ResultColumn[];
  /** The columns with how each is read from a record. */
  readonly specs: ColumnSpec[];
  /** How many rows the store holds. */
  readonly size: number;
  /** About how many bytes of main's heap the rows take (0 for a store on disk). */
  readonly heapBytes: number;
  /** Fixes the columns (dropping any rows); records appended later are read along them. */
  setColumns(columns: ColumnSpec[]): void;
  /** Appends REST records (columns are derived from them first when none were set). */
  appendRecords(records: readonly Record<string, unknown>[]): void;
  /** Appends rows already flattened in column order (Bulk CSV rows), with the child records of children columns. */
  appendRows(rows: readonly CellValue[][], childRecordsOf?: ChildRecordsOf): void;
  /** Says no more rows will come: views built before the last rows are rebuilt once. */
  seal(): void;
  /** Answers a window of rows in view order. */
  window(options: { offset: number; limit: number; sort: readonly QuerySort[]; filter: string }): Promise<StoreWindow>;
  /** Maps a view position (under a sort and filter) to the stored row number. */
  rowIndexAt(viewIndex: number, sort: readonly QuerySort[], filter: string): Promise<number>;
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
  /** Frees the rows (a store on disk deletes its file). */
  close(): void;
}

/** What reading a whole result (export) needs of a store. */
export type ResultReader = Pick<ResultStore, 'columns' | 'size' | 'slice' | 'childRecords' | 'childColumns'>;

type StoredColumn = {
  spec: ColumnSpec;
  values: CellValue[];
  childRecords: (readonly Record<string, unknown>[] | null)[] | null;
  /** Distinct short texts seen so far, so repeated values (owner names, picklists, dates) are held once. */
  interned: Map<string, string> | null;
};

const INTERN_MAX_LENGTH = 64;
const INTERN_MAX_DISTINCT = 20_000;
/** A rough cost of one cell (pointer, number box or string header) and of one child record, for the memory policy. */
const CELL_BYTES = 16;
const CHILD_RECORD_BYTES = 400;

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

/** Finds a column by its path, exactly or ignoring case; an unknown name is a VALIDATION error. */
export function columnPosition(specs: readonly ColumnSpec[], name: string): number {
  const exact = specs.findIndex((c) => c.path === name);
  if (exact >= 0) return exact;
  const lower = name.toLowerCase();
  const loose = specs.findIndex((c) => c.path.toLowerCase() === lower);
  if (loose >= 0) return loose;
  throw new ServiceError('VALIDATION', `This result has no column "${name}".`, "Pick one of the result grid's columns.");
}

/** The VALIDATION error for expanding a column that holds no child subquery. */
export function notChildrenColumn(name: string): ServiceError {
  return new ServiceError('VALIDATION', `The column "${name}" is not a child subquery.`, 'Expand a cell that shows a child count.');
}

/** The row index at a position of a view (`indexes` null: the rows as stored), or NOT_FOUND for a position past the end. */
export function rowAtView(indexes: Uint32Array | null, viewIndex: number, size: number): number {
  const index = indexes === null ? viewIndex : indexes[viewIndex];
  if (index === undefined || index >= size) {
    throw new ServiceError('NOT_FOUND', `Row ${viewIndex + 1} is not in this result.`, 'Scroll back into the result and try again.');
  }
  return index;
}

/** Creates an empty result store in memory, kept as columns (one array per column): one pointer per cell plus its value. */
export function createResultStore(options: ViewOptions = {}): ResultStore {
  let stored: StoredColumn[] = [];
  let specs: ColumnSpec[] = [];
  let size = 0;
  let bytes = 0;
  let sealed = false;
  let publicColumns: ResultColumn[] = [];
  const casing = new Map<string, string>();

  const views = createViewCache(
    {
      get size() {
        return size;
      },
      get sealed() {
        return sealed;
      },
      columnIndex: (name) => columnPosition(specs, name),
      columnValues: (column, start, end) => stored[column]?.values.slice(start, end) ?? [],
      searchableRows(start, end) {
        const searched = stored.filter((c) => c.childRecords === null).map((c) => c.values);
        const out: CellValue[][] = [];
        for (let i = start; i < end; i += 1) out.push(searched.map((values) => values[i] ?? null));
        return out;
      },
    },
    options,
  );

  const setColumns = (columns: ColumnSpec[]): void => {
    specs = columns;
    stored = columns.map((spec) => ({ spec, values: [], childRecords: spec.kind === 'children' ? [] : null, interned: new Map<string, string>() }));
    publicColumns = columns.map((c) => ({ path: c.path, kind: c.kind }));
    size = 0;
    bytes = 0;
    views.clear();
  };

  const columnNamed = (name: string): StoredColumn => stored[columnPosition(specs, name)] as StoredColumn;
  const row = (rowIndex: number): CellValue[] => stored.map((c) => c.values[rowIndex] ?? null);

  const appendRows = (rows: readonly CellValue[][], childRecordsOf?: ChildRecordsOf): void => {
    for (const [r, cells] of rows.entries()) {
      for (let i = 0; i < stored.length; i += 1) {
        const column = stored[i] as StoredColumn;
        const cell = cells[i] ?? null;
        if (column.childRecords !== null) {
          const records = childRecordsOf?.(r, i) ?? null;
          column.childRecords.push(records);
          column.values.push({ children: records?.length ?? (typeof cell === 'object' && cell !== null ? cell.children : 0) });
          bytes += CELL_BYTES * 2 + (records?.length ?? 0) * CHILD_RECORD_BYTES;
        } else {
          const value = intern(column, cell);
          column.values.push(value);
          bytes += CELL_BYTES + (typeof value === 'string' ? value.length * 2 : 0);
        }
      }
    }
    size += rows.length;
  };

  return {
    get columns() {
      return publicColumns;
    },
    get specs() {
      return specs;
    },
    get size() {
      return size;
    },
    get heapBytes() {
      return bytes;
    },
    setColumns,
    appendRecords(records) {
      if (records.length === 0) return;
      if (stored.length === 0) setColumns(columnsFromRecords(records));
      // Straight into the columns (no row arrays in between): this is the REST paging hot path.
      for (const record of records) {
        for (const column of stored) {
          const value = readPath(record, column.spec.read, casing);
          if (column.childRecords !== null) {
            const child = isChildResult(value) ? value.records : null;
            column.childRecords.push(child);
            column.values.push({ children: child === null ? 0 : child.length });
            bytes += CELL_BYTES * 2 + (child?.length ?? 0) * CHILD_RECORD_BYTES;
          } else {
            const cell = intern(column, toCell(value));
            column.values.push(cell);
            bytes += CELL_BYTES + (typeof cell === 'string' ? cell.length * 2 : 0);
          }
        }
      }
      size += records.length;
    },
    appendRows,
    seal() {
      sealed = true;
    },
    window: (request) => viewWindow(views, request, size, (rowIndexes) => rowIndexes.map(row)),
    rowIndexAt: async (viewIndex, sort, filter) => rowAtView(await views.view(sort, filter), viewIndex, size),
    children(rowIndex, name) {
      const column = columnNamed(name);
      if (column.childRecords === null) throw notChildrenColumn(name);
      return childRows(column.spec, column.childRecords[rowIndex] ?? []);
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
      return childSpecs(column.spec, all);
    },
    close() {
      setColumns([]);
    },
  };
}

/**
 * Answers a window from a store's views: the rows at the view's row numbers (`inOrder` when they are stored order), and
 * `counting` while an unsorted filter still scans (`matched` is then the matches found so far).
 */
export async function viewWindow(
  views: ViewCache,
  request: { offset: number; limit: number; sort: readonly QuerySort[]; filter: string },
  size: number,
  rowsAt: (rowIndexes: number[], inOrder: boolean) => CellValue[][],
): Promise<StoreWindow> {
  const { offset, limit } = request;
  const { indexes, complete } = await views.window(request.sort, request.filter, offset + limit);
  const matched = indexes === null ? size : indexes.length;
  const rowIndexes: number[] = [];
  for (let i = offset; i < Math.min(matched, offset + limit); i += 1) rowIndexes.push(indexes === null ? i : (indexes[i] as number));
  const answer = { rows: rowsAt(rowIndexes, indexes === null), matched, rowIndexes };
  return complete ? answer : { ...answer, counting: true };
}
