/**
 * Publishing a platform event through the Pub/Sub API's `Publish` (docs/pubsub.md 6): the topic's schema from GetTopic and
 * GetSchema, the fields typed to it (date-times as epoch milliseconds, dates as epoch days, numbers, checkboxes), the
 * payload Avro-encoded, one `ProducerEvent` with a fresh id; an expired session is renewed once.
 */
import { randomUUID } from 'node:crypto';
import { status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import avro from 'avsc';
import type { PublishValue } from '../../shared/ipc/domains/events';
import type { SalesforceSession, SessionAccess } from '../salesforce/salesforce-session';
import { ServiceError as AppServiceError } from '../errors';
import { callMetadata, openPubSubClient, unary, type PubSubClient } from './pubsub-wire';

/** Publishes one event of `eventName` (`Order_Event__e`) with `fields`; resolves with the event's id (its correlation key). */
export async function publishOverPubSub(options: { endpoint: string; session: SalesforceSession; eventName: string; fields: Record<string, PublishValue> }): Promise<{ id: string }> {
  const client = openPubSubClient(options.endpoint);
  try {
    let access = await options.session.access();
    try {
      return await publishOnce(client, access, options);
    } catch (error) {
      if ((error as ServiceError).code !== grpcStatus.UNAUTHENTICATED) throw error;
      access = await options.session.renew(access);
      return await publishOnce(client, access, options);
    }
  } catch (error) {
    if (error instanceof AppServiceError || typeof (error as ServiceError).code !== 'number') throw error;
    const text = ((error as ServiceError).details || (error as Error).message).replace(/\s*rpcId: \S+$/, '');
    throw new AppServiceError('SF_API', `The org did not publish ${options.eventName}: ${text}`, 'Check the event’s name and fields, and that the user may publish it.');
  } finally {
    client.close();
  }
}

async function publishOnce(client: PubSubClient, access: SessionAccess, options: { eventName: string; fields: Record<string, PublishValue> }): Promise<{ id: string }> {
  const topicName = `/event/${options.eventName}`;
  const topic = await unary(client.GetTopic, client, { topic_name: topicName }, callMetadata(access));
  const schema = await unary(client.GetSchema, client, { schema_id: topic.schema_id }, callMetadata(access));
  const type = avro.Type.forSchema(JSON.parse(schema.schema_json) as avro.Schema);
  const id = randomUUID();
  const payload = type.toBuffer(recordOf(type, options.fields, access.userId));
  const reply = await unary(client.Publish, client, { topic_name: topicName, events: [{ id, schema_id: topic.schema_id, payload, headers: [] }] }, callMetadata(access));
  const result = reply.results[0];
  if (result === undefined || result.error !== null) {
    throw new AppServiceError('SF_API', `The org did not publish ${options.eventName}: ${result?.error?.msg ?? 'no result'}.`, 'Check the event’s fields in the form and try again.');
  }
  return { id: result.correlation_key || id };
}

/** The event's Avro record: every schema field, typed from what the form gave (absent = null), CreatedDate now. */
function recordOf(type: avro.Type, fields: Record<string, PublishValue>, userId: string): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const field of (type as avro.types.RecordType).fields) {
    if (field.name === 'CreatedDate') record.CreatedDate = Date.now();
    else if (field.name === 'CreatedById') record.CreatedById = userId;
    else record[field.name] = typed(field.type, fields[field.name] ?? null, field.name);
  }
  return record;
}

function typed(type: avro.Type, value: PublishValue, name: string): unknown {
  if (value === null) return null;
  const branches = type instanceof avro.types.UnwrappedUnionType ? type.types : [type];
  const kind = branches.find((t) => t.typeName !== 'null')?.typeName ?? 'string';
  switch (kind) {
    case 'long':
      return typeof value === 'string' ? checked(Date.parse(value), name, value) : Number(value);
    case 'int':
      return typeof value === 'string' ? Math.round(checked(Date.parse(`${value.slice(0, 10)}T00:00:00Z`), name, value) / 86_400_000) : Number(value);
    case 'double':
      return checked(Number(value), name, String(value));
    case 'boolean':
      return value === true || value === 'true';
    default:
      return String(value);
  }
}

function checked(n: number, name: string, text: string): number {
  if (Number.isFinite(n)) return n;
  throw new AppServiceError('VALIDATION', `${name} cannot be ${JSON.stringify(text)}.`, 'Give a number, or a date as 2026-12-31 / 2026-12-31T09:00:00Z.');
}
