import { z } from 'zod';
import type { ChannelSchemas, EventSchemas } from '../channel';
import { ERROR_CODES, type AppError } from '../result';

/** An error carried in a load's summary or progress (an AppError whose hint may be absent). */
export type LoadError = { code: AppError['code']; message: string; hint?: string | undefined };

import { LOAD_OPERATIONS, type LoadOperation } from '../../salesforce/load-operation';
import type { LoadRetries } from '../../salesforce/lock-retries';

export { LOAD_OPERATIONS, type LoadOperation };

/** A text encoding the CSV reader can decode: UTF-8 (BOM or not) is detected; the two others are offered when UTF-8 breaks. */
export type CsvEncoding = 'utf-8' | 'windows-1252' | 'iso-8859-1';

/** A field delimiter the CSV reader detects (Bulk API 2.0's columnDelimiter values). */
export type CsvDelimiter = ',' | ';' | '\t' | '|' | '^' | '`';

/**
 * How the renderer names a file for main: never by its path (the page names no file). Electron: a ref main minted when it
 * learnt the path itself (its open dialog, or the preload handing it a dropped File's path from `webUtils.getPathForFile`),
 * good only for the window it was minted for. Browser mode: the id of a file streamed to main's private upload folder
 * (`POST /api/upload`, session-guarded, size-capped); main removes it when the load is done or the file is closed.
 *
 * A ref and an uploadId are both 32 lowercase hex characters (`/^[0-9a-f]{32}$/`); an upload's file is
 * `<userDataDir>/uploads/<uploadId>` (see electron/web/upload-route.ts, which writes them).
 */
export type LoadFileRef = { kind: 'ref'; ref: string } | { kind: 'upload'; uploadId: string };

/** What main learnt reading a CSV once, streaming: its shape, the first rows and the row count. */
export type LoadFileInfo = {
  /** Main's handle on the opened file for later calls (`load:validate`, `load:start`). */
  fileId: string;
  /** The file name as the person knows it (the dropped file's name in browser mode). */
  name: string;
  /** Where main reads it (the upload's temporary file in browser mode). */
  path: string;
  sizeBytes: number;
  /** SHA-256 of the bytes, hex: the journal refuses to resume a load whose file changed. */
  sha256: string;
  encoding: CsvEncoding;
  /** Whether a UTF-8 byte-order mark was found (and dropped from the first header). */
  bom: boolean;
  delimiter: CsvDelimiter;
  lineEnding: 'LF' | 'CRLF';
  headers: string[];
  /** The first 50 data rows, as text. */
  preview: string[][];
  /** Data rows (records), not lines: a quoted field may hold line breaks. */
  rowCount: number;
};

/** A field of the target object as mapping and pre-flight need it (from the org's describe). */
export type LoadField = {
  name: string;
  label: string;
  /** The describe `type` (string, picklist, reference, date, datetime, double, boolean, id, ...). */
  type: string;
  length: number;
  precision: number;
  scale: number;
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  defaultedOnCreate: boolean;
  /** Required on create: not nillable, not defaulted, createable (and not a boolean, which defaults to false). */
  requiredOnCreate: boolean;
  externalId: boolean;
  idLookup: boolean;
  unique: boolean;
  referenceTo: string[];
  relationshipName: string | null;
  restrictedPicklist: boolean;
  picklistValues: string[];
  /** The describe's `cascadeDelete` (a master-detail's master): writing a child locks this parent. */
  cascadeDelete?: boolean | undefined;
};

/** The target object of a load, trimmed to what mapping and pre-flight use. */
export type LoadObject = { name: string; label: string; keyPrefix: string | null; fields: LoadField[] };

/**
 * One target of the mapping. `field` is a field's API name (`LastName`), or a lookup through an external id
 * (`Account.External_Id__c`, polymorphic `Account:What.External_Id__c`, `Type:Relationship.Field` as Bulk API 2.0 wants it); the source is a
 * CSV column or a constant written into every row.
 */
