import { z } from 'zod';
import { ERROR_CODES, type AppError } from '../result';
import type { ChannelSchemas, EventSchemas } from '../channel';

/** A field of an object as the SOQL editor needs it for completion and diagnostics. */
export type FieldInfo = {
  name: string;
  label: string;
  type: string;
  referenceTo: string[];
  relationshipName: string | null;
  picklistValues: { value: string; label: string }[];
  filterable: boolean;
  sortable: boolean;
  groupable: boolean;
  aggregatable: boolean;
  nillable: boolean;
};

/** A child relationship (`Contacts` on Account) as the editor needs it for subqueries. */
export type ChildRelationshipInfo = { relationshipName: string; childSObject: string; field: string };

/** One object's describe, trimmed to what the workbench uses. Cached per org and API version in main. */
export type ObjectInfo = {
  name: string;
  label: string;
  keyPrefix: string | null;
  custom: boolean;
  fields: FieldInfo[];
  childRelationships: ChildRelationshipInfo[];
};

/** One entry of the org's global describe. */
export type ObjectSummary = {
  name: string;
  label: string;
  keyPrefix: string | null;
  custom: boolean;
  queryable: boolean;
  /** What the global describe says records of it allow (the Load area offers an object only to the operations it can do). */
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
};

/**
 * A grid cell: a scalar as the org returned it (null is null, '' is an empty string), or a child subquery summarised as
 * a count that expands through `query:children`.
 */
export type CellValue = string | number | boolean | null | { children: number };

/** A result column: the dotted path (`Account.Owner.Name`) in SELECT order, and whether it holds child subquery cells. */
export type ResultColumn = { path: string; kind: 'field' | 'children' | 'aggregate' };

/** Where the rows of a run come from. */
export type QuerySource = 'rest' | 'bulk';

/** The state of a query run. */
export type QueryRunState = 'running' | 'done' | 'failed' | 'cancelled';

/** A query error placed where Salesforce reports it (1-based row and column), when it does. */
export type QueryError = { code: AppError['code']; message: string; hint?: string | undefined; row?: number | undefined; column?: number | undefined };

/** Progress of a query run, pushed as pages arrive. */
export type QueryProgress = {
  runId: string;
  state: QueryRunState;
  source: QuerySource;
  fetched: number;
  totalSize: number;
  columns: ResultColumn[];
  durationMs: number;
  error?: QueryError | undefined;
};

/**
 * Sort order for a column of a run's rows, applied in main: numbers (and Bulk's numeric text) as numbers, text by a
 * case-insensitive collator, nulls first ascending and last descending (SOQL's default), ties keep the fetched order.
 */
export type QuerySort = { column: string; descending: boolean };

/**
 * A run's row window, sorted and filtered in main so the renderer holds only what it shows. `counting` says a filter is
 * still scanning: `matched` is the matches found so far and the renderer asks again until it is gone.
 */
export type RowWindow = { offset: number; rows: CellValue[][]; matched: number; fetched: number; totalSize: number; counting?: boolean };

/** One line of the explain plan. */
export type ExplainPlan = {
  cardinality: number;
  fields: string[];
  leadingOperationType: string;
  relativeCost: number;
  sobjectCardinality: number;
  sobjectType: string;
  notes: string[];
};

/** A past run, kept in the local database. */
export type HistoryEntry = { id: number; orgId: string; soql: string; rows: number; durationMs: number; ranAt: string; source: QuerySource };

/** A named query, kept in the local database. */
export type SavedQuery = { id: number; name: string; soql: string; orgId: string | null; savedAt: string };

/** One editor tab, kept across restarts. */
export type EditorTab = { id: string; title: string; soql: string };

