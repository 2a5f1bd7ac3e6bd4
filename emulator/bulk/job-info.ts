/**
 * Bulk API 2.0 job records (ingest and query) and their JSON as a real org writes it: key order of the real captures,
 * numeric `apiVersion`, dates like `2018-11-19T13:19:49.000+0000`, `contentUrl` relative with no leading slash.
 */
import { formatDateTime } from '../org/values';
import type { ColumnDelimiter, CsvLayout, LineEnding } from './csv-input';
import type { ColumnPlan } from './column-plan';

/** The states of an ingest job. */
type IngestState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

/** The states of a query job (there is no Open). */
type QueryState = 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

/** An ingest operation; names are case-sensitive, `hardDelete` is the only camel-cased one. */
export type IngestOperation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete';

/** The operations an ingest job accepts. */
export const INGEST_OPERATIONS: readonly IngestOperation[] = ['insert', 'update', 'upsert', 'delete', 'hardDelete'];

/** Per-row outcome codes kept for result files. */
export const OUTCOME = { unprocessed: 0, created: 1, updated: 2, failed: 3 } as const;

/** Fields both kinds of job share. */
type JobBase = {
  id: string;
  object: string;
  createdById: string;
  createdDate: number;
  systemModstamp: number;
  apiVersion: number;
  lineEnding: LineEnding;
  columnDelimiter: ColumnDelimiter;
  retries: number;
  totalProcessingTime: number;
  errorMessage: string | undefined;
  /** When processing started (clock ms), to compute the timing fields. */
  startedAt: number | undefined;
};

/** An ingest job with its upload and per-row outcomes. */
export type IngestJob = JobBase & {
  kind: 'ingest';
  operation: IngestOperation;
  state: IngestState;
  externalIdFieldName: string | undefined;
  assignmentRuleId: string | undefined;
  /** The `client=` of the creating request's `Sforce-Call-Options`; the job's record changes carry it (CDC changeOrigin). */
  client: string | undefined;
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  apiActiveProcessingTime: number;
  apexProcessingTime: number;
  /** The uploaded CSV, decoded as UTF-8 (undefined until the PUT). */
  content: string | undefined;
  layout: CsvLayout | undefined;
  plan: ColumnPlan | undefined;
  /** Per data row (index 0 = first row after the header): an OUTCOME code. */
  outcomes: Uint8Array | undefined;
  /** Per data row: the record id written (or the Id given, for failed updates and deletes). */
  ids: (string | undefined)[];
  /** Per failed data row: the `sf__Error` text. */
  errors: Map<number, string>;
  /** The next data row to process. */
  cursor: number;
  /** Set when the job must stop processing (aborted, deleted). */
  stopped: boolean;
};

/** A query job with its materialised result rows (each already rendered as one CSV line without terminator). */
export type QueryJob = JobBase & {
  kind: 'query';
  operation: 'query' | 'queryAll';
  query: string;
  state: QueryState;
  numberRecordsProcessed: number;
  header: string | undefined;
  lines: string[];
  stopped: boolean;
};

/** Formats clock milliseconds the way Bulk job info does (second precision, `.000+0000`). */
function jobDate(ms: number): string {
  return formatDateTime(new Date(Math.floor(ms / 1000) * 1000));
}

/** The `services/data/vXX.X/jobs/ingest/<id>/batches` content URL (relative, no leading slash). */
function contentUrl(job: IngestJob): string {
  return `services/data/v${job.apiVersion.toFixed(1)}/jobs/ingest/${job.id}/batches`;
}

/** The keys every job JSON starts with, in the captures' order (an ingest job's external id field among them). */
function head(job: IngestJob | QueryJob): Record<string, unknown> {
  return {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: jobDate(job.createdDate),
    systemModstamp: jobDate(job.systemModstamp),
    state: job.state,
    ...(job.kind === 'ingest' && job.externalIdFieldName !== undefined ? { externalIdFieldName: job.externalIdFieldName } : {}),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: job.apiVersion,
  };
}

/** The CSV format keys every job JSON carries after its type and URL keys. */
function csvFormat(job: IngestJob | QueryJob): Record<string, unknown> {
  return { lineEnding: job.lineEnding, columnDelimiter: job.columnDelimiter };
}

/** The 200 answer to "create ingest job" (the 2018 capture: no jobType, contentUrl before lineEnding). */
export function ingestCreateJson(job: IngestJob): Record<string, unknown> {
  return {
    ...head(job),
    contentUrl: contentUrl(job),
    ...(job.assignmentRuleId === undefined ? {} : { assignmentRuleId: job.assignmentRuleId }),
    ...csvFormat(job),
  };
}

/** The job info a GET returns (the 2023 capture's key order; contentUrl while Open; errorMessage once Failed). */
export function ingestInfoJson(job: IngestJob): Record<string, unknown> {
  return {
    ...head(job),
    jobType: 'V2Ingest',
    ...(job.state === 'Open' ? { contentUrl: contentUrl(job) } : {}),
    ...(job.assignmentRuleId === undefined ? {} : { assignmentRuleId: job.assignmentRuleId }),
    ...csvFormat(job),
    numberRecordsProcessed: job.numberRecordsProcessed,
    numberRecordsFailed: job.numberRecordsFailed,
    retries: job.retries,
    totalProcessingTime: job.totalProcessingTime,
    apiActiveProcessingTime: job.apiActiveProcessingTime,
    apexProcessingTime: job.apexProcessingTime,
    ...(job.errorMessage === undefined ? {} : { errorMessage: job.errorMessage }),
  };
}

/** An ingest job as the list shows it (job info without the counters, with jobType and contentUrl). */
export function ingestListJson(job: IngestJob): Record<string, unknown> {
  return { ...head(job), jobType: 'V2Ingest', contentUrl: contentUrl(job), ...csvFormat(job) };
}

/** The 200 answer to "create query job" (already UploadComplete, no counters). */
export function queryCreateJson(job: QueryJob): Record<string, unknown> {
  return { ...head(job), ...csvFormat(job) };
}

/** Query job info as the real 2023 capture shows it (no numberRecordsFailed, no contentUrl). */
export function queryInfoJson(job: QueryJob): Record<string, unknown> {
  return {
    ...head(job),
    jobType: 'V2Query',
    ...csvFormat(job),
    numberRecordsProcessed: job.numberRecordsProcessed,
    retries: job.retries,
    totalProcessingTime: job.totalProcessingTime,
    ...(job.errorMessage === undefined ? {} : { errorMessage: job.errorMessage }),
  };
}

/** A query job as the list shows it. */
export function queryListJson(job: QueryJob): Record<string, unknown> {
  return { ...head(job), jobType: 'V2Query', ...csvFormat(job) };
}
