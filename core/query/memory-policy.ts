import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CellValue, QuerySort } from '../../shared/ipc/domains/query';
import { toFileError } from '../files/file-errors';
import { createDiskResultStore } from './disk-result-store';
import type { ChildRecordsOf } from './record-cells';
import { createResultStore, type ResultStore, type StoreWindow } from './result-store';
import type { ViewOptions } from './result-views';
import type { ColumnSpec } from './soql-columns';

/** How many finished results main keeps by default (the oldest are dropped first). */
export const DEFAULT_KEEP_RUNS = 8;
/** Finished results are also dropped, oldest first, while the results held in memory hold more rows than this. */
export const DEFAULT_KEEP_ROWS = 1_000_000;
/** A result past this many rows moves to disk. */
export const DEFAULT_MEMORY_ROWS = 100_000;
/** A result past about this many bytes of main's heap moves to disk. */
export const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024;

/** Where a run's rows may live: the results folder for disk stores and the thresholds past which a result moves there. */
export type MemoryLimits = { resultsDir: string; maxRows: number; maxBytes: number; views?: ViewOptions | undefined };

/** A run's rows wherever they live; appends are async because moving a result to disk yields to the event loop. */
export type RunStore = Omit<ResultStore, 'appendRecords' | 'appendRows'> & {
  /** True once the rows live in a file on disk. */
  readonly onDisk: boolean;
  /** Appends REST records; may move the result to disk first. */
  appendRecords(records: readonly Record<string, unknown>[]): Promise<void>;
  /** Appends flattened rows; may move the result to disk first. */
  appendRows(rows: readonly CellValue[][], childRecordsOf?: ChildRecordsOf): Promise<void>;
};

const COPY_BATCH = 2000;

/**
 * Creates the store of one run: small results stay in memory; past `maxRows` rows or `maxBytes` bytes (and from the
 * start when `onDisk`, as for every Bulk result) the rows live in `<resultsDir>/<runId>.sqlite`, which `close()` deletes.
 * Moving to disk copies the rows over in batches that yield to the event loop, then frees the memory copy: one copy.
 */
export function createRunStore(runId: string, limits: MemoryLimits, onDisk = false): RunStore {
  const file = join(limits.resultsDir, `${runId}.sqlite`);
  const openDisk = (): ResultStore => {
    try {
      mkdirSync(limits.resultsDir, { recursive: true });
    } catch (error) {
      throw toFileError(error, limits.resultsDir, 'create the results folder');
    }
    return createDiskResultStore(file, limits.views);
  };
  let current: ResultStore = onDisk ? openDisk() : createResultStore(limits.views);
  let disk = onDisk;
  let sealed = false;

  const spillIfLarge = async (): Promise<void> => {
    if (disk || (current.size <= limits.maxRows && current.heapBytes <= limits.maxBytes)) return;
    const memory = current;
    const target = openDisk();
    try {
      target.setColumns(memory.specs);
      for (let start = 0; start < memory.size; start += COPY_BATCH) {
        const rows = memory.slice(start, start + COPY_BATCH);
        const childColumns = memory.specs.map((spec) => (spec.kind === 'children' ? spec.path : null));
        target.appendRows(rows, (row, column) => {
          const path = childColumns[column];
          return path === null || path === undefined ? null : memory.childRecords(start + row, path);
        });
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      target.close();
      throw error;
    }
    if (sealed) target.seal();
    current = target;
    disk = true;
    memory.close();
  };

  return {
    get columns() {
      return current.columns;
    },
    get specs() {
      return current.specs;
    },
    get size() {
      return current.size;
    },
    get heapBytes() {
      return current.heapBytes;
    },
    get onDisk() {
      return disk;
    },
    setColumns: (columns: ColumnSpec[]) => current.setColumns(columns),
    async appendRecords(records) {
      current.appendRecords(records);
      await spillIfLarge();
    },
    async appendRows(rows, childRecordsOf) {
      current.appendRows(rows, childRecordsOf);
      await spillIfLarge();
    },
    seal() {
      sealed = true;
      current.seal();
    },
    window: (options: { offset: number; limit: number; sort: readonly QuerySort[]; filter: string }): Promise<StoreWindow> => current.window(options),
    rowIndexAt: (viewIndex, sort, filter) => current.rowIndexAt(viewIndex, sort, filter),
    children: (rowIndex, column) => current.children(rowIndex, column),
    row: (rowIndex) => current.row(rowIndex),
    slice: (start, end) => current.slice(start, end),
    childRecords: (rowIndex, column) => current.childRecords(rowIndex, column),
    childColumns: (column) => current.childColumns(column),
    close: () => current.close(),
  };
}
