/**
 * The Pub/Sub call metadata a real org checks on every RPC: `accesstoken` (a live session), `instanceurl` (this org's
 * URL) and `tenantid` (this org's id, 15 or 18 characters). Anything wrong is UNAUTHENTICATED with the auth error code.
 */
import type { Metadata, ServiceError } from '@grpc/grpc-js';
import type { Session, SessionStore } from '../auth/sessions';
import { ERROR_CODES, pubsubError, status } from './errors';

/** What the checker needs of the org. */
export type AuthPorts = { sessions: SessionStore; instanceUrl: () => string; orgId18: string };

function value(metadata: Metadata, key: string): string | undefined {
  const v = metadata.get(key)[0];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '').toLowerCase();

/** The session of a call, or the error to end it with. */
export function authenticate(ports: AuthPorts, metadata: Metadata, rpcId: string): { session: Session } | { error: ServiceError } {
  const token = value(metadata, 'accesstoken');
  const instanceUrl = value(metadata, 'instanceurl');
  const tenantId = value(metadata, 'tenantid');
  const fail = (why: string): { error: ServiceError } => ({ error: pubsubError(status.UNAUTHENTICATED, ERROR_CODES.auth, `An authentication exception occurred. ${why}`, rpcId) });
  if (token === undefined || instanceUrl === undefined || tenantId === undefined) return fail('Provide accesstoken, instanceurl and tenantid metadata headers.');
  if (trimSlash(instanceUrl) !== trimSlash(ports.instanceUrl())) return fail('The instanceurl does not match the org of the access token.');
  if (tenantId !== ports.orgId18 && tenantId !== ports.orgId18.slice(0, 15)) return fail('The tenantid does not match the org of the access token.');
  const session = ports.sessions.use(token);
  if (session === undefined) return fail('The access token is invalid or expired: log in again.');
  return { session };
}
