import type { LoadCapacity, LoadOptions } from '../../shared/ipc/domains/load';
import type { OrgLimits } from '../../shared/salesforce/rest';
import { ServiceError } from '../errors';

/** Salesforce splits an ingest job into internal batches of 10,000 records, each counted against DailyBulkApiBatches (§4.7). */
const RECORDS_PER_BATCH = 10_000;

/** Calls one job costs: create, upload, close, three result files, and the polls of a typical run. */
const CALLS_PER_JOB = 6 + 30;

/** The most bytes of CSV one ingest job carries unless the load asks for less (Bulk API 2.0 takes 150 MB after base64 per job, so about 100 MB raw, §4.7). */
export const DEFAULT_JOB_BYTES = 100_000_000;

/** What a load will be: the file's size and rows, and the job size. */
type CapacityInput = { sizeBytes: number; rowCount: number; maxJobBytes: number };

/**
 * What a load needs against what `/limits` says is left (§2.4): API calls (DailyApiRequests) and Bulk batches
 * (DailyBulkApiBatches). The job count is estimated from the file's size, since the job CSVs are about as large as the file.
 */
function loadCapacity(input: CapacityInput, limits: OrgLimits | null): LoadCapacity {
  const jobs = Math.max(1, Math.ceil((input.sizeBytes * 1.05) / input.maxJobBytes));
  const rowsPerJob = Math.ceil(input.rowCount / jobs);
  const apiCallsNeeded = jobs * CALLS_PER_JOB + 2;
  const bulkBatchesNeeded = jobs * Math.max(1, Math.ceil(rowsPerJob / RECORDS_PER_BATCH));
  const apiCallsRemaining = limits?.['DailyApiRequests']?.Remaining ?? null;
  const bulkBatchesRemaining = limits?.['DailyBulkApiBatches']?.Remaining ?? null;
  const fits = (apiCallsRemaining === null || apiCallsNeeded <= apiCallsRemaining) && (bulkBatchesRemaining === null || bulkBatchesNeeded <= bulkBatchesRemaining);
  return { jobs, apiCallsNeeded, apiCallsRemaining, bulkBatchesNeeded, bulkBatchesRemaining, fits };
}

/** Refuses a load that cannot fit in what the org has left, with the numbers. */
export function assertCapacity(capacity: LoadCapacity): void {
  if (capacity.fits) return;
  const parts: string[] = [];
  if (capacity.apiCallsRemaining !== null && capacity.apiCallsNeeded > capacity.apiCallsRemaining) {
    parts.push(`about ${capacity.apiCallsNeeded} API calls with ${capacity.apiCallsRemaining} left today`);
  }
  if (capacity.bulkBatchesRemaining !== null && capacity.bulkBatchesNeeded > capacity.bulkBatchesRemaining) {
    parts.push(`${capacity.bulkBatchesNeeded} Bulk API batches with ${capacity.bulkBatchesRemaining} left in the last 24 hours`);
  }
  throw new ServiceError('LIMIT', `This load needs ${parts.join(' and ')} (${capacity.jobs} jobs).`, 'Wait for the allowance to roll over, load a smaller file, or ask Salesforce for higher limits.');
}

/** What loading this file with these options needs against `/limits`, with the default job size when none is asked. */
export function fileCapacity(file: { sizeBytes: number; rowCount: number }, options: LoadOptions, limits: OrgLimits | null): LoadCapacity {
  return loadCapacity({ sizeBytes: file.sizeBytes, rowCount: file.rowCount, maxJobBytes: options.maxJobBytes ?? DEFAULT_JOB_BYTES }, limits);
}