export type FieldMapping =
  | { source: 'column'; column: string; field: string }
  | { source: 'constant'; value: string; field: string };

/** How text dates and date-times in the file are read, so a date never shifts by a day. */
export type DateReading = {
  /** The order of day, month and year in dates written with slashes, dots or dashes; ISO 8601 is always accepted. */
  dateOrder: 'ymd' | 'mdy' | 'dmy';
  /** The IANA time zone of date-times written without an offset (`Europe/Paris`); `UTC` by default. */
  timeZone: string;
};

/** Everything that says how the file becomes records: the object, the operation, the mapping and the date reading. */
export type LoadPlan = {
  objectName: string;
  operation: LoadOperation;
  /** The upsert key; required for upsert, ignored otherwise. */
  externalIdField?: string | undefined;
  mappings: FieldMapping[];
  dates: DateReading;
};

/** The kinds of pre-flight issue, each grouped with a count and the first examples. */
export type PreflightIssueKind =
  | 'required-missing'
  | 'not-createable'
  | 'not-updateable'
  | 'bad-number'
  | 'bad-boolean'
  | 'bad-date'
  | 'bad-datetime'
  | 'bad-id'
  | 'wrong-object-id'
  | 'text-too-long'
  | 'bad-picklist'
  | 'duplicate-key'
  | 'missing-key'
  | 'empty-lookup'
  | 'ragged-row';

/** One example of an issue: the 1-based data row (the header is row 0), the column, the value and why it fails. */
export type PreflightExample = { row: number; column: string; value: string; why: string };

/** The issues of one kind found in the whole file. */
export type PreflightIssueGroup = {
  kind: PreflightIssueKind;
  /** How many cells (or rows, for row-level kinds) have it. */
  count: number;
  message: string;
  /** What to do, e.g. how to set a field to null with `#N/A`. */
  hint?: string | undefined;
  examples: PreflightExample[];
};

/** The outcome of checking the whole file against the plan, before any API call. */
export type PreflightReport = {
  rowsChecked: number;
  validRows: number;
  invalidRows: number;
  groups: PreflightIssueGroup[];
  /** Columns of the file no mapping uses (left out of the load). */
  unmappedColumns: string[];
  durationMs: number;
};

/** The state of a load, as the journal keeps it. */
export type LoadState = 'preparing' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

/** The state of one Bulk API 2.0 ingest job, as Salesforce names it, plus `Pending` before it is created. */
export type LoadJobState = 'Pending' | 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

/** One job of a load: which input rows it holds and what Salesforce said of them. */
export type LoadJobSummary = {
  /** The Salesforce job id, once created. */
  jobId: string | null;
  state: LoadJobState;
  /** The 1-based input rows it holds: [firstRow, lastRow]. */
  firstRow: number;
  lastRow: number;
  rows: number;
  processed: number;
  failed: number;
  errorMessage?: string | undefined;
};

/** The result files of a load; every input row is in exactly one of them (with the pre-flight exclusions). */
export type LoadResultFiles = {
  success: string;
  failure: string;
  unprocessed: string;
  /** Rows left out by pre-flight, with the reason; null when none were. */
  excluded: string | null;
};

/** Counts that add up: `input = success + failed + unprocessed + excluded` once a load has ended. */
export type LoadCounts = {
  input: number;
  excluded: number;
  uploaded: number;
  processed: number;
  success: number;
  failed: number;
  unprocessed: number;
};

/** A load as the Load area and its history show it. */
export type LoadSummary = {
  loadId: string;
  orgId: string;
  fileName: string;
  sourcePath: string;
  objectName: string;
  operation: LoadOperation;
  state: LoadState;
  counts: LoadCounts;
  jobs: LoadJobSummary[];
  files: LoadResultFiles;
  startedAt: string;
  endedAt: string | null;
  error?: LoadError | undefined;
  /** Set on a load that is a step of undoing another. */
  undoOf?: { loadId: string; step: UndoStepKind } | undefined;
  /** Why the load cannot be undone (no before-image, not ended, nothing changed); absent when it can. */
  cannotUndo?: string | undefined;
  /** What the load retried on its own (rows that failed to lock their parent, failed jobs' unprocessed rows). */
  retries?: LoadRetries | undefined;
};

