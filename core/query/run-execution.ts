import type { QueryPage } from '../../shared/salesforce/rest';
import { ServiceError } from '../errors';
import { createRestApi, type Clock } from '../salesforce';
import { runBulkQuery } from './bulk-query';
import type { QueryConnections } from './ports';
import { isBulkCompoundRefusal, toQueryError } from './query-errors';
import type { QueryRun, RunArgs } from './query-run';
import { readRestPages } from './rest-paging';
import { createRunStore, type MemoryLimits } from './memory-policy';
import { readQueryShape, type ColumnSpec } from './soql-columns';

/** What running a query needs: the org connections, the clock, and how REST and Bulk are tuned. */
export type RunExecutionOptions = {
  connections: QueryConnections;
  clock: Clock;
  /** Where a run's rows may live, and when they move to disk. */
  memory: MemoryLimits;
  bulkThreshold: number;
  batchSize?: number | undefined;
  bulkPoll?: { initialMs: number; maxMs: number } | undefined;
  bulkMaxRecordsPerPage?: number | undefined;
  bulkParallelPages?: number | undefined;
  /** Reports the run's progress (a `query:progress` event). */
  emit: (run: QueryRun) => void;
};

/**
 * Runs a query into its run: REST paging, or a Bulk API 2.0 job when asked or (in auto mode) when the first page says the
 * result is over the threshold. Never throws: the run ends done, failed (with a QueryError) or cancelled.
 */
export async function executeRun(run: QueryRun, args: RunArgs, options: RunExecutionOptions): Promise<void> {
  const { connections, clock } = options;
  const signal = run.controller.signal;
  const emit = (): void => options.emit(run);
  try {
    const connection = await connections.connectionFor(args.orgId);
    const shape = readQueryShape(args.soql);
    run.object = shape.object;
    if (!shape.columnsFromRecords) run.store.setColumns(shape.columns);
    const bulk = async (): Promise<void> => {
      if (shape.bulkBlocker !== null) {
        throw new ServiceError(
          'VALIDATION',
          `Bulk API 2.0 cannot run this query: it uses ${shape.bulkBlocker}.`,
          'Run it in REST mode, or remove the parts Bulk queries do not support.',
        );
      }
      run.source = 'bulk';
      // Bulk is for big results: its rows always go to a file on disk, never to main's heap.
      run.store.close();
      run.store = createRunStore(run.id, options.memory, true);
      if (!shape.columnsFromRecords) run.store.setColumns(shape.columns);
      emit();
      await runBulkQuery({
        client: connection.client,
        apiVersion: connection.apiVersion,
        soql: args.soql,
        includeDeleted: args.includeDeleted,
        signal,
        clock,
        ...(options.bulkPoll === undefined ? {} : { poll: options.bulkPoll }),
        ...(options.bulkMaxRecordsPerPage === undefined ? {} : { maxRecordsPerPage: options.bulkMaxRecordsPerPage }),
        ...(options.bulkParallelPages === undefined ? {} : { parallelPages: options.bulkParallelPages }),
        onProcessed: (processed) => {
          run.totalSize = Math.max(run.totalSize, processed);
          emit();
        },
        onHeader: (header) => run.store.setColumns(bulkColumns(header, shape.columns)),
        onRows: async (rows) => {
          await run.store.appendRows(rows);
          run.fetched += rows.length;
          emit();
        },
      });
    };

    if (args.mode === 'bulk') {
      await bulk();
    } else {
      const rest = createRestApi(connection.client, connection.apiVersion);
      const pageOptions = { signal, ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }) };
      const page: QueryPage = await rest.query(args.soql, { ...pageOptions, all: args.includeDeleted });
      run.totalSize = page.totalSize;
      if (args.mode === 'auto' && !page.done && page.totalSize > options.bulkThreshold && shape.bulkBlocker === null) {
        try {
          await bulk();
        } catch (error) {
          // Bulk refuses compound address/location fields, which REST accepts: only then carry on over REST. Any other
          // failure (auth, network, a Failed job, limits) is the run's failure, shown as itself.
          if (signal.aborted || run.fetched > 0 || !isBulkCompoundRefusal(error)) throw error;
          run.source = 'rest';
          run.store.close();
          run.store = createRunStore(run.id, options.memory);
          if (!shape.columnsFromRecords) run.store.setColumns(shape.columns);
          // The first page's locator may have expired while the Bulk job ran (15 minutes idle): start the pages afresh.
          const fresh = await rest.query(args.soql, { ...pageOptions, all: args.includeDeleted });
          run.totalSize = fresh.totalSize;
          emit();
          await readRestPages(rest, run, shape, fresh, pageOptions, emit);
        }
      } else {
        await readRestPages(rest, run, shape, page, pageOptions, emit);
      }
    }
    run.state = 'done';
  } catch (error) {
    if (signal.aborted) {
      run.state = 'cancelled';
    } else {
      run.state = 'failed';
      run.error = toQueryError(error);
    }
  } finally {
    run.store.seal();
    run.finishedAt = clock.now();
  }
}

/** Bulk CSV header names as result columns, spelled as the SELECT spelled them. */
function bulkColumns(header: string[], declared: ColumnSpec[]): ColumnSpec[] {
  const byLower = new Map(declared.map((c) => [c.path.toLowerCase(), c.path]));
  return header.map((name) => ({ path: byLower.get(name.toLowerCase()) ?? name, kind: 'field', read: [name] }));
}
