/**
 * The request pipeline: URI length, counters, injected faults (latency, 5xx, connection reset), then the areas —
 * admin API, OAuth token endpoint, identity URL, REST.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorAdmin } from '../admin/admin-api';
import { handleAdmin } from '../admin/admin-routes';
import { handleTokenRequest } from '../auth/jwt-bearer';
import type { EmulatorCore } from '../core';
import { bearerToken, handleRest, invalidSessionReply } from '../rest/rest-api';
import { handleSoap, isSoapPartnerPath, sendXml, soapFault } from '../soap/soap-api';
import { errorReply, notFoundReply, readText, sendReply, type Reply } from './respond';

/** Real orgs refuse request URIs over 16,384 bytes with 414 (salesforce-api.md 2.1). */
const MAX_URI_BYTES = 16_384;

function area(path: string): string {
  if (path.startsWith('/__emulator')) return 'admin';
  if (path.startsWith('/services/oauth2')) return 'oauth';
  if (path.startsWith('/id/')) return 'identity';
  if (path === '/cometd' || path.startsWith('/cometd/')) return 'streaming';
  if (/^\/services\/data\/v[^/]+\/jobs\//.test(path)) return 'bulk';
  if (/^\/services\/data\/v[^/]+\/query(All)?(\/|$)/.test(path)) return 'query';
  if (path.startsWith('/services/data')) return 'rest';
  if (path.startsWith('/services/Soap')) return 'soap';
  return 'other';
}

function defaultFaultBody(status: number): unknown {
  if (status === 503) return [{ errorCode: 'SERVER_UNAVAILABLE', message: 'Server temporarily unavailable, please retry' }];
  if (status === 429) return [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentPerOrgLongTxn Limit exceeded.' }];
  if (status >= 500) return [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)' }];
  return [{ errorCode: 'INJECTED_FAULT', message: `Injected ${status}` }];
}

/** Makes the response stop after `afterBytes` bytes of body and destroys the connection (a reset mid-response). */
function armReset(res: ServerResponse, afterBytes: number): void {
  let sent = 0;
  let cut = false;
  const write = res.write.bind(res) as (chunk: Buffer, cb?: () => void) => boolean;
  const kill = (): void => {
    cut = true;
    res.socket?.destroy();
  };
  const toBuffer = (chunk: unknown): Buffer => (Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  const patchedWrite = (chunk: unknown): boolean => {
    if (cut) return false;
    const buffer = toBuffer(chunk);
    const room = afterBytes - sent;
    if (buffer.length < room) {
      sent += buffer.length;
      return write(buffer);
    }
    if (!res.headersSent) res.flushHeaders();
    write(buffer.subarray(0, Math.max(0, room)), kill);
    sent = afterBytes;
    if (room <= 0) setImmediate(kill);
    return false;
  };
  res.write = patchedWrite as typeof res.write;
  res.end = ((chunk?: unknown) => {
    if (chunk !== undefined && typeof chunk !== 'function') patchedWrite(chunk);
    if (!cut) {
      if (!res.headersSent) res.flushHeaders();
      setImmediate(kill);
    }
    return res;
  }) as typeof res.end;
}

async function handleToken(req: IncomingMessage, res: ServerResponse, core: EmulatorCore): Promise<void> {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  if ((req.method ?? '').toUpperCase() !== 'POST') {
    req.resume();
    return sendReply(res, { status: 405, body: { error: 'invalid_request', error_description: 'must use HTTP POST' } });
  }
  const read = await readText(req, 64 * 1024);
  if (!read.ok) {
    if (read.reason === 'aborted') return;
    return sendReply(res, { status: 400, body: { error: 'invalid_request', error_description: 'request too large' } });
  }
  const answer = await handleTokenRequest(new URLSearchParams(read.text), {
    apps: core.apps,
    sessions: core.sessions,
    findUser: (username) => {
      const row = core.store.findByIndexedValue('User', 'Username', username)[0];
      return row ? { id: row.Id as string, username: row.Username as string, isActive: row.IsActive === true } : undefined;
    },
    instanceUrl: core.url,
    orgId18: core.orgId18,
    now: () => core.now().getTime(),
  });
  sendReply(res, { status: answer.status, body: answer.body });
}

function identity(req: IncomingMessage, core: EmulatorCore, path: string): Reply {
  const token = bearerToken(req);
  const session = token === undefined ? undefined : core.sessions.use(token);
  if (!session) return invalidSessionReply();
  const [, , orgId, userId] = path.split('/');
  const user = userId === undefined ? undefined : core.store.findById(userId);
  if (orgId?.slice(0, 15) !== core.orgId15 || !user || user.objectName !== 'User') return { status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'Bad_Id' }] };
  const row = user.row;
  const base = core.url();
  const url = (p: string): string => `${base}${p}`;
  return {
    status: 200,
    body: {
      id: url(`/id/${core.orgId18}/${row.Id as string}`),
      asserted_user: session.userId === row.Id,
      user_id: row.Id,
      organization_id: core.orgId18,
      username: row.Username,
      nick_name: String(row.Alias ?? ''),
      display_name: row.Name,
      email: row.Email,
      email_verified: true,
      first_name: row.FirstName,
      last_name: row.LastName,
      timezone: row.TimeZoneSidKey,
      photos: { picture: url('/profilephoto/005/F'), thumbnail: url('/profilephoto/005/T') },
      addr_street: null,
      addr_city: null,
      addr_state: null,
      addr_country: null,
      addr_zip: null,
      mobile_phone: null,
      mobile_phone_verified: false,
      is_lightning_login_user: false,
      status: { created_date: null, body: null },
      urls: {
        enterprise: url('/services/Soap/c/{version}/00D'),
        metadata: url('/services/Soap/m/{version}/00D'),
        partner: url('/services/Soap/u/{version}/00D'),
        rest: url('/services/data/v{version}/'),
        sobjects: url('/services/data/v{version}/sobjects/'),
        search: url('/services/data/v{version}/search/'),
        query: url('/services/data/v{version}/query/'),
        recent: url('/services/data/v{version}/recent/'),
        tooling_soap: url('/services/Soap/T/{version}/00D'),
        tooling_rest: url('/services/data/v{version}/tooling/'),
        profile: url(`/${row.Id as string}`),
        feeds: url('/services/data/v{version}/chatter/feeds'),
        groups: url('/services/data/v{version}/chatter/groups'),
        users: url('/services/data/v{version}/chatter/users'),
        feed_items: url('/services/data/v{version}/chatter/feed-items'),
        feed_elements: url('/services/data/v{version}/chatter/feed-elements'),
        custom_domain: base,
      },
      active: row.IsActive === true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      last_modified_date: row.LastModifiedDate,
      is_app_installed: true,
    },
  };
}

/** Creates the `node:http` request listener of one emulator. */
export function createRequestListener(core: EmulatorCore, admin: EmulatorAdmin): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void serve(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        sendReply(res, errorReply(500, 'UNKNOWN_EXCEPTION', `An unexpected error occurred: ${error instanceof Error ? error.message : String(error)}`));
      } else {
        res.destroy();
      }
    });
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const method = (req.method ?? 'GET').toUpperCase();
    let url: URL;
    try {
      url = new URL(rawUrl, 'http://emulator.local');
    } catch {
      req.resume();
      return sendReply(res, errorReply(400, 'MALFORMED_URL', 'The request URL could not be parsed.'));
    }
    const path = url.pathname;
    const where = area(path);
    core.counters.total += 1;
    core.counters.byArea[where] = (core.counters.byArea[where] ?? 0) + 1;
    res.on('finish', () => {
      const key = String(res.statusCode);
      core.counters.byStatus[key] = (core.counters.byStatus[key] ?? 0) + 1;
    });
    if (Buffer.byteLength(rawUrl) > MAX_URI_BYTES) {
      req.resume();
      return sendReply(res, errorReply(414, 'URI_TOO_LONG', `The request URI is longer than ${MAX_URI_BYTES} bytes: send the query in a shorter form (or use Bulk API 2.0).`));
    }
    if (where === 'admin') return handleAdmin(req, res, admin, url, req.socket.localPort ?? 0);

    const latency = core.faults.take('latency', method, path);
    if (latency && typeof latency.ms === 'number') await new Promise((resolve) => setTimeout(resolve, latency.ms as number));
    const failure = core.faults.take('error', method, path);
    if (failure) {
      req.resume();
      const status = failure.status as number;
      const headers = (failure.headers ?? {}) as Record<string, string>;
      if (where === 'soap' && failure.body === undefined) {
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
        return sendXml(res, status, soapFault(status === 503 ? 'SERVER_UNAVAILABLE' : 'UNKNOWN_EXCEPTION', `Injected ${status}`));
      }
      return sendReply(res, { status, headers, body: failure.body ?? defaultFaultBody(status) });
    }
    const reset = core.faults.take('reset', method, path);
    if (reset) armReset(res, typeof reset.afterBytes === 'number' ? reset.afterBytes : 0);

    if (path === '/services/oauth2/token') return handleToken(req, res, core);
    if (where === 'streaming' && core.cometd) return core.cometd(req, res, url);
    if (where === 'identity') {
      req.resume();
      return sendReply(res, identity(req, core, path));
    }
    if (path === '/services/data' || path.startsWith('/services/data/')) return handleRest(req, res, core, url);
    if (isSoapPartnerPath(path)) return handleSoap(req, res, core);
    req.resume();
    return sendReply(res, notFoundReply());
  }
}
