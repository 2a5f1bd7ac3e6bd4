/**
 * The Pub/Sub topics of the org — the CometD channels (`/data/ChangeEvents`, `/data/<Entity>ChangeEvent`,
 * `/event/<Event>__e`) — with their Avro schemas, and the conversion of a logged event into a `ConsumerEvent`.
 */
import { createHash } from 'node:crypto';
import type { OrgStore } from '../org/store';
import type { ObjectSchema } from '../org/types';
import { ALL_CHANGE_EVENTS, changeEventEntity } from '../streaming/change-events';
import type { StoredEvent } from '../streaming/event-log';
import { changeEventSchema, platformEventFields, platformEventSchema, type TopicSchema } from './avro-schemas';
import { encodePayload } from './event-encoding';
import { encodeReplayId } from './replay-ids';

/** A topic: its channel in the shared log, whether it takes publishes, and its schema (none for `/data/ChangeEvents`). */
type Topic = { name: string; canPublish: boolean; schema: TopicSchema | undefined };

/** A `ConsumerEvent` as the proto loader takes it. */
export type ConsumerEventMessage = { event: { id: string; schema_id: string; payload: Buffer; headers: never[] }; replay_id: Buffer };

/** The registry of topics and schemas. */
export interface TopicRegistry {
  /** The topic of a name, or undefined when the org has no such channel. */
  topic(name: string): Topic | undefined;
  /** A schema by id (every topic's schema is known once asked for or delivered). */
  schemaById(id: string): TopicSchema | undefined;
  /** A logged event as delivered on a topic. */
  consumerEvent(topicName: string, event: StoredEvent): ConsumerEventMessage;
}

const CACHE_LIMIT = 2000;

/** Creates the registry over the store and the channels the streaming part serves. */
export function createTopicRegistry(ports: { store: OrgStore; orgId: string; channelExists: (channel: string) => boolean }): TopicRegistry {
  const schemas = new Map<string, TopicSchema>();
  const byObject = new Map<string, TopicSchema>();
  const encoded = new Map<string, ConsumerEventMessage['event']>();

  const schemaOfObject = (object: ObjectSchema): TopicSchema => {
    let schema = byObject.get(object.name);
    if (!schema) {
      schema = object.name.endsWith('__e') ? platformEventSchema(object) : changeEventSchema(object, changeEventEntity(object.name));
      byObject.set(object.name, schema);
      schemas.set(schema.id, schema);
    }
    return schema;
  };

  const objectOfChannel = (channel: string): ObjectSchema | undefined => {
    if (channel.startsWith('/event/')) return ports.store.objectSchema(channel.slice('/event/'.length));
    const entity = channel.slice('/data/'.length);
    return ports.store.objectSchemas().find((s) => changeEventEntity(s.name) === entity);
  };

  const schemaOfEvent = (topicName: string, payload: Record<string, unknown>): TopicSchema | undefined => {
    if (topicName !== ALL_CHANGE_EVENTS) {
      const object = objectOfChannel(topicName);
      return object ? schemaOfObject(object) : undefined;
    }
    const entity = (payload.ChangeEventHeader as { entityName?: string } | undefined)?.entityName;
    const object = entity === undefined ? undefined : ports.store.objectSchema(entity);
    return object ? schemaOfObject(object) : undefined;
  };

  return {
    topic(name) {
      if (!ports.channelExists(name)) return undefined;
      const object = name === ALL_CHANGE_EVENTS ? undefined : objectOfChannel(name);
      return { name, canPublish: name.startsWith('/event/'), schema: object ? schemaOfObject(object) : undefined };
    },
    schemaById: (id) => schemas.get(id),
    consumerEvent(topicName, stored) {
      const replayId = encodeReplayId(ports.orgId, topicName, stored.replayId);
      const key = `${stored.replayId}`;
      let event = encoded.get(key);
      if (!event) {
        const data = JSON.parse(stored.data) as { payload: Record<string, unknown>; event?: { EventUuid?: string } };
        const schema = schemaOfEvent(topicName, data.payload);
        if (!schema) throw new Error(`No schema for an event on ${topicName}`);
        const object = ports.store.objectSchema(schema.objectName);
        const payload = encodePayload(schema, data.payload, object && schema.kind === 'platform' ? platformEventFields(object) : []);
        // [INF] change events have no EventUuid in CometD; their id is derived from the event's log position.
        const id = data.event?.EventUuid ?? uuidOf(`${ports.orgId}:${stored.replayId}`);
        event = { id, schema_id: schema.id, payload, headers: [] };
        encoded.set(key, event);
        if (encoded.size > CACHE_LIMIT) encoded.delete(encoded.keys().next().value as string);
      }
      return { event, replay_id: replayId };
    },
  };
}

function uuidOf(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
