import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { CellValue, ResultColumn } from '../../shared/ipc/domains/query';
import { toFileError } from '../files/file-errors';
import { childRows, childSpecs, flattenRecords, type ChildRecordsOf } from './record-cells';
import { columnPosition, notChildrenColumn, rowAtView, viewWindow, type ResultStore } from './result-store';
import { createViewCache, type ViewOptions } from './result-views';
import { columnsFromRecords, type ColumnSpec } from './soql-columns';

const TRUE = Buffer.from([1]);
const FALSE = Buffer.from([0]);
/** How many child records are read to find the columns of a children column that declares none (FIELDS() subqueries). */
const CHILD_COLUMN_SAMPLE = 2000;
/** The most rows one INSERT statement carries. */
const ROWS_PER_INSERT = 100;

/**
 * Creates a result store in a SQLite file of its own (one per run, in the app's data folder): the rows live on disk, main
 * holds only a page cache and the views (row numbers). It answers exactly as the memory store does: cells keep their
 * types (text as TEXT, numbers as numbers, booleans as one-byte BLOBs, a child count as an integer with its records as
 * JSON beside it). `close()` deletes the file. A failure to create or write it is a FILE error naming the file.
 */
export function createDiskResultStore(file: string, options: ViewOptions = {}): ResultStore {
  let db: Database.Database;
  try {
    db = new Database(file);
    // A result file is rebuilt from the org if lost: no journal, no fsync, a small page cache.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -8000');
    db.pragma('temp_store = FILE');
  } catch (error) {
    throw toFileError(error, file, 'create the result file');
  }
  let specs: ColumnSpec[] = [];
  let publicColumns: ResultColumn[] = [];
  let childColumnsAt: number[] = [];
  let size = 0;
  let sealed = false;
  let open = true;
  const casing = new Map<string, string>();
  let insertRow: Database.Statement | null = null;
  let insertMany: Database.Statement | null = null;
  let insertSearch: Database.Statement | null = null;
  let insertSearchMany: Database.Statement | null = null;
  let searchRange: Database.Statement | null = null;
  let rowsPerInsert = 1;
  let insertChild: Database.Statement | null = null;
  let readRange: Database.Statement | null = null;
  let readColumn: Database.Statement[] = [];
  let readChild: Database.Statement | null = null;

  const guarded = <T>(work: () => T): T => {
    try {
      return work();
    } catch (error) {
      throw toFileError(error, file);
    }
  };

  const decode = (value: unknown, spec: ColumnSpec | undefined): CellValue => {
    if (spec?.kind === 'children') return { children: typeof value === 'number' ? value : 0 };
    if (value === null || value === undefined) return null;
    if (Buffer.isBuffer(value)) return value[0] === 1;
    if (typeof value === 'bigint') return Number(value);
    return value as string | number;
  };
  const encode = (cell: CellValue): unknown => {
    if (cell === null) return null;
    if (typeof cell === 'boolean') return cell ? TRUE : FALSE;
    if (typeof cell === 'object') return cell.children;
    return cell;
  };
  const decodeRow = (raw: unknown[]): CellValue[] => raw.map((value, i) => decode(value, specs[i]));

  const setColumns = (columns: ColumnSpec[]): void => {
    guarded(() => {
      db.exec('DROP TABLE IF EXISTS rows; DROP TABLE IF EXISTS children; DROP TABLE IF EXISTS search;');
      // What a filter searches, one lower-cased text per row (its searchable cells joined by U+0001), scanned with instr().
      db.exec('CREATE TABLE search (text TEXT NOT NULL)');
      const names = columns.map((_, i) => `c${i}`);
      db.exec(`CREATE TABLE rows (${names.length === 0 ? 'c0' : names.join(', ')})`);
      db.exec('CREATE TABLE children (row INTEGER NOT NULL, col INTEGER NOT NULL, records TEXT NOT NULL, PRIMARY KEY (row, col)) WITHOUT ROWID');
      specs = columns;
      publicColumns = columns.map((c) => ({ path: c.path, kind: c.kind }));
      childColumnsAt = columns.flatMap((c, i) => (c.kind === 'children' ? [i] : []));
      size = 0;
      views.clear();
      const values = `(?, ${names.map(() => '?').join(', ')})`;
      insertRow = names.length === 0 ? null : db.prepare(`INSERT INTO rows (rowid, ${names.join(', ')}) VALUES ${values}`);
      // Rows without children go in many at a statement (one native call per ROWS_PER_INSERT rows, under SQLite's 32,766 parameters).
      rowsPerInsert = Math.max(1, Math.min(ROWS_PER_INSERT, Math.floor(32_000 / (names.length + 1))));
      insertMany = names.length === 0 || rowsPerInsert === 1 ? null : db.prepare(`INSERT INTO rows (rowid, ${names.join(', ')}) VALUES ${Array.from({ length: rowsPerInsert }, () => values).join(', ')}`);
      insertChild = db.prepare('INSERT INTO children (row, col, records) VALUES (?, ?, ?)');
      insertSearch = db.prepare('INSERT INTO search (rowid, text) VALUES (?, ?)');
      insertSearchMany = db.prepare(`INSERT INTO search (rowid, text) VALUES ${Array.from({ length: ROWS_PER_INSERT }, () => '(?, ?)').join(', ')}`);
      searchRange = db.prepare('SELECT rowid FROM search WHERE rowid > ? AND rowid <= ? AND instr(text, ?) > 0').pluck();
      readRange = db.prepare('SELECT * FROM rows WHERE rowid > ? AND rowid <= ? ORDER BY rowid').raw();
      readColumn = names.map((name) => db.prepare(`SELECT ${name} FROM rows WHERE rowid > ? AND rowid <= ? ORDER BY rowid`).pluck());
      readChild = db.prepare('SELECT records FROM children WHERE row = ? AND col = ?').pluck();
    });
  };

  const slice = (start: number, end: number): CellValue[][] => {
    if (readRange === null || end <= start) return [];
    const statement = readRange;
    return guarded(() => (statement.all(Math.max(0, start), Math.min(end, size)) as unknown[][]).map(decodeRow));
  };

  const views = createViewCache(
    {
      get size() {
        return size;
      },
      get sealed() {
        return sealed;
      },
      columnIndex: (name) => columnPosition(specs, name),
      columnValues(column, start, end) {
        const statement = readColumn[column];
        if (statement === undefined) return [];
        const spec = specs[column];
        return guarded(() => statement.all(start, end).map((value) => decode(value, spec)));
      },
      searchableRows(start, end) {
        return slice(start, end).map((cells) => cells.filter((_, i) => specs[i]?.kind !== 'children'));
      },
      matchingRows(needle, start, end) {
        const statement = searchRange;
        if (statement === null) return [];
        return guarded(() => (statement.all(start, end, needle) as number[]).map((rowid) => rowid - 1));
      },
    },
    options,
  );

  /** The lower-cased text a filter searches in a row: every cell but child subqueries and nulls, as the memory store matches them. */
  const searchText = (cells: readonly CellValue[]): string => {
    let text = '';
    for (let c = 0; c < specs.length; c += 1) {
      const cell = cells[c] ?? null;
      if (cell !== null && typeof cell !== 'object' && specs[c]?.kind !== 'children') text += `${String(cell)}\u0001`;
    }
    return text.toLowerCase();
  };
  /** Writes the search texts of rows stored from rowid `first` + 1 on (inside the caller's transaction). */
  const appendSearch = (rows: readonly CellValue[][], first: number): void => {
    const one = insertSearch as Database.Statement;
    const many = insertSearchMany as Database.Statement;
    const whole = rows.length - (rows.length % ROWS_PER_INSERT);
    const params: unknown[] = new Array<unknown>(ROWS_PER_INSERT * 2);
    for (let start = 0; start < whole; start += ROWS_PER_INSERT) {
      for (let r = 0; r < ROWS_PER_INSERT; r += 1) {
        params[r * 2] = first + start + r + 1;
        params[r * 2 + 1] = searchText(rows[start + r] as CellValue[]);
      }
      many.run(params);
    }
    for (let r = whole; r < rows.length; r += 1) one.run(first + r + 1, searchText(rows[r] as CellValue[]));
  };

  /** Rows without children columns: a flat parameter list, many rows per statement, one transaction. */
  const appendPlainRows = (rows: readonly CellValue[][], many: Database.Statement, one: Database.Statement): void => {
    const width = specs.length + 1;
    guarded(() =>
      db.transaction(() => {
        const whole = rows.length - (rows.length % rowsPerInsert);
        const params: unknown[] = new Array<unknown>(rowsPerInsert * width);
        for (let start = 0; start < whole; start += rowsPerInsert) {
          for (let r = 0; r < rowsPerInsert; r += 1) {
            const cells = rows[start + r] as CellValue[];
            const at = r * width;
            params[at] = size + start + r + 1;
            for (let c = 0; c < specs.length; c += 1) params[at + c + 1] = encode(cells[c] ?? null);
          }
          many.run(params);
        }
        for (let r = whole; r < rows.length; r += 1) {
          const cells = rows[r] as CellValue[];
          one.run(size + r + 1, ...specs.map((_, c) => encode(cells[c] ?? null)));
        }
        appendSearch(rows, size);
      })(),
    );
    size += rows.length;
  };

  const appendRows = (rows: readonly CellValue[][], childRecordsOf?: ChildRecordsOf): void => {
    if (insertRow === null || insertChild === null || rows.length === 0) return;
    if (childColumnsAt.length === 0 && insertMany !== null) {
      appendPlainRows(rows, insertMany, insertRow);
      return;
    }
    const statement = insertRow;
    const children = insertChild;
    guarded(() =>
      db.transaction(() => {
        for (const [r, cells] of rows.entries()) {
          const rowid = size + r + 1;
          const values = specs.map((_, i) => encode(cells[i] ?? null));
          for (const column of childColumnsAt) {
            const records = childRecordsOf?.(r, column) ?? null;
            if (records !== null) {
              values[column] = records.length;
              children.run(rowid, column, JSON.stringify(records));
            }
          }
          statement.run(rowid, ...values);
        }
        appendSearch(rows, size);
      })(),
    );
    size += rows.length;
  };

  const columnNamed = (name: string): { spec: ColumnSpec; index: number } => {
    const index = columnPosition(specs, name);
    return { spec: specs[index] as ColumnSpec, index };
  };
  const childRecords = (rowIndex: number, index: number): Record<string, unknown>[] | null => {
    if (readChild === null) return null;
    const statement = readChild;
    const text = guarded(() => statement.get(rowIndex + 1, index)) as string | undefined;
    return text === undefined ? null : (JSON.parse(text) as Record<string, unknown>[]);
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
    heapBytes: 0,
    setColumns,
    appendRecords(records) {
      if (records.length === 0) return;
      if (specs.length === 0) setColumns(columnsFromRecords(records));
      const { rows, childRecordsOf } = flattenRecords(specs, records, casing);
      appendRows(rows, childRecordsOf);
    },
    appendRows,
    seal() {
      sealed = true;
    },
    window: (request) =>
      viewWindow(views, request, size, (rowIndexes, inOrder) => (inOrder ? slice(rowIndexes[0] ?? 0, (rowIndexes.at(-1) ?? -1) + 1) : rowsAt(rowIndexes))),
    rowIndexAt: async (viewIndex, sort, filter) => rowAtView(await views.view(sort, filter), viewIndex, size),
    children(rowIndex, name) {
      const { spec, index } = columnNamed(name);
      if (spec.kind !== 'children') throw notChildrenColumn(name);
      return childRows(spec, childRecords(rowIndex, index) ?? []);
    },
    row: (rowIndex) => slice(rowIndex, rowIndex + 1)[0] ?? specs.map(() => null),
    slice,
    childRecords(rowIndex, name) {
      return childRecords(rowIndex, columnNamed(name).index);
    },
    childColumns(name) {
      const { spec, index } = columnNamed(name);
      if (spec.children !== undefined && spec.children.length > 0) return spec.children;
      const sample = guarded(() => db.prepare('SELECT records FROM children WHERE col = ? LIMIT ?').pluck().all(index, CHILD_COLUMN_SAMPLE) as string[]);
      return childSpecs(spec, sample.flatMap((text) => JSON.parse(text) as Record<string, unknown>[]));
    },
    close() {
      if (!open) return;
      open = false;
      try {
        db.close();
      } finally {
        rmSync(file, { force: true });
      }
    },
  };

  /** The stored rows at these row numbers, in this order. */
  function rowsAt(rowIndexes: number[]): CellValue[][] {
    if (rowIndexes.length === 0) return [];
    const found = new Map<number, CellValue[]>();
    for (let start = 0; start < rowIndexes.length; start += 500) {
      const ids = rowIndexes.slice(start, start + 500).map((i) => i + 1);
      const raw = guarded(() => db.prepare(`SELECT rowid, * FROM rows WHERE rowid IN (${ids.map(() => '?').join(',')})`).raw().all(...ids) as unknown[][]);
      for (const [rowid, ...cells] of raw) found.set(Number(rowid) - 1, decodeRow(cells));
    }
    return rowIndexes.map((i) => found.get(i) ?? specs.map(() => null));
  }
}
