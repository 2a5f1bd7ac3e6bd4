import { stringify } from 'csv-stringify/sync';
import { assertNever } from '../../shared/ipc/result';
import type { ResultColumn } from '../../shared/ipc/domains/query';
import { setPath } from '../../core/query/query-export';
import { createFormulaGuard, PROTECTED_CELL } from '../../core/files/formula-guard';
import type { OutputFormat } from './output-format';
import type { QueryChunk, RowValue } from './streamed-query';

/**
 * Turns a stream of row chunks into text in the chosen format, chunk by chunk (for `stream/promises` pipeline).
 * `csvFormulaSafe` protects CSV cells that would run as formulas in Excel, as the app's export option does.
 */
export function formatRows(format: OutputFormat, options: { csvFormulaSafe?: boolean } = {}): (chunks: AsyncIterable<QueryChunk>) => AsyncGenerator<string> {
  switch (format) {
    case 'csv':
      return (chunks) => csvText(chunks, options.csvFormulaSafe === true);
    case 'json':
      return jsonText;
    case 'table':
      return tableText;
    default:
      return assertNever(format);
  }
}

/**
 * CSV as the app exports it (RFC 4180: CRLF, quotes doubled, UTF-8, a header of dotted parent paths). A child subquery cell
 * holds its records as a JSON array, since one stream cannot carry the app's sibling files. With `formulaSafe`, a cell that
 * would start a formula gets a `'` in front and is quoted (core/files/formula-guard.ts).
 */
async function* csvText(chunks: AsyncIterable<QueryChunk>, formulaSafe: boolean): AsyncGenerator<string> {
  const guard = createFormulaGuard(formulaSafe);
  const quotedMatch = formulaSafe ? [/^\s|\s$/, PROTECTED_CELL] : /^\s|\s$/;
  let header = true;
  for await (const chunk of chunks) {
    const records = chunk.rows.map((row) => row.map((value) => guard.cell(csvCell(value))));
    if (header) {
      records.unshift(chunk.columns.map((column) => column.path));
      header = false;
    }
    if (records.length > 0) yield stringify(records, { record_delimiter: 'windows', quoted_match: quotedMatch });
  }
}

/** A JSON array of records as the app exports it: parent paths nested back into objects, child subqueries as arrays. */
async function* jsonText(chunks: AsyncIterable<QueryChunk>): AsyncGenerator<string> {
  let count = 0;
  yield '[';
  for await (const chunk of chunks) {
    let text = '';
    for (const record of recordsOf(chunk)) {
      text += `${count === 0 ? '\n' : ',\n'}${JSON.stringify(record)}`;
      count += 1;
    }
    if (text !== '') yield text;
  }
  yield count === 0 ? ']\n' : '\n]\n';
}

/** A chunk's rows as JSON records (the `--format json` shape), for the `records` of a `--json` document too. */
export function* recordsOf(chunk: QueryChunk): Generator<Record<string, unknown>> {
  const paths = chunk.columns.map((column) => column.path.split('.'));
  for (const row of chunk.rows) {
    const record: Record<string, unknown> = {};
    row.forEach((value, i) => setPath(record, paths[i] ?? [String(i)], isChildren(value) ? value.records : value));
    yield record;
  }
}

const MAX_TABLE_WIDTH = 48;

/**
 * A text table for a person at a terminal: column widths from the first chunk (capped, longer cells cut with …), so the
 * rows still stream; a child subquery cell shows its record count.
 */
async function* tableText(chunks: AsyncIterable<QueryChunk>): AsyncGenerator<string> {
  let widths: number[] | null = null;
  for await (const chunk of chunks) {
    const cells = chunk.rows.map((row) => row.map(tableCell));
    if (widths === null) {
      widths = columnWidths(chunk.columns, cells);
      const line = (texts: string[]): string => texts.map((text, i) => fit(text, widths?.[i] ?? 0)).join('  ').trimEnd();
      yield `${line(chunk.columns.map((c) => c.path))}\n${line(widths.map((w) => '-'.repeat(w)))}\n`;
    }
    const fixed = widths;
    if (cells.length > 0) yield cells.map((row) => `${row.map((text, i) => fit(text, fixed[i] ?? 0)).join('  ').trimEnd()}\n`).join('');
  }
}

function columnWidths(columns: ResultColumn[], rows: string[][]): number[] {
  return columns.map((column, i) => Math.min(MAX_TABLE_WIDTH, Math.max(column.path.length, ...rows.map((row) => (row[i] ?? '').length))));
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width);
}

function isChildren(value: RowValue): value is { records: Record<string, unknown>[] } {
  return value !== null && typeof value === 'object';
}

function csvCell(value: RowValue): string {
  if (value === null) return '';
  if (isChildren(value)) return JSON.stringify(value.records);
  return String(value);
}

function tableCell(value: RowValue): string {
  if (value === null) return '';
  if (isChildren(value)) return `[${value.records.length}]`;
  return String(value).replace(/[\r\n\t]+/g, ' ');
}

