/** The admin API over HTTP, under `/__emulator/` (loopback callers only; no real org has it). Documented in emulator/README.md. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultSpec } from '../http/faults';
import { readText, sendReply, type Reply } from '../http/respond';
import type { LockContention } from '../bulk/record-locks';
import { parseFieldEdit } from '../org/schema-edits';
import type { EmulatorAdmin } from './admin-api';
import { pubsubRoute } from './pubsub-routes';

function adminError(status: number, message: string): Reply {
  return { status, body: { error: message } };
}

/** True when the caller is on this machine. */
function isLoopback(req: IncomingMessage): boolean {
  const address = req.socket.remoteAddress ?? '';
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1' || address.startsWith('127.');
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The Host values that name this emulator on loopback: `127.0.0.1:<port>`, `localhost:<port>`, `[::1]:<port>`. */
function isOwnLoopbackHost(hostHeader: string | undefined, port: number): boolean {
  if (hostHeader === undefined) return false;
  const host = hostHeader.trim().toLowerCase();
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

/**
 * Why a request may not use the admin API, or undefined when it may: callers must be on this machine, name the emulator's
 * own loopback host:port (a DNS-rebinding page reaches 127.0.0.1 under its own host name) and send no `Origin` (browsers
 * add one to cross-origin requests; the admin API's callers are Node processes and tests).
 */
function adminRefusal(req: IncomingMessage, port: number): string | undefined {
  if (!isLoopback(req)) return 'The admin API answers loopback callers only.';
  if (!isOwnLoopbackHost(req.headers.host, port)) {
    return `The admin API answers requests addressed to 127.0.0.1:${port} (or localhost:${port}) only; this one named host "${req.headers.host ?? ''}".`;
  }
  if (req.headers.origin !== undefined) {
    return `The admin API does not answer browsers: this request came from a web page (Origin ${req.headers.origin}). Call it from a script or test instead.`;
  }
  return undefined;
}

/** Answers a `/__emulator/...` request; `port` is the port the emulator listens on. */
export async function handleAdmin(req: IncomingMessage, res: ServerResponse, admin: EmulatorAdmin, url: URL, port: number): Promise<void> {
  const refusal = adminRefusal(req, port);
  if (refusal !== undefined) {
    req.resume();
    return sendReply(res, adminError(403, refusal));
  }
  const method = (req.method ?? 'GET').toUpperCase();
  let body: Record<string, unknown> = {};
  if (method === 'POST' || method === 'PATCH' || method === 'PUT' || method === 'DELETE') {
    const read = await readText(req, 1024 * 1024);
    if (!read.ok) return sendReply(res, adminError(413, 'The admin request body is larger than 1 MB.'));
    if (read.text.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(read.text);
      } catch {
        return sendReply(res, adminError(400, 'The body is not valid JSON: send a JSON object.'));
      }
      const object = asObject(parsed);
      if (!object) return sendReply(res, adminError(400, 'The body must be a JSON object.'));
      body = object;
    }
  } else {
    req.resume();
  }
  let parts: string[];
  try {
    parts = url.pathname.split('/').filter((p) => p !== '').slice(1).map((p) => decodeURIComponent(p));
  } catch {
    return sendReply(res, adminError(400, 'The path is not valid percent-encoding.'));
  }
  try {
    sendReply(res, await route(admin, method, parts, body));
  } catch (error) {
    sendReply(res, adminError(400, error instanceof Error ? error.message : String(error)));
  }
}

/** `/__emulator/streaming/...`: status, subscribers, gap events, pause/resume, dropping a client or its session. */
function streamingRoute(admin: EmulatorAdmin, method: string, parts: string[], body: Record<string, unknown>): Reply {
  const streaming = admin.streaming;
  const [what, id, action] = parts;
  const path = `/__emulator/streaming${parts.length > 0 ? `/${parts.join('/')}` : ''}`;
  if (what === undefined && method === 'GET') return { status: 200, body: { ...streaming.status(), subscribers: streaming.subscribers(), clientList: streaming.clients() } };
  if (what === 'subscribers' && id === undefined && method === 'GET') return { status: 200, body: streaming.subscribers() };
  if (what === 'clients' && id === undefined && method === 'GET') return { status: 200, body: streaming.clients() };
  if (what === 'clients' && id !== undefined && action === undefined && method === 'DELETE') {
    return streaming.dropClient(id) ? { status: 204 } : adminError(404, `No CometD client ${id}: list them with GET /__emulator/streaming/clients.`);
  }
  if (what === 'clients' && id !== undefined && action === 'expire-session' && method === 'POST') {
    return streaming.expireClientSession(id) ? { status: 204 } : adminError(404, `No CometD client ${id}: list them with GET /__emulator/streaming/clients.`);
  }
  if ((what === 'pause' || what === 'resume') && id === undefined && method === 'POST') {
    if (what === 'pause') streaming.pause();
    else streaming.resume();
    return { status: 204 };
  }
  if (what === 'gaps' && id === undefined && method === 'POST') {
    const changeType = body.changeType;
    const recordIds = body.recordIds ?? [];
    const object = body.object;
    if (typeof changeType !== 'string') return adminError(400, 'A gap needs "changeType": GAP_CREATE, GAP_UPDATE, GAP_DELETE, GAP_UNDELETE or GAP_OVERFLOW.');
    if (!Array.isArray(recordIds) || recordIds.some((r) => typeof r !== 'string')) return adminError(400, '"recordIds" must be an array of record ids.');
    if (object !== undefined && typeof object !== 'string') return adminError(400, '"object" must be an object name such as "Account".');
    return { status: 201, body: streaming.emitGap(changeType as Parameters<typeof streaming.emitGap>[0], recordIds as string[], object) };
  }
  if (['subscribers', 'clients', 'pause', 'resume', 'gaps', undefined].includes(what)) return adminError(405, `${method} is not supported on ${path}.`);
  return adminError(404, `Unknown streaming resource "${String(what)}": see emulator/README.md.`);
}

async function route(admin: EmulatorAdmin, method: string, parts: string[], body: Record<string, unknown>): Promise<Reply> {
  const [area, id] = parts;
  const str = (name: string): string | undefined => (typeof body[name] === 'string' ? (body[name]) : undefined);
  switch (area) {
    case 'users': {
      if (method === 'GET' && id === undefined) return { status: 200, body: admin.users() };
      if (method === 'POST' && id === undefined) {
        const username = str('username');
        const lastName = str('lastName');
        if (!username || !lastName) return adminError(400, 'A user needs "username" and "lastName".');
        const input: Parameters<EmulatorAdmin['addUser']>[0] = { username, lastName };
        const firstName = str('firstName');
        const email = str('email');
        const profile = str('profile');
        if (firstName !== undefined) input.firstName = firstName;
        if (email !== undefined) input.email = email;
        if (profile !== undefined) input.profile = profile;
        if (typeof body.isActive === 'boolean') input.isActive = body.isActive;
        return { status: 201, body: admin.addUser(input) };
      }
      if (method === 'PATCH' && id !== undefined && typeof body.isActive === 'boolean') return { status: 200, body: admin.setUserActive(id, body.isActive) };
      break;
    }
    case 'connected-apps': {
      if (method === 'POST' && id === undefined) {
        const consumerKey = str('consumerKey');
        const certificate = str('certificate');
        const preAuthorized = body.preAuthorizedUsernames;
        if (!consumerKey || !certificate) return adminError(400, 'A connected app needs "consumerKey" and "certificate" (PEM).');
        if (preAuthorized !== undefined && (!Array.isArray(preAuthorized) || preAuthorized.some((u) => typeof u !== 'string'))) {
          return adminError(400, '"preAuthorizedUsernames" must be an array of usernames.');
        }
        const permitted = body.permittedUsers;
        if (permitted !== undefined && permitted !== 'admin_approved' && permitted !== 'all_users') return adminError(400, '"permittedUsers" must be "admin_approved" or "all_users".');
        const input: Parameters<EmulatorAdmin['registerConnectedApp']>[0] = { consumerKey, certificate, preAuthorizedUsernames: (preAuthorized as string[] | undefined) ?? [] };
        if (permitted !== undefined) input.permittedUsers = permitted;
        const name = str('name');
        if (name !== undefined) input.name = name;
        try {
          return { status: 201, body: await admin.registerConnectedApp(input) };
        } catch (error) {
          return adminError(400, `The certificate could not be read (${error instanceof Error ? error.message : String(error)}): send the PEM of an X.509 certificate with an RSA key.`);
        }
      }
      break;
    }
    case 'sessions': {
      if (method === 'POST') {
        const username = str('username');
        if (!username) return adminError(400, 'A session needs "username".');
        return { status: 201, body: admin.createSession(username) };
      }
      if (method === 'DELETE') {
        admin.expireSessions();
        return { status: 204 };
      }
      break;
    }
    case 'reset': {
      if (method === 'POST') {
        const seed = body.seed;
        admin.reset(typeof seed === 'number' || seed === false ? { seed } : {});
        return { status: 200, body: { reset: true } };
      }
      break;
    }
    case 'faults': {
      if (method === 'GET') return { status: 200, body: admin.faults() };
      if (method === 'POST') {
        if (typeof body.kind !== 'string') return adminError(400, 'A fault needs "kind": latency, error, reset, expire-sessions, api-limit, a bulk-* or a streaming-* kind.');
        const result = admin.addFault(body as FaultSpec);
        return { status: 201, body: result };
      }
      if (method === 'DELETE') {
        const removed = admin.clearFaults(id);
        return removed ? { status: 204 } : adminError(404, `No armed fault ${String(id)}.`);
      }
      break;
    }
    case 'bulk-lock-contention': {
      if (method === 'GET') return { status: 200, body: { enabled: admin.lockContention() !== null, ...admin.lockContention() } };
      if (method === 'POST') {
        if (typeof body.enabled !== 'boolean') return adminError(400, 'Lock contention needs "enabled": true or false (and optionally "failRate" 0..1, "seed", "holdMs").');
        const numbers = ['failRate', 'seed', 'holdMs'] as const;
        const bad = numbers.find((name) => body[name] !== undefined && (typeof body[name] !== 'number' || (body[name]) < 0));
        if (bad !== undefined) return adminError(400, `"${bad}" must be a number of at least 0.`);
        const settings: LockContention = {};
        for (const name of numbers) if (typeof body[name] === 'number') settings[name] = body[name];
        const applied = admin.setLockContention(body.enabled ? settings : null);
        return { status: 200, body: { enabled: applied !== null, ...applied } };
      }
      break;
    }
    case 'schema': {
      if (method === 'POST' && id !== undefined) {
        const schema = admin.editSchema(id, parseFieldEdit(body));
        return { status: 200, body: { object: schema.name, fields: schema.fields.map((f) => ({ name: f.name, createable: f.createable, updateable: f.updateable })) } };
      }
      if (method === 'DELETE' && id === undefined) {
        admin.undoSchemaEdits();
        return { status: 204 };
      }
      break;
    }
    case 'counters': {
      if (method === 'GET') return { status: 200, body: admin.counters() };
      break;
    }
    case 'generate': {
      if (method === 'POST') {
        const count = body.count;
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 5_000_000) return adminError(400, '"count" must be an integer between 1 and 5000000.');
        if (body.object !== undefined && body.object !== 'Contact') return adminError(400, 'Only Contacts can be generated.');
        return { status: 201, body: { generated: admin.generateContacts(count) } };
      }
      break;
    }
    case 'streaming':
      return streamingRoute(admin, method, parts.slice(1), body);
    case 'pubsub':
      return pubsubRoute(admin.pubsub, method, parts.slice(1), body);
    case 'save': {
      if (method === 'POST') {
        admin.save();
        return { status: 204 };
      }
      break;
    }
    default:
      return adminError(404, `Unknown admin resource "${String(area)}": see emulator/README.md.`);
  }
  return adminError(405, `${method} is not supported on /__emulator/${parts.join('/')}.`);
}