/** A step of an undo: delete what the load created, write back what it updated, undelete, or re-insert hard-deleted records. */
export type UndoStepKind = 'delete-created' | 'restore-updated' | 'undelete' | 'reinsert';

/** What to do with records changed since the load ended: leave them (skip) or write the before values over the change. */
export type UndoConflicts = 'skip' | 'overwrite';

/** A record changed after the load ended (its SystemModstamp is later). */
export type UndoConflict = { id: string; modifiedAt: string };

/** What undoing a load will do, shown before it runs. */
export type UndoPreview = {
  loadId: string;
  objectName: string;
  operation: LoadOperation;
  steps: { kind: UndoStepKind; records: number }[];
  conflictCount: number;
  /** The first conflicts (the conflicts file lists them all). */
  conflicts: UndoConflict[];
  conflictsFile: string;
  /** Plain sentences: a hard delete comes back as new records, how conflicts are handled. */
  notes: string[];
};

/** How one step of an undo ended: a Bulk step is a load in the history (`loadId`); the undelete step is SOAP calls. */
export type UndoStepOutcome = {
  kind: UndoStepKind;
  loadId: string | null;
  state: LoadState;
  counts: { input: number; success: number; failed: number; unprocessed: number };
  files: { success: string; failure: string };
};

/** An undo as it ended (or stopped: an interrupted step is resumed by undoing the load again). */
export type UndoOutcome = { loadId: string; steps: UndoStepOutcome[] };

/** A wait for a busy org (429, ConcurrentPerOrgLongTxn, 503 Retry-After) the load is in: which limit, which retry, until when. */
export type LoadBusyWait = { limit: string; retry: number; of: number; delayMs: number; until: string };

/** Progress of a running load, pushed about every 500 ms and at each job transition. */
export type LoadProgress = {
  loadId: string;
  state: LoadState;
  counts: LoadCounts;
  jobs: LoadJobSummary[];
  /** Processed rows per second over the last few polls. */
  rowsPerSecond: number;
  /** Estimated time left, when it can be told. */
  etaMs: number | null;
  elapsedMs: number;
  error?: LoadError | undefined;
  /** Set while the load waits for a busy org before trying again (pushed as the wait starts). */
  busy?: LoadBusyWait | undefined;
};

/** What `/limits` says is left against what the load needs; a load that cannot fit is refused with these numbers. */
export type LoadCapacity = {
  jobs: number;
  apiCallsNeeded: number;
  apiCallsRemaining: number | null;
  bulkBatchesNeeded: number;
  bulkBatchesRemaining: number | null;
  fits: boolean;
};

/** Options of one load run, as the page gives them. */
export type LoadOptions = {
  /** Load the valid rows and write the invalid ones to their own file; false refuses a file with pre-flight issues. */
  excludeInvalid: boolean;
  /**
   * Where the result files go: a folder ref from `load:choose-output-folder` (main's folder dialog), never a path; beside the
   * source file by default (the app's loads folder for an upload).
   */
  outputFolder?: string | undefined;
  /** The upper bound of one job's CSV in bytes (default and maximum 100 MB). */
  maxJobBytes?: number | undefined;
  /** Jobs running at once (default 2). */
  concurrency?: number | undefined;
  /** Group rows into jobs by the parent record they lock, so parallel jobs don't contend (default true). */
  groupByParent?: boolean | undefined;
  /**
   * Keep the before-image (the targeted records' values before an update, upsert, delete or hard delete) so the load can
   * be undone; on unless false. A load without one says it cannot be undone.
   */
  beforeImage?: boolean | undefined;
};

/** A mapping remembered for an object and a set of headers. */
export type SavedMapping = { objectName: string; headers: string[]; mappings: FieldMapping[]; savedAt: string };

