import { createWriteStream } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { CellValue } from '../../shared/ipc/domains/query';
import { removePartialFile, toFileError } from '../files/file-errors';
import { createFormulaGuard, PROTECTED_CELL } from '../files/formula-guard';
import { readPath, type ResultReader } from './result-store';

/** Where an export went, how many parent rows it holds, and how many cells got a `'` for spreadsheet safety (CSV only). */
export type ExportOutcome = { files: string[]; rows: number; protectedCells: number };

/** How a CSV export writes cells: `formulaSafe` protects cells that would run as formulas in Excel (core/files/formula-guard.ts). */
export type CsvExportOptions = { formulaSafe?: boolean };

/**
 * Writes a result as CSV (RFC 4180: CRLF, quotes doubled, UTF-8, a header of dotted parent paths), one more CSV per child
 * relationship beside it (`<name>.<Relationship>.csv`, keyed by the parent's Id, or its row number when Id was not
 * selected), streamed row by row with back-pressure: nothing is built whole. A write that fails (an unwritable folder, a
 * full disk) is a FILE ServiceError naming the file; the partial files are removed. With `formulaSafe`, every data cell
 * that would start a formula gets a `'` in front and is quoted (the header names fields and is never changed).
 */
export async function exportCsv(store: ResultReader, path: string, options: CsvExportOptions = {}): Promise<ExportOutcome> {
  const guard = createFormulaGuard(options.formulaSafe === true);
  const quotedMatch = options.formulaSafe === true ? [EDGE_SPACE, PROTECTED_CELL] : EDGE_SPACE;
  const columns = store.columns;
  const fieldIndexes = columns.flatMap((c, i) => (c.kind === 'children' ? [] : [i]));
  const idIndex = columns.findIndex((c) => c.kind === 'field' && c.path.toLowerCase() === 'id');
  const files = [path];
  const size = store.size;
  try {
    await writeCsv(path, quotedMatch, async function* () {
      yield fieldIndexes.map((i) => columns[i]?.path ?? '');
      for await (const { rows } of batches(store, size)) {
        for (const row of rows) yield fieldIndexes.map((i) => guard.cell(csvCell(row[i] ?? null)));
      }
    });
    for (const column of columns.filter((c) => c.kind === 'children')) {
      const childColumns = store.childColumns(column.path).filter((c) => c.kind !== 'children');
      const childPath = siblingPath(path, column.path, '.csv');
      files.push(childPath);
      const casing = new Map<string, string>();
      await writeCsv(childPath, quotedMatch, async function* () {
        yield [idIndex >= 0 ? 'ParentId' : 'ParentRow', ...childColumns.map((c) => c.path)];
        for await (const { start, rows } of batches(store, size)) {
          for (const [i, row] of rows.entries()) {
            const records = store.childRecords(start + i, column.path);
            if (records === null || records.length === 0) continue;
            const key = idIndex >= 0 ? guard.cell(csvCell(row[idIndex] ?? null)) : String(start + i + 1);
            for (const record of records) yield [key, ...childColumns.map((c) => guard.cell(csvCell(cellOf(readPath(record, c.read, casing)))))];
          }
        }
      });
    }
  } catch (error) {
    const failed = files[files.length - 1] ?? path;
    for (const file of files) removePartialFile(file);
    throw toFileError(error, failed);
  }
  return { files, rows: size, protectedCells: guard.protectedCells };
}

/**
 * Writes a result as a JSON array of records: parent paths nested back into objects (`{"Account":{"Name":…}}`), child
 * relationships as arrays of their records, `attributes` dropped. Streamed one record at a time.
 */
export async function exportJson(store: ResultReader, path: string): Promise<ExportOutcome> {
  const columns = store.columns;
  const size = store.size;
  async function* text(): AsyncGenerator<string> {
    yield '[';
    for await (const { start, rows } of batches(store, size)) {
      for (const [i, row] of rows.entries()) {
        const r = start + i;
        const record: Record<string, unknown> = {};
        columns.forEach((column, c) => {
          const value = column.kind === 'children' ? childArray(store.childRecords(r, column.path)) : (row[c] ?? null);
          setPath(record, column.path.split('.'), value);
        });
        yield `${r === 0 ? '\n' : ',\n'}${JSON.stringify(record)}`;
      }
    }
    yield size === 0 ? ']\n' : '\n]\n';
  }
  try {
    await pipeline(Readable.from(text()), createWriteStream(path, { encoding: 'utf8' }));
  } catch (error) {
    removePartialFile(path);
    throw toFileError(error, path);
  }
  return { files: [path], rows: size, protectedCells: 0 };
}

const EXPORT_BATCH = 1000;

/** The stored rows in batches, yielding to the event loop between them so a big export never holds main up. */
async function* batches(store: ResultReader, size: number): AsyncGenerator<{ start: number; rows: CellValue[][] }> {
  for (let start = 0; start < size; start += EXPORT_BATCH) {
    yield { start, rows: store.slice(start, Math.min(size, start + EXPORT_BATCH)) };
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Cells with a space at either end are quoted, so a spreadsheet or a parser that trims keeps them. */
const EDGE_SPACE = /^\s|\s$/;

async function writeCsv(path: string, quotedMatch: RegExp | RegExp[], rows: () => AsyncGenerator<string[]>): Promise<void> {
  await pipeline(Readable.from(rows()), stringify({ record_delimiter: 'windows', quoted_match: quotedMatch }), createWriteStream(path));
}

function csvCell(value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'object') return String(value.children);
  return String(value);
}

function cellOf(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

function childArray(records: readonly Record<string, unknown>[] | null): unknown[] | null {
  return records === null ? null : records.map((r) => withoutAttributes(r));
}

function withoutAttributes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutAttributes);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'attributes') continue;
    const nested = inner as { records?: unknown } | null;
    out[key] = nested !== null && typeof nested === 'object' && Array.isArray(nested.records) ? withoutAttributes(nested.records) : withoutAttributes(inner);
  }
  return out;
}

/** Sets `value` at a dotted path of a JSON record, making the parent objects on the way (`Account.Owner.Name`). */
export function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i += 1) {
    const key = path[i] ?? '';
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] ?? ''] = value;
}

/** `/x/contacts.csv` + `Cases` → `/x/contacts.Cases.csv`. */
function siblingPath(path: string, part: string, extension: string): string {
  const ext = extname(path);
  return join(dirname(path), `${basename(path, ext)}.${part.replace(/[^\w.-]/g, '_')}${extension}`);
}