/** Invoke channels of the query domain. */
export type QueryInvoke = {
  'query:objects': { args: { orgId: string; refresh?: boolean | undefined }; result: ObjectSummary[] };
  'query:describe': { args: { orgId: string; objectName: string; refresh?: boolean | undefined }; result: ObjectInfo };
  'query:run': {
    args: { orgId: string; soql: string; includeDeleted: boolean; mode: 'auto' | 'rest' | 'bulk' };
    result: { runId: string };
  };
  'query:cancel': { args: { runId: string }; result: { cancelled: boolean } };
  'query:rows': {
    args: { runId: string; offset: number; limit: number; sort: QuerySort[]; filter: string };
    result: RowWindow;
  };
  /**
   * The child rows of one child subquery cell. `rowIndex` is the row's position in the grid's view, under the same `sort`
   * and `filter` the grid passes to `query:rows`; `column` is the children column's path (`Contacts`).
   */
  'query:children': {
    args: { runId: string; rowIndex: number; sort: QuerySort[]; filter: string; column: string };
    result: { columns: ResultColumn[]; rows: CellValue[][] };
  };
  'query:explain': { args: { orgId: string; soql: string }; result: { plans: ExplainPlan[] } };
  /**
   * Streams a finished or cancelled run to disk: `files[0]` is the main file (a save dialog in Electron; in browser mode
   * `<userData>/exports/<Object>-<timestamp>.<ext>`), then for CSV one `<name>.<Relationship>.csv` per child relationship.
   * `formulaSafe` (CSV only, off by default) puts a `'` before each cell that would run as a formula in Excel; `protectedCells`
   * says how many got one.
   */
  'query:export': { args: { runId: string; format: 'csv' | 'json'; formulaSafe?: boolean | undefined }; result: { files: string[]; rows: number; protectedCells: number } };
  'query:record-url': { args: { orgId: string; recordId: string }; result: { url: string } };
  'query:history': { args: { search: string; limit: number }; result: HistoryEntry[] };
  'query:saved-list': { args: Record<string, never>; result: SavedQuery[] };
  'query:saved-save': { args: { name: string; soql: string; orgId: string | null }; result: SavedQuery };
  'query:saved-delete': { args: { id: number }; result: { deleted: boolean } };
  'query:tabs-load': { args: Record<string, never>; result: { tabs: EditorTab[]; activeId: string | null } };
  'query:tabs-save': { args: { tabs: EditorTab[]; activeId: string | null }; result: { saved: boolean } };
};

/** Events of the query domain. */
export type QueryEvents = {
  'query:progress': QueryProgress;
};

const id = z.string().min(1).max(200);
const soql = z.string().min(1).max(100_000);
const sort = z.array(z.object({ column: z.string().max(1000), descending: z.boolean() }).strict()).max(10);
const filter = z.string().max(1000);

/** Argument schemas of the query domain's channels. */
export const querySchemas = {
  'query:objects': z.object({ orgId: id, refresh: z.boolean().optional() }).strict(),
  'query:describe': z.object({ orgId: id, objectName: z.string().min(1).max(255), refresh: z.boolean().optional() }).strict(),
  'query:run': z
    .object({ orgId: id, soql, includeDeleted: z.boolean(), mode: z.enum(['auto', 'rest', 'bulk']) })
    .strict(),
  'query:cancel': z.object({ runId: id }).strict(),
  'query:rows': z
    .object({
      runId: id,
      offset: z.number().int().min(0),
      limit: z.number().int().min(0).max(5000),
      sort,
      filter,
    })
    .strict(),
  'query:children': z
    .object({ runId: id, rowIndex: z.number().int().min(0), sort, filter, column: z.string().min(1).max(1000) })
    .strict(),
  'query:explain': z.object({ orgId: id, soql }).strict(),
  'query:export': z.object({ runId: id, format: z.enum(['csv', 'json']), formulaSafe: z.boolean().optional() }).strict(),
  'query:record-url': z.object({ orgId: id, recordId: z.string().regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/) }).strict(),
  'query:history': z.object({ search: z.string().max(1000), limit: z.number().int().min(1).max(1000) }).strict(),
  'query:saved-list': z.object({}).strict(),
  'query:saved-save': z.object({ name: z.string().min(1).max(200), soql, orgId: id.nullable() }).strict(),
  'query:saved-delete': z.object({ id: z.number().int().min(1) }).strict(),
  'query:tabs-load': z.object({}).strict(),
  'query:tabs-save': z
    .object({
      tabs: z.array(z.object({ id, title: z.string().max(200), soql: z.string().max(100_000) }).strict()).max(50),
      activeId: id.nullable(),
    })
    .strict(),
} satisfies ChannelSchemas<QueryInvoke>;

const appError = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  hint: z.string().optional(),
  row: z.number().optional(),
  column: z.number().optional(),
});

/** Payload schemas of the query domain's events. */
export const queryEventSchemas = {
  'query:progress': z.object({
    runId: z.string(),
    state: z.enum(['running', 'done', 'failed', 'cancelled']),
    source: z.enum(['rest', 'bulk']),
    fetched: z.number(),
    totalSize: z.number(),
    columns: z.array(z.object({ path: z.string(), kind: z.enum(['field', 'children', 'aggregate']) })),
    durationMs: z.number(),
    error: appError.optional(),
  }),
} satisfies EventSchemas<QueryEvents>;