/** Invoke channels of the load domain. */
export type LoadInvoke = {
  /** Reads the file once, streaming: encoding, delimiter, quoting, line endings, the first 50 rows and the row count. */
  'load:open': { args: { file: LoadFileRef; name?: string | undefined; encoding?: CsvEncoding | undefined }; result: LoadFileInfo };
  /** Forgets an opened file (and removes it when it was an upload). */
  'load:close': { args: { fileId: string }; result: { closed: boolean } };
  /** Main's native open dialog (Electron only; browser mode answers VALIDATION and drops or picks through the upload). */
  'load:choose-file': { args: Record<string, never>; result: { file: LoadFileRef | null } };
  /** Main's native folder dialog for the result files (Electron only): a folder ref for `options.outputFolder`, and its path to show. */
  'load:choose-output-folder': { args: Record<string, never>; result: { folder: { ref: string; path: string } | null } };
  /** The object's fields as mapping and pre-flight need them. */
  'load:object': { args: { orgId: string; objectName: string; refresh?: boolean | undefined }; result: LoadObject };
  /** Auto-mapping of the file's headers (API name, then label, ignoring case, spaces and underscores), or the saved one. */
  'load:suggest-mapping': {
    args: { orgId: string; fileId: string; objectName: string; operation: LoadOperation };
    result: { mappings: FieldMapping[]; unmappedColumns: string[]; fromSaved: boolean };
  };
  /** Checks the whole file against the plan, streaming, before any API call; progress on `load:preflight-progress`. */
  'load:validate': { args: { orgId: string; fileId: string; plan: LoadPlan }; result: PreflightReport };
  /** What the load needs against what the org's `/limits` says is left. */
  'load:capacity': { args: { orgId: string; fileId: string; plan: LoadPlan; options: LoadOptions }; result: LoadCapacity };
  /** Starts a load (journaled); answers at once, progress on `load:progress`. Saves the mapping for these headers. */
  'load:start': { args: { orgId: string; fileId: string; plan: LoadPlan; options: LoadOptions }; result: { loadId: string } };
  /** Aborts the load's open and running jobs; the summary says what was already committed. */
  'load:cancel': { args: { loadId: string }; result: LoadSummary };
  /** Resumes an interrupted load from its journal (refused when the source file's hash changed). */
  'load:resume': { args: { loadId: string }; result: { loadId: string } };
  /** Opens the load's failure file as a new file to load again (same plan offered). */
  'load:retry-failed': { args: { loadId: string }; result: { file: LoadFileInfo; plan: LoadPlan } };
  /** Past and unfinished loads, newest first. */
  'load:history': { args: { limit: number }; result: LoadSummary[] };
  'load:get': { args: { loadId: string }; result: LoadSummary };
  /** What undoing a load will do: its steps, the records changed since (conflicts), the notes. */
  'load:undo-preview': { args: { loadId: string }; result: UndoPreview };
  /** Starts undoing a load (its steps run as loads, one after another); answers at once. Again on an interrupted undo: it continues. */
  'load:undo': { args: { loadId: string; conflicts: UndoConflicts }; result: { started: true } };
};

/** Progress of a pre-flight check. */
export type PreflightProgress = { fileId: string; rowsChecked: number; rowCount: number };

/** Events of the load domain. */
export type LoadEvents = {
  'load:progress': LoadProgress;
  'load:preflight-progress': PreflightProgress;
};

const id = z.string().min(1).max(200);
const operation = z.enum(LOAD_OPERATIONS);
// A ref or an upload id: 32 hex characters main minted, so no path (`/etc/passwd`, `~/.ssh/id_rsa`) fits.
const mintedId = z.string().regex(/^[0-9a-f]{32}$/, 'must be a reference OrgDesk gave, not a path');
const fileRef = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ref'), ref: mintedId }).strict(),
  z.object({ kind: z.literal('upload'), uploadId: mintedId }).strict(),
]);
const mapping = z.discriminatedUnion('source', [
  z.object({ source: z.literal('column'), column: z.string().max(1000), field: z.string().min(1).max(500) }).strict(),
  z.object({ source: z.literal('constant'), value: z.string().max(131_072), field: z.string().min(1).max(500) }).strict(),
]);
const plan = z
  .object({
    objectName: z.string().min(1).max(255),
    operation,
    externalIdField: z.string().min(1).max(255).optional(),
    mappings: z.array(mapping).max(1000),
    dates: z.object({ dateOrder: z.enum(['ymd', 'mdy', 'dmy']), timeZone: z.string().min(1).max(100) }).strict(),
  })
  .strict();
