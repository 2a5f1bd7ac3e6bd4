/** Reading WireMock mappings (the recorded Salesforce responses) into plain request/response pairs. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A recorded request. */
export type RecordedRequest = {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** The JSON body the mapping expects, as text (undefined when none or only a JSONPath matcher). */
  body: string | undefined;
  /** The Authorization header value the mapping expects, if any. */
  authorization: string | undefined;
};

/** A recorded response. */
type RecordedResponse = { status: number; body: string; headers: Record<string, string> };

/** One mapping file. */
export type Recording = { file: string; request: RecordedRequest; response: RecordedResponse };

type Mapping = {
  request?: {
    method?: string;
    url?: string;
    urlPath?: string;
    urlPattern?: string;
    queryParameters?: Record<string, { equalTo?: string }>;
    bodyPatterns?: { equalToJson?: unknown }[];
    headers?: Record<string, { equalTo?: string }>;
  };
  response?: { status?: number; body?: string; jsonBody?: unknown; headers?: Record<string, string | string[]> };
};

/** Reads every `*.json` mapping of a folder (an empty list when the folder does not exist). */
export function readRecordings(dir: string): Recording[] {
  if (!existsSync(dir)) return [];
  const out: Recording[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const mapping = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Mapping;
    const req = mapping.request;
    const res = mapping.response;
    if (!req || !res) continue;
    const rawUrl = req.url ?? req.urlPath ?? req.urlPattern ?? '/';
    const url = new URL(rawUrl, 'http://recorded.local');
    const query = new URLSearchParams(url.search);
    for (const [name, matcher] of Object.entries(req.queryParameters ?? {})) if (matcher.equalTo !== undefined) query.set(name, matcher.equalTo);
    const json = req.bodyPatterns?.find((p) => p.equalToJson !== undefined)?.equalToJson;
    const authorization = Object.entries(req.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1].equalTo;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers ?? {})) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    out.push({
      file,
      request: {
        method: (req.method ?? 'GET').toUpperCase(),
        path: decodeURIComponent(url.pathname),
        query,
        body: json === undefined ? undefined : typeof json === 'string' ? json : JSON.stringify(json),
        authorization,
      },
      response: { status: res.status ?? 200, body: res.body ?? (res.jsonBody === undefined ? '' : JSON.stringify(res.jsonBody)), headers },
    });
  }
  return out;
}

/**
 * Parses a recorded body: JSON, or the Python-literal dicts some mappings hold (`{'id': '750…'}`), or undefined for
 * text (CSV, HTML) and empty bodies.
 */
export function parseRecordedBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    const converted = text
      .replace(/'/g, '"')
      .replace(/\bTrue\b/g, 'true')
      .replace(/\bFalse\b/g, 'false')
      .replace(/\bNone\b/g, 'null');
    try {
      return JSON.parse(converted);
    } catch {
      return undefined;
    }
  }
}
