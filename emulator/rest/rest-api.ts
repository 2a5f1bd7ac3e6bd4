/**
 * The REST API under `/services/data`: the version list (no auth), then per version the session check, the daily limit,
 * `Sforce-Limit-Info`, and the resources (resources map, limits, sObjects, collections, query, extensions such as Bulk).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCore } from '../core';
import type { WriteContext } from '../org/write';
import { errorReply, jsonParserMessage, notFoundReply, readText, sendReply, type Reply } from '../http/respond';
import { handleCollections } from './collections';
import { handleSObjects } from './sobject-routes';
import { handleTooling } from './tooling';
import { parseApiVersion, resourceMap, versionList } from './versions';

/** The largest JSON body the REST resources read (collections of 200 records with long text fit well under it). */
const MAX_JSON_BODY_BYTES = 20 * 1024 * 1024;

/** The 401 every real org gives for an unknown or expired token (salesforce-api.md 1.6). */
export function invalidSessionReply(): Reply {
  return { status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }], headers: { 'WWW-Authenticate': 'Token' } };
}

/** The bearer token of a request (`Authorization: Bearer x` or `OAuth x`). */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const m = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

/** The `client=` value of `Sforce-Call-Options` (it becomes part of CDC's changeOrigin). */
export function callOptionsClient(req: IncomingMessage): string | undefined {
  const header = req.headers['sforce-call-options'];
  const text = Array.isArray(header) ? header.join(',') : header;
  const match = text === undefined ? null : /(?:^|[,;\s])client\s*=\s*([^,;\s]+)/i.exec(text);
  return match?.[1];
}

function flatHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function limitsBody(core: EmulatorCore): Record<string, unknown> {
  const max = core.usage.max();
  const remaining = max - core.usage.used();
  const plain = (m: number, r = m): { Max: number; Remaining: number } => ({ Max: m, Remaining: r });
  return {
    ActiveScratchOrgs: plain(3),
    AnalyticsExternalDataSizeMB: plain(40960),
    ConcurrentAsyncGetReportInstances: plain(200),
    ConcurrentEinsteinDataInsightsStoryCreation: plain(5),
    ConcurrentSyncReportRuns: plain(20),
    DailyAnalyticsDataflowJobExecutions: plain(60),
    DailyApiRequests: { Max: max, Remaining: remaining, OrgDesk: plain(0, 0) },
    DailyAsyncApexExecutions: plain(250000),
    DailyBulkApiBatches: plain(15000, 15000 - (core.bulkUsage?.().batches ?? 0)),
    DailyBulkV2QueryFileStorageMB: plain(976562),
    DailyBulkV2QueryJobs: plain(10000, 10000 - (core.bulkUsage?.().queryJobs ?? 0)),
    DailyDurableGenericStreamingApiEvents: plain(10000),
    DailyDurableStreamingApiEvents: plain(10000),
    DailyGenericStreamingApiEvents: plain(10000),
    DailyStreamingApiEvents: plain(10000),
    DailyWorkflowEmails: plain(1890),
    DataStorageMB: plain(1024),
    DurableStreamingApiConcurrentClients: plain(20),
    FileStorageMB: plain(1024),
    HourlyAsyncReportRuns: plain(1200),
    HourlyDashboardRefreshes: plain(200),
    HourlyDashboardResults: plain(5000),
    HourlyDashboardStatuses: plain(999999999),
    HourlyODataCallout: plain(10000),
    HourlySyncReportRuns: plain(500),
    HourlyTimeBasedWorkflow: plain(50),
    MassEmail: plain(10),
    MonthlyPlatformEventsUsageEntitlement: plain(0),
    Package2VersionCreates: plain(6),
    PermissionSets: { Max: 1500, Remaining: 1499, CreateCustom: plain(1000, 999) },
    SingleEmail: plain(15),
    StreamingApiConcurrentClients: plain(20),
  };
}