const options = z
  .object({
    excludeInvalid: z.boolean(),
    outputFolder: mintedId.optional(),
    maxJobBytes: z.number().int().min(1024).max(100_000_000).optional(),
    concurrency: z.number().int().min(1).max(10).optional(),
    groupByParent: z.boolean().optional(),
    beforeImage: z.boolean().optional(),
  })
  .strict();

/** Argument schemas of the load domain's channels. */
export const loadSchemas = {
  'load:open': z
    .object({ file: fileRef, name: z.string().min(1).max(1000).optional(), encoding: z.enum(['utf-8', 'windows-1252', 'iso-8859-1']).optional() })
    .strict(),
  'load:close': z.object({ fileId: id }).strict(),
  'load:choose-file': z.object({}).strict(),
  'load:choose-output-folder': z.object({}).strict(),
  'load:object': z.object({ orgId: id, objectName: z.string().min(1).max(255), refresh: z.boolean().optional() }).strict(),
  'load:suggest-mapping': z.object({ orgId: id, fileId: id, objectName: z.string().min(1).max(255), operation }).strict(),
  'load:validate': z.object({ orgId: id, fileId: id, plan }).strict(),
  'load:capacity': z.object({ orgId: id, fileId: id, plan, options }).strict(),
  'load:start': z.object({ orgId: id, fileId: id, plan, options }).strict(),
  'load:cancel': z.object({ loadId: id }).strict(),
  'load:resume': z.object({ loadId: id }).strict(),
  'load:retry-failed': z.object({ loadId: id }).strict(),
  'load:history': z.object({ limit: z.number().int().min(1).max(1000) }).strict(),
  'load:get': z.object({ loadId: id }).strict(),
  'load:undo-preview': z.object({ loadId: id }).strict(),
  'load:undo': z.object({ loadId: id, conflicts: z.enum(['skip', 'overwrite']) }).strict(),
} satisfies ChannelSchemas<LoadInvoke>;

const appError = z.object({ code: z.enum(ERROR_CODES), message: z.string(), hint: z.string().optional() });
const counts = z.object({
  input: z.number(),
  excluded: z.number(),
  uploaded: z.number(),
  processed: z.number(),
  success: z.number(),
  failed: z.number(),
  unprocessed: z.number(),
});
const job = z.object({
  jobId: z.string().nullable(),
  state: z.enum(['Pending', 'Open', 'UploadComplete', 'InProgress', 'JobComplete', 'Failed', 'Aborted']),
  firstRow: z.number(),
  lastRow: z.number(),
  rows: z.number(),
  processed: z.number(),
  failed: z.number(),
  errorMessage: z.string().optional(),
});

/** Payload schemas of the load domain's events. */
export const loadEventSchemas = {
  'load:progress': z.object({
    loadId: z.string(),
    state: z.enum(['preparing', 'running', 'done', 'failed', 'cancelled', 'interrupted']),
    counts,
    jobs: z.array(job),
    rowsPerSecond: z.number(),
    etaMs: z.number().nullable(),
    elapsedMs: z.number(),
    error: appError.optional(),
    busy: z.object({ limit: z.string(), retry: z.number(), of: z.number(), delayMs: z.number(), until: z.string() }).optional(),
  }),
  'load:preflight-progress': z.object({ fileId: z.string(), rowsChecked: z.number(), rowCount: z.number() }),
} satisfies EventSchemas<LoadEvents>;
