import type { QueryPage } from '../../shared/salesforce/rest';
import type { RestApi } from '../salesforce';
import type { QueryRun } from './query-run';
import { isChildResult, type QueryShape } from './soql-columns';

/** REST page options: the run's signal and `Sforce-Query-Options: batchSize`. */
export type PageOptions = { signal: AbortSignal; batchSize?: number };

/**
 * Reads every REST page after `first` into the run's store with `nextRecordsUrl` (salesforce-api.md §2.3), asking for the
 * next page before flattening this one so the org prepares it meanwhile; `emit` reports each page.
 */
export async function readRestPages(rest: RestApi, run: QueryRun, shape: QueryShape, first: QueryPage, options: PageOptions, emit: () => void): Promise<void> {
  if (shape.countOnly) {
    // `SELECT COUNT()` answers with totalSize and no records: show the count as a one-cell result.
    run.store.setColumns([{ path: 'COUNT()', kind: 'aggregate', read: [] }]);
    await run.store.appendRows([[first.totalSize]]);
    run.fetched = 1;
    run.totalSize = 1;
    return;
  }
  for (let current = first; ; ) {
    const next = current.done || current.nextRecordsUrl === undefined ? null : rest.queryMore(current.nextRecordsUrl, options);
    next?.catch(() => undefined);
    await completeChildResults(rest, current.records, options);
    await run.store.appendRecords(current.records);
    run.fetched += current.records.length;
    if (next === null) return;
    emit();
    current = await next;
  }
}

/** Follows `nextRecordsUrl` of child subquery results that came back partial (over ~200 children). */
async function completeChildResults(rest: RestApi, records: Record<string, unknown>[], options: PageOptions): Promise<void> {
  for (const record of records) {
    for (const value of Object.values(record)) {
      if (!isChildResult(value) || value.done || value.nextRecordsUrl === undefined) continue;
      let next: string | undefined = value.nextRecordsUrl;
      while (next !== undefined) {
        const page: QueryPage = await rest.queryMore(next, options);
        for (const child of page.records) value.records.push(child);
        next = page.done ? undefined : page.nextRecordsUrl;
      }
      value.done = true;
      delete value.nextRecordsUrl;
    }
  }
}
