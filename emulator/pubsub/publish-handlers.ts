/**
 * Publish and PublishStream: Avro-encoded platform events decoded with the topic's schema and appended to the shared
 * event log (so CometD subscribers get them too), one `PublishResult` per event with its replay id or an error.
 */
import type { sendUnaryData, ServerDuplexStream, ServerUnaryCall, ServiceError } from '@grpc/grpc-js';
import type { OrgStore } from '../org/store';
import type { FieldSchema, FieldValue } from '../org/types';
import type { EventLog } from '../streaming/event-log';
import { publishPlatformEvent } from '../streaming/platform-events';
import { authenticate, type AuthPorts } from './auth';
import { platformEventFields } from './avro-schemas';
import { ERROR_CODES, newRpcId, pubsubError, status } from './errors';
import { encodeReplayId } from './replay-ids';
import { topicNotFound } from './subscribe-handlers';
import type { TopicRegistry } from './topics';

/** What the handlers need of the org. */
export type PublishPorts = AuthPorts & { store: OrgStore; log: EventLog; topics: TopicRegistry; now: () => Date };

type ProducerEvent = { id?: string; schema_id?: string; payload?: Buffer };
type PublishRequest = { topic_name?: string; events?: ProducerEvent[] };
type PublishResult = { replay_id: Buffer; error: { code: 'PUBLISH'; msg: string } | null; correlation_key: string };
type PublishResponse = { results: PublishResult[]; schema_id: string; rpc_id: string };

/** An Avro value back as the org stores it. */
function fieldValue(field: FieldSchema, value: unknown): FieldValue {
  if (value === null || value === undefined) return null;
  if (field.type === 'datetime' && typeof value === 'number') return new Date(value).toISOString();
  if (field.type === 'date' && typeof value === 'number') return new Date(value * 86_400_000).toISOString().slice(0, 10);
  return value as FieldValue;
}

/** Publishes a request's events, or returns the error that ends the call. */
function publishBatch(ports: PublishPorts, request: PublishRequest, userId: string, rpcId: string): PublishResponse | ServiceError {
  const topicName = request.topic_name ?? '';
  const topic = ports.topics.topic(topicName);
  if (!topic) return topicNotFound(topicName, rpcId);
  const schema = topic.schema;
  const object = schema === undefined ? undefined : ports.store.objectSchema(schema.objectName);
  if (!topic.canPublish || !schema || !object) {
    return pubsubError(status.PERMISSION_DENIED, ERROR_CODES.topicPermission, `You can't publish to ${topicName}: only platform event topics (/event/<Event>__e) take publishes.`, rpcId);
  }
  const fields = platformEventFields(object);
  const results = (request.events ?? []).map((event): PublishResult => {
    const correlation = event.id ?? '';
    const failed = (msg: string): PublishResult => ({ replay_id: Buffer.alloc(0), error: { code: 'PUBLISH', msg }, correlation_key: correlation });
    if (event.schema_id !== schema.id) return failed(`The schema_id ${event.schema_id ?? ''} is not the schema of ${topicName} (${schema.id}): get it with GetTopic.`);
    let decoded: Record<string, unknown>;
    try {
      decoded = schema.type.fromBuffer(event.payload ?? Buffer.alloc(0)) as Record<string, unknown>;
    } catch (error) {
      return failed(`The payload is not Avro of schema ${schema.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const values: Record<string, FieldValue> = {};
    for (const f of fields) values[f.name] = fieldValue(f, decoded[f.name]);
    const { replayId } = publishPlatformEvent(ports.store, ports.log, object, values, userId, ports.now());
    return { replay_id: encodeReplayId(ports.orgId18, topicName, replayId), error: null, correlation_key: correlation };
  });
  return { results, schema_id: schema.id, rpc_id: rpcId };
}

/** `Publish`. */
export function publishHandler(ports: PublishPorts) {
  return (call: ServerUnaryCall<PublishRequest, PublishResponse>, callback: sendUnaryData<PublishResponse>): void => {
    const rpcId = newRpcId();
    const auth = authenticate(ports, call.metadata, rpcId);
    if ('error' in auth) return callback(auth.error);
    const response = publishBatch(ports, call.request, auth.session.userId, rpcId);
    if (response instanceof Error) callback(response);
    else callback(null, response);
  };
}

/** `PublishStream`: the first request names the topic; later ones may omit it but not change it. */
export function publishStreamHandler(ports: PublishPorts) {
  return (call: ServerDuplexStream<PublishRequest, PublishResponse>): void => {
    const rpcId = newRpcId();
    const auth = authenticate(ports, call.metadata, rpcId);
    if ('error' in auth) {
      call.emit('error', auth.error);
      return;
    }
    let topicName: string | undefined;
    let ended = false;
    call.on('data', (request: PublishRequest) => {
      if (ended) return;
      const fail = (error: ServiceError): void => {
        ended = true;
        call.emit('error', error);
      };
      if (ports.sessions.use(auth.session.token) === undefined) return fail(pubsubError(status.UNAUTHENTICATED, ERROR_CODES.auth, 'An authentication exception occurred. The access token is invalid or expired: log in again.', rpcId));
      const asked = request.topic_name ?? '';
      if (topicName !== undefined && asked !== '' && asked !== topicName) return fail(pubsubError(status.INVALID_ARGUMENT, ERROR_CODES.topicMismatch, `The topic_name ${asked} differs from the topic of this stream, ${topicName}.`, rpcId));
      topicName ??= asked;
      const response = publishBatch(ports, { ...request, topic_name: topicName }, auth.session.userId, rpcId);
      if (response instanceof Error) fail(response);
      else call.write(response);
    });
    call.on('end', () => {
      if (!ended) call.end();
      ended = true;
    });
  };
}
