import { ServiceError } from '../errors';
import type { Clock } from '../salesforce';
import type { SaveFilePicker } from './ports';
import { exportCsv, exportJson, type CsvExportOptions, type ExportOutcome } from './query-export';
import type { QueryRun } from './query-run';

/**
 * Streams a finished (or cancelled) run to the file the picker chose, named `<Object>-<time>.<format>` by default. A
 * write that fails is a FILE error naming the file (both writers map it). `options` apply to CSV only.
 */
export async function exportRun(run: QueryRun, format: 'csv' | 'json', picker: SaveFilePicker, clock: Clock, options: CsvExportOptions = {}): Promise<ExportOutcome> {
  if (run.state === 'running') {
    throw new ServiceError('VALIDATION', 'This query is still fetching rows.', 'Wait until it finishes (or cancel it), then export.');
  }
  const stamp = new Date(clock.now()).toISOString().replace(/[:.]/g, '-');
  const suggestedName = `${run.object ?? 'query'}-${stamp}.${format}`;
  const path = await picker.pickSavePath({ suggestedName, format });
  if (path === null) throw new ServiceError('CANCELLED', 'The export was cancelled.');
  return format === 'csv' ? exportCsv(run.store, path, options) : exportJson(run.store, path);
}
