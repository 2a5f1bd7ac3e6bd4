/**
 * The emulator's SOQL engine. `executeSoql`/`runSoql` parse with soql-parser-js, resolve names against the org's schema
 * through the OrgData port, compile WHERE into one predicate, and shape results like the REST API (nested parents with
 * attributes, child subqueries or null, AggregateResult rows). `createQueryRoutes` serves `/query`, `/queryAll`, their
 * locators and `?explain=`; `executeSoqlRows` and `bulkUnsupportedConstructs` serve Bulk API 2.0 query jobs. Errors are
 * SoqlError with a real org's errorCode and message text (caret block for positional errors).
 */
export { SoqlError } from './soql-error';
export {
  
  bulkUnsupportedConstructs,
  
  executeSoql,
  executeSoqlRows,
  runSoql,
  
  
  
  type SoqlRecord,
  
  
} from './soql-engine';
export { createQueryRoutes } from './query-routes';
