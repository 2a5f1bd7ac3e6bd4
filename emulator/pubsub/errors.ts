/**
 * Pub/Sub errors as a real org sends them: a gRPC status whose details end with ` rpcId: <id>`, and the trailers
 * `error-code` (Salesforce's custom code) and `rpc-id` (the guide's Handle Errors).
 */
import { randomUUID } from 'node:crypto';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

/** The custom error codes the local org sends ([DOC] unless docs/pubsub.md marks them [INF]). */
export const ERROR_CODES = {
  auth: 'sfdc.platform.eventbus.grpc.service.auth.error',
  replayCorrupted: 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted',
  replayValidation: 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.validation.failed',
  requestedInvalid: 'sfdc.platform.eventbus.grpc.subscription.fetch.requested.events.invalid',
  topicNotFound: 'sfdc.platform.eventbus.grpc.topic.not.found',
  topicPermission: 'sfdc.platform.eventbus.grpc.topic.publish.permission.denied',
  topicMismatch: 'sfdc.platform.eventbus.grpc.subscription.fetch.topic.mismatch',
  schemaNotFound: 'sfdc.platform.eventbus.grpc.schema.not.found',
  managedNotFound: 'sfdc.platform.eventbus.grpc.subscription.managed.not.found',
  invalidRequest: 'sfdc.platform.eventbus.grpc.service.invalid.request',
} as const;

/** A new RPC id (one per call, also in the responses' `rpc_id`). */
export function newRpcId(): string {
  return randomUUID();
}

/** The error a handler ends a call with. */
export function pubsubError(code: status, errorCode: string, message: string, rpcId: string): ServiceError {
  const metadata = new Metadata();
  metadata.set('error-code', errorCode);
  metadata.set('rpc-id', rpcId);
  const details = `${message} rpcId: ${rpcId}`;
  return Object.assign(new Error(details), { code, details, metadata });
}

export { status };
