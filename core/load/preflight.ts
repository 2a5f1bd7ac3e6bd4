/**
 * Pre-flight: the whole file checked against the plan and the describe, streaming, before any API call (issue 9, item 3).
 * Issues are grouped by kind with counts and the first examples; the invalid rows' numbers come back for the load, and
 * the rows themselves can be written to their own file.
 */
import type { LoadObject, LoadPlan, PreflightExample, PreflightIssueGroup, PreflightIssueKind, PreflightReport } from '../../shared/ipc/domains/load';
import { csvLine } from './csv-line';
import { forEachCsvRecord, type CsvShape } from './csv-source';
import { createFileSink, type FileSink } from './file-sink';
import { createRowValidator, NULL_VALUE, type RowIssue } from './row-validator';

/** What pre-flight checks. */
export type PreflightInput = {
  path: string;
  shape: Pick<CsvShape, 'encoding' | 'delimiter' | 'headers'>;
  plan: LoadPlan;
  object: LoadObject;
  /** Key prefixes by object name (from the global describe), to check lookup ids. */
  keyPrefixes?: Readonly<Record<string, string>> | undefined;
  signal?: AbortSignal | undefined;
  /** Rows checked so far: every 10,000 rows and at the end. */
  onProgress?: ((rowsChecked: number) => void) | undefined;
  /** Where to write the invalid rows (`row`, `issues`, then the original columns), when wanted. */
  excludedFile?: string | undefined;
  /** Milliseconds, for `durationMs` (performance.now by default). */
  now?: (() => number) | undefined;
};

/**
 * The report, plus the invalid rows' 1-based numbers in file order (ascending, so a load can skip them with one cursor
 * while reading the file again); its length is `invalidRows`.
 */
export type PreflightOutcome = PreflightReport & { invalidRowNumbers: Uint32Array };

/** Examples kept per kind of issue. */
export const EXAMPLES_PER_KIND = 5;

const PROGRESS_EVERY = 10_000;

const NULL_HINT = `An empty cell leaves a field as it is on update; write ${NULL_VALUE} in a cell to set the field to null.`;

/** What each kind of issue means, and what to do about it. */
const KINDS: Record<PreflightIssueKind, { message: string; hint?: string }> = {
  'ragged-row': { message: 'Rows whose number of values differs from the header', hint: 'Quote values that contain the delimiter.' },
  'required-missing': { message: 'Required fields without a value', hint: `Fill in the value, or map a column or a constant to the field. ${NULL_HINT}` },
  'missing-key': { message: 'Rows without the key that identifies their record', hint: 'Every row of an update or delete needs its Id; every row of an upsert its external id.' },
  'duplicate-key': { message: 'Keys that appear more than once in the file', hint: 'Bulk API 2.0 fails every row of a duplicated key: keep one row per record.' },
  'not-createable': { message: 'Values for fields that cannot be set on new records', hint: 'Leave the column out of the mapping, or empty its cells.' },
  'not-updateable': { message: 'Values for fields that cannot be changed', hint: 'Leave the column out of the mapping, or empty its cells.' },
  'bad-number': { message: 'Values that are not numbers', hint: 'Write numbers with a decimal point and no thousands separators or currency signs: 1234.50.' },
  'bad-boolean': { message: 'Values that are not true or false', hint: 'Write true or false (1/0 and yes/no are read too).' },
  'bad-date': { message: 'Values that are not dates in the chosen day order', hint: `Pick the day order the file uses, or write dates as 2024-03-31. ${NULL_HINT}` },
  'bad-datetime': { message: 'Values that are not date-times', hint: 'Write date-times as 2024-03-31T14:30:00Z, or a date and time in the chosen day order; times without an offset are read in the chosen time zone.' },
  'bad-id': { message: 'Values that are not Salesforce record ids', hint: 'An id has 15 or 18 letters and digits; an 18-character id whose case was changed (e.g. by Excel) no longer matches its last 3 characters.' },
  'wrong-object-id': { message: 'Ids of another object', hint: 'The first 3 characters of an id name its object: check that the column holds ids of the right object.' },
  'text-too-long': { message: 'Text longer than the field holds', hint: 'Shorten the values, or map the column to a longer field.' },
  'bad-picklist': { message: 'Values a restricted picklist does not allow', hint: 'Use one of the picklist\'s values, or ask an admin to add the value to the picklist.' },
  'empty-lookup': { message: 'Required lookups without a value', hint: 'Fill in the parent\'s external id so the lookup can be set.' },
};