/** Answers a request whose path starts with `/services/data`. */
export async function handleRest(req: IncomingMessage, res: ServerResponse, core: EmulatorCore, url: URL): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  let parts: string[];
  try {
    parts = url.pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  } catch {
    req.resume();
    return sendReply(res, notFoundReply());
  }
  // parts: ['services', 'data', 'vXX.X', ...]
  if (parts.length === 2) {
    req.resume();
    if (method !== 'GET' && method !== 'HEAD') return sendReply(res, errorReply(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,HEAD`));
    return sendReply(res, { status: 200, body: versionList() });
  }
  const version = parseApiVersion(parts[2] as string);
  if (!version) {
    req.resume();
    return sendReply(res, notFoundReply());
  }
  const token = bearerToken(req);
  const session = token === undefined ? undefined : core.sessions.use(token);
  if (!session) {
    req.resume();
    return sendReply(res, invalidSessionReply());
  }
  if (!core.usage.consume()) {
    req.resume();
    res.setHeader('Sforce-Limit-Info', core.usage.header());
    return sendReply(res, errorReply(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'));
  }
  res.setHeader('Sforce-Limit-Info', core.usage.header());

  const ctx = { userId: session.userId, session, apiVersion: version.major, versionText: version.text, url };
  for (const extension of core.extensions) {
    if (await extension.handle(req, res, ctx)) return;
  }

  let bodyText = '';
  if (method === 'POST' || method === 'PATCH' || method === 'PUT') {
    const read = await readText(req, MAX_JSON_BODY_BYTES);
    if (!read.ok) {
      if (read.reason === 'aborted') return;
      res.setHeader('Connection', 'close');
      return sendReply(res, errorReply(413, 'REQUEST_TOO_LARGE', `The request body is larger than ${MAX_JSON_BODY_BYTES} bytes: send fewer records per call.`));
    }
    bodyText = read.text;
  } else {
    req.resume();
  }
  let parsed: unknown;
  let parseError: Reply | undefined;
  if (bodyText.trim() !== '') {
    try {
      parsed = JSON.parse(bodyText);
    } catch (error) {
      parseError = errorReply(400, 'JSON_PARSER_ERROR', jsonParserMessage(bodyText, error));
    }
  }
  const needsBody = method === 'POST' || method === 'PATCH';
  if (parseError && needsBody) return sendReply(res, parseError);
  const body = (): unknown => {
    if (bodyText.trim() === '' && needsBody) return {};
    return parsed;
  };

  const rest = parts.slice(3);
  const resource = rest[0];
  // One request is one transaction: a collections call's changes share its key (CDC transactionKey).
  const writeCtx: WriteContext = { userId: session.userId, origin: 'rest', transactionKey: randomUUID(), apiVersion: version.text };
  const client = callOptionsClient(req);
  if (client !== undefined) writeCtx.client = client;
  const versionText = version.text;
  let reply: Reply;
  if (resource === undefined) {
    reply = method === 'GET' || method === 'HEAD' ? { status: 200, body: resourceMap(versionText) } : errorReply(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,HEAD`);
  } else if (resource === 'limits' && rest.length === 1) {
    reply = { status: 200, body: limitsBody(core) };
  } else if (resource === 'limits' && rest[1] === 'recordCount' && rest.length === 2) {
    const names = (url.searchParams.get('sObjects') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    const schemas = names.length === 0 ? core.store.objectSchemas() : names.map((n) => core.store.objectSchema(n)).filter((s) => s !== undefined);
    reply = { status: 200, body: { sObjects: schemas.map((s) => ({ count: core.store.count(s.name), name: s.name })) } };
  } else if (resource === 'sobjects') {
    reply = handleSObjects(core, { method, segments: rest.slice(1), versionText, major: version.major, search: url.searchParams, body, ctx: writeCtx });
  } else if (resource === 'composite' && rest[1] === 'sobjects') {
    reply = handleCollections(core, method, rest.slice(2), url.searchParams, body, versionText, writeCtx);
  } else if (resource === 'tooling') {
    reply = handleTooling(method, rest.slice(1), url.searchParams);
  } else if ((resource === 'query' || resource === 'queryAll') && rest.length <= 2) {
    if (method !== 'GET' && method !== 'HEAD') {
      reply = errorReply(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,HEAD`);
    } else {
      const answer = core.query.handle({ resource, locator: rest[1] ?? null, search: url.searchParams, apiVersion: versionText, headers: flatHeaders(req) });
      reply = answer.headers === undefined ? { status: answer.status, body: answer.body } : { status: answer.status, body: answer.body, headers: answer.headers };
    }
  } else {
    reply = notFoundReply();
  }
  sendReply(res, reply);
}
