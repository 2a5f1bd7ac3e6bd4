/**
 * The emulator's SOQL engine. `executeSoql`/`runSoql` parse with soql-parser-js, resolve names against the org's schema
 * through the OrgData port, compile WHERE into one predicate, and shape results like the REST API (nested parents with
 * attributes, child subqueries or null, AggregateResult rows). `createQueryRoutes` serves `/query`, `/queryAll`, their
 * locators and `?explain=`; `executeSoqlRows` and `bulkUnsupportedConstructs` serve Bulk API 2.0 query jobs. Errors are
 * SoqlError with a real org's errorCode and message text (caret block for positional errors).
 */
export { SoqlError, caretMessage, type SoqlErrorCode } from './soql-error';
export { parseSoql } from './soql-parse';
export {
  CHILD_BATCH,
  bulkUnsupportedConstructs,
  describeQuery,
  executeSoql,
  executeSoqlRows,
  runSoql,
  type QueryRun,
  type QueryShape,
  type SoqlOptions,
  type SoqlRecord,
  type SoqlResult,
  type SoqlRows,
} from './soql-engine';
export { batchSizeOf, createQueryRoutes, type QueryRequest, type QueryResponse, type QueryRoutes } from './query-routes';
export { relativeDateRange, type DayRange } from './date-literals';
