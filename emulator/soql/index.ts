export { SoqlError, caretMessage, type SoqlErrorCode } from './soql-error';
export { parseSoql } from './soql-parse';
export {
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
