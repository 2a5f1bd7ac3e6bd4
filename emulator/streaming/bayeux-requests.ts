/** Reading a Bayeux request: client ids, the browser cookie, the auth header, the version in the path, messages and replay asks. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage as HttpRequest } from 'node:http';
import { ERRORS, type IncomingMessage } from './bayeux-messages';

const CLIENT_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A new Bayeux client id: 27 lowercase letters and digits, as real orgs mint them. */
export function newClientId(): string {
  return Array.from(randomBytes(27), (b) => CLIENT_ID_ALPHABET[b % 36]).join('');
}

/** A cookie of the request by name (`BAYEUX_BROWSER`). */
export function cookieValue(req: HttpRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** The token of `Authorization: Bearer <t>` or `OAuth <t>` (jsforce sends OAuth). */
export function authToken(req: HttpRequest): string | undefined {
  const match = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** Whether `/cometd/<version>` names a version the org serves. */
export type VersionCheck = { ok: true } | { ok: false; error: string } | { ok: false; notFound: true };

/** Checks the version of `/cometd/<version>` against the org's latest (37.0 is the oldest served). */
export function checkVersion(pathname: string, latest: string): VersionCheck {
  const parts = pathname.split('/').filter((p) => p !== '');
  if (parts.length === 1) return { ok: false, error: ERRORS.versionMissing(latest) };
  if (parts.length > 2) return { ok: false, notFound: true };
  const text = parts[1] as string;
  if (!/^\d+\.\d$/.test(text)) return { ok: false, error: ERRORS.versionMissing(latest) };
  const major = Number(text.split('.')[0]);
  if (major < 37 || major > Number(latest.split('.')[0])) return { ok: false, error: ERRORS.versionOld };
  return { ok: true };
}

/** The Bayeux messages of a parsed request body (one or an array), or undefined when it holds anything else. */
export function asMessages(parsed: unknown): IncomingMessage[] | undefined {
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length === 0 || list.some((m) => typeof m !== 'object' || m === null || Array.isArray(m))) return undefined;
  return list as IncomingMessage[];
}

/** The replay value asked for a channel in `ext.replay` (-1 when none). */
export function replayAsked(message: IncomingMessage, channel: string): unknown {
  const ext = message.ext;
  if (typeof ext !== 'object' || ext === null) return -1;
  const replay = (ext as { replay?: unknown }).replay;
  if (typeof replay !== 'object' || replay === null) return -1;
  const value = (replay as Record<string, unknown>)[channel];
  return value === undefined || value === null ? -1 : value;
}