/** The order groups are shown in: file structure first, then keys, then values. */
const ORDER = Object.keys(KINDS) as PreflightIssueKind[];

type Group = { count: number; examples: PreflightExample[] };

/**
 * Reads the file once through the plan's row validator: every row and mapped field checked against the describe,
 * duplicate keys found across the whole file, nothing sent anywhere. Bad files are refused as `forEachCsvRecord` refuses
 * them, and a plan that cannot load any row as `createRowValidator` refuses it (both VALIDATION errors).
 */
export async function runPreflight(input: PreflightInput): Promise<PreflightOutcome> {
  const now = input.now ?? (() => performance.now());
  const started = now();
  const validator = createRowValidator({ plan: input.plan, object: input.object, headers: input.shape.headers, keyPrefixes: input.keyPrefixes });
  const groups = new Map<PreflightIssueKind, Group>();
  let invalid = new Uint32Array(1024);
  let invalidRows = 0;
  let rowsChecked = 0;
  let excluded: FileSink | undefined;
  const note = (issue: RowIssue, row: number): void => {
    let group = groups.get(issue.kind);
    if (group === undefined) {
      group = { count: 0, examples: [] };
      groups.set(issue.kind, group);
    }
    group.count += 1;
    if (group.examples.length < EXAMPLES_PER_KIND) group.examples.push({ row, column: issue.column, value: issue.value, why: issue.why });
  };
  try {
    if (input.excludedFile !== undefined) {
      excluded = createFileSink(input.excludedFile, 'w');
      await excluded.write(csvLine(['row', 'issues', ...input.shape.headers]));
    }
    const sink = excluded;
    await forEachCsvRecord(input.path, input.shape, { signal: input.signal }, (values, row) => {
      rowsChecked += 1;
      if (rowsChecked % PROGRESS_EVERY === 0) input.onProgress?.(rowsChecked);
      const check = validator.check(values, row);
      if (check.ok) return undefined;
      if (invalidRows === invalid.length) {
        const grown = new Uint32Array(invalid.length * 2);
        grown.set(invalid);
        invalid = grown;
      }
      invalid[invalidRows] = row;
      invalidRows += 1;
      for (const issue of check.issues) note(issue, row);
      if (sink === undefined) return undefined;
      return sink.write(csvLine([String(row), check.issues.map((i) => `${i.column}: ${i.why}`).join('; '), ...values]));
    });
    await excluded?.close({ sync: true });
  } catch (error) {
    excluded?.destroy();
    throw error;
  }
  input.onProgress?.(rowsChecked);
  const used = new Set(input.plan.mappings.flatMap((m) => (m.source === 'column' ? [m.column.trim().toLowerCase()] : [])));
  return {
    rowsChecked,
    validRows: rowsChecked - invalidRows,
    invalidRows,
    groups: ORDER.flatMap((kind): PreflightIssueGroup[] => {
      const group = groups.get(kind);
      if (group === undefined) return [];
      const { message, hint } = KINDS[kind];
      return [hint === undefined ? { kind, count: group.count, message, examples: group.examples } : { kind, count: group.count, message, hint, examples: group.examples }];
    }),
    unmappedColumns: input.shape.headers.filter((h) => !used.has(h.trim().toLowerCase())),
    durationMs: Math.round(now() - started),
    invalidRowNumbers: invalid.slice(0, invalidRows),
  };
}
