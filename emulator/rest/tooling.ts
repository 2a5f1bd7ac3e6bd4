/**
 * A minimal Tooling API: `GET /services/data/vXX.X/tooling/query?q=` answers the queries the sf CLI makes at login and on
 * commands. The only Tooling object is `SandboxProcess`, which a production org has no rows of; any other object gets
 * the INVALID_TYPE a query of an unknown object gets. [INF] the empty-result shape (`size`, `queryLocator`,
 * `entityTypeName: null`) is the Tooling API's documented result, not a recording.
 */
import { SoqlError, caretMessage } from '../soql/soql-error';
import { NOT_SUPPORTED_TYPE } from '../soql/soql-engine';
import { parseSoql } from '../soql/soql-parse';
import { offsetOfWord } from '../soql/soql-tokens';
import { errorReply, notFoundReply, type Reply } from '../http/respond';

const TOOLING_OBJECTS: ReadonlySet<string> = new Set(['sandboxprocess']);

/** Answers `/tooling/<segments>`. */
export function handleTooling(method: string, segments: string[], search: URLSearchParams): Reply {
  if (segments[0] !== 'query' || segments.length !== 1) return notFoundReply();
  if (method !== 'GET' && method !== 'HEAD') return errorReply(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,HEAD`);
  const soql = search.get('q');
  if (soql === null || soql.trim() === '') return errorReply(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  try {
    const query = parseSoql(soql);
    const object = query.sObject ?? '';
    if (!TOOLING_OBJECTS.has(object.toLowerCase())) {
      return errorReply(400, 'INVALID_TYPE', caretMessage(soql, offsetOfWord(soql, object, { afterKeyword: 'from' }), NOT_SUPPORTED_TYPE(object)));
    }
    return { status: 200, body: { size: 0, totalSize: 0, done: true, queryLocator: null, entityTypeName: null, records: [] } };
  } catch (error) {
    if (error instanceof SoqlError) return errorReply(400, error.errorCode, error.message);
    throw error;
  }
}
