import type { CellValue, ResultColumn } from '../../shared/ipc/domains/query';
import { columnsFromRecords, isChildResult, type ColumnSpec } from './soql-columns';

/** The flattened rows and columns of one child subquery cell. */
export type ChildRows = { columns: ResultColumn[]; rows: CellValue[][] };

/** The child records of the row at `row` (an offset into the appended batch) in the children column at `column`. */
export type ChildRecordsOf = (row: number, column: number) => readonly Record<string, unknown>[] | null;

/**
 * Flattens REST records along the columns: parent paths to dotted cells, a child subquery to `{children: n}` with its
 * records kept aside (`childRecordsOf`), compound values (addresses, locations) to JSON text.
 */
export function flattenRecords(
  specs: readonly ColumnSpec[],
  records: readonly Record<string, unknown>[],
  casing: Map<string, string>,
): { rows: CellValue[][]; childRecordsOf: ChildRecordsOf } {
  const children: (Record<string, unknown>[] | null)[][] = [];
  const rows = records.map((record) => {
    const kids: (Record<string, unknown>[] | null)[] = [];
    const cells = specs.map((spec) => {
      const value = readPath(record, spec.read, casing);
      if (spec.kind !== 'children') return toCell(value);
      const child = isChildResult(value) ? value.records : null;
      kids.push(child);
      return { children: child === null ? 0 : child.length };
    });
    children.push(kids);
    return cells;
  });
  const childColumnOrdinal = new Map<number, number>();
  specs.forEach((spec, i) => {
    if (spec.kind === 'children') childColumnOrdinal.set(i, childColumnOrdinal.size);
  });
  return { rows, childRecordsOf: (row, column) => children[row]?.[childColumnOrdinal.get(column) ?? -1] ?? null };
}

/** The columns of a children column: as the subquery declared them, else read from the records. */
export function childSpecs(spec: ColumnSpec, records: readonly Record<string, unknown>[]): ColumnSpec[] {
  const declared = spec.children;
  return declared !== undefined && declared.length > 0 ? declared : columnsFromRecords(records);
}

/** The grid rows of one child subquery cell. */
export function childRows(spec: ColumnSpec, records: readonly Record<string, unknown>[]): ChildRows {
  const specs = childSpecs(spec, records);
  const { rows } = flattenRecords(specs, records, new Map());
  return { columns: specs.map((c) => ({ path: c.path, kind: c.kind })), rows };
}

/** Turns a JSON value into a grid cell: scalars as they are, compound values (addresses, locations) as JSON text. */
export function toCell(value: unknown): CellValue {
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
