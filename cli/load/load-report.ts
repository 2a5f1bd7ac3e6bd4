/** How a load's mapping, pre-flight report and outcome read on a terminal (plain text, one string per line). */
import type { FieldMapping, LoadSummary, PreflightReport } from '../../shared/ipc/domains/load';
import { retrySentences } from '../../shared/salesforce/lock-retries';

const plural = (count: number, one: string, many = `${one}s`): string => `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;

/** Cuts a value to a readable length for an example line. */
function shown(value: string): string {
  const flat = value.replace(/\r?\n/g, '\\n');
  return flat.length > 60 ? `"${flat.slice(0, 57)}..."` : `"${flat}"`;
}

/** The mapping as `column -> field` lines, then the columns left out. */
export function mappingLines(mappings: readonly FieldMapping[], unmappedColumns: readonly string[], origin: string): string[] {
  const lines = [`Mapping (${origin}):`];
  for (const m of mappings) lines.push(m.source === 'column' ? `  ${m.column} -> ${m.field}` : `  constant ${shown(m.value)} -> ${m.field}`);
  if (unmappedColumns.length > 0) lines.push(`  not loaded: ${unmappedColumns.join(', ')}`);
  return lines;
}

/** The pre-flight report: the totals, then each kind of issue with its count, its hint and its first examples. */
export function preflightLines(report: PreflightReport): string[] {
  const lines = [
    `Pre-flight: ${plural(report.rowsChecked, 'row')} checked, ${report.validRows.toLocaleString('en-US')} valid, ${report.invalidRows.toLocaleString('en-US')} invalid (${(report.durationMs / 1000).toFixed(1)} s).`,
  ];
  for (const group of report.groups) {
    lines.push(`  ${group.message} [${group.kind}]: ${group.count.toLocaleString('en-US')}`);
    for (const example of group.examples) {
      lines.push(`    row ${example.row}, ${example.column}${example.value === '' ? '' : ` ${shown(example.value)}`}: ${example.why}`);
    }
    if (group.hint !== undefined) lines.push(`    ${group.hint}`);
  }
  return lines;
}

/** The counts of an ended load (which add up to the input) and where each result file is. */
export function outcomeLines(summary: LoadSummary): string[] {
  const { counts, files } = summary;
  const lines = [
    `${plural(counts.input, 'input row')}: ${counts.success.toLocaleString('en-US')} succeeded, ${counts.failed.toLocaleString('en-US')} failed, ` +
      `${counts.unprocessed.toLocaleString('en-US')} unprocessed, ${counts.excluded.toLocaleString('en-US')} excluded by pre-flight.`,
    `  success      ${String(counts.success).padStart(8)}  ${files.success}`,
    `  failure      ${String(counts.failed).padStart(8)}  ${files.failure}`,
    `  unprocessed  ${String(counts.unprocessed).padStart(8)}  ${files.unprocessed}`,
  ];
  if (files.excluded !== null) lines.push(`  excluded     ${String(counts.excluded).padStart(8)}  ${files.excluded}`);
  if (summary.retries !== undefined) lines.push(...retrySentences(summary.retries).map((line) => `Retried: ${line}`));
  const jobs = summary.jobs.filter((job) => job.jobId !== null).map((job) => job.jobId);
  const listed = jobs.length > 6 ? `${jobs.slice(0, 5).join(', ')} and ${jobs.length - 5} more` : jobs.join(', ');
  if (jobs.length > 0) lines.push(`Bulk API 2.0 ${jobs.length === 1 ? 'job' : 'jobs'}: ${listed}`);
  return lines;
}

/** Whether every input row of an ended load was loaded (nothing failed, unprocessed or excluded). */
export function everyRowLoaded(summary: LoadSummary): boolean {
  return summary.counts.success === summary.counts.input;
}
