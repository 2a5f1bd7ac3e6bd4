/**
 * Avro schemas of the Pub/Sub topics, derived from the org's describe: a change event is a `<Entity>ChangeEvent` record
 * with `ChangeEventHeader` first and every field as a nullable union (compound `Name` and `<X>Address` as nested
 * records), a platform event is `<Event>__e` with CreatedDate, CreatedById and its fields. The schema id is the
 * schema's fingerprint (docs/pubsub.md).
 */
import avsc, { type Schema, type Type } from 'avsc';
import type { FieldSchema, ObjectSchema } from '../org/types';
import { entriesOf, type ChangeEventEntry } from '../streaming/change-event-fields';

/** A topic's schema: its JSON, its avsc type, its id, and (change events) the entry at each top-level position. */
export type TopicSchema = {
  id: string;
  json: string;
  type: Type;
  kind: 'change' | 'platform';
  /** The object the events are about (`Account`, `Order_Event__e`). */
  objectName: string;
  /** Change events: the field entries, position i + 1 in the record (position 0 is the header). */
  entries: ChangeEventEntry[];
};

const NAMESPACE = 'com.sforce.eventbus';

const CHANGE_TYPES = ['CREATE', 'UPDATE', 'DELETE', 'UNDELETE', 'GAP_CREATE', 'GAP_UPDATE', 'GAP_DELETE', 'GAP_UNDELETE', 'GAP_OVERFLOW'];

/** The header record every change event starts with (field order as the guide lists it). */
const HEADER_SCHEMA = {
  type: 'record',
  name: 'ChangeEventHeader',
  namespace: NAMESPACE,
  fields: [
    { name: 'entityName', type: 'string' },
    { name: 'recordIds', type: { type: 'array', items: 'string' } },
    { name: 'changeType', type: { type: 'enum', name: 'ChangeType', namespace: NAMESPACE, symbols: CHANGE_TYPES } },
    { name: 'changeOrigin', type: 'string' },
    { name: 'transactionKey', type: 'string' },
    { name: 'sequenceNumber', type: 'int' },
    { name: 'commitTimestamp', type: 'long' },
    { name: 'commitNumber', type: 'long' },
    { name: 'commitUser', type: 'string' },
    { name: 'nulledFields', type: { type: 'array', items: 'string' } },
    { name: 'diffFields', type: { type: 'array', items: 'string' } },
    { name: 'changedFields', type: { type: 'array', items: 'string' } },
  ],
};

/** The Avro type of a field's value: [INF] DateTime as epoch milliseconds (long), Date as epoch days (int). */
export function avroTypeOf(field: FieldSchema): 'string' | 'boolean' | 'int' | 'long' | 'double' {
  switch (field.type) {
    case 'boolean':
      return 'boolean';
    case 'int':
    case 'date':
      return 'int';
    case 'datetime':
      return 'long';
    case 'double':
    case 'currency':
    case 'percent':
      return 'double';
    default:
      return 'string';
  }
}

const nullable = (name: string, type: unknown): Record<string, unknown> => ({ name, type: ['null', type], default: null });

function fingerprintId(type: Type): string {
  // [INF] real ids are 22 characters, like a 16-byte digest in base64url; this is the MD5 Avro fingerprint.
  return type.fingerprint('md5').toString('base64url');
}

function build(schema: Record<string, unknown>, kind: TopicSchema['kind'], objectName: string, entries: ChangeEventEntry[]): TopicSchema {
  const type = avsc.Type.forSchema(schema as unknown as Schema, { wrapUnions: 'auto' });
  return { id: fingerprintId(type), json: JSON.stringify(schema), type, kind, objectName, entries };
}

const cache = new WeakMap<ObjectSchema, TopicSchema>();

/** Builds a schema once per object schema (describe objects do not change while the org runs). */
function cached(object: ObjectSchema, make: () => TopicSchema): TopicSchema {
  let schema = cache.get(object);
  if (!schema) cache.set(object, (schema = make()));
  return schema;
}

/** The schema of `/data/<Entity>ChangeEvent` for an object. */
export function changeEventSchema(object: ObjectSchema, entityName: string): TopicSchema {
  return cached(object, () => buildChangeEventSchema(object, entityName));
}

function buildChangeEventSchema(object: ObjectSchema, entityName: string): TopicSchema {
  const entries = entriesOf(object);
  const defined = new Map<string, string>();
  const fields: Record<string, unknown>[] = [{ name: 'ChangeEventHeader', type: HEADER_SCHEMA }];
  for (const entry of entries) {
    if (entry.kind === 'field') {
      fields.push(nullable(entry.name, avroTypeOf(entry.field)));
      continue;
    }
    // Compound fields: one named record per shape (Switchable_PersonName, Address), referenced by name after its first use.
    const recordName = entry.name === 'Name' ? 'Switchable_PersonName' : 'Address';
    const shape = entry.parts.map((p) => `${p.key}:${avroTypeOf(p.field)}`).join(',');
    const known = defined.get(recordName);
    if (known === shape) {
      fields.push(nullable(entry.name, `${NAMESPACE}.${recordName}`));
      continue;
    }
    const name = known === undefined ? recordName : `${entry.name}_${recordName}`;
    if (known === undefined) defined.set(recordName, shape);
    fields.push(nullable(entry.name, { type: 'record', name, namespace: NAMESPACE, fields: entry.parts.map((p) => nullable(p.key, avroTypeOf(p.field))) }));
  }
  return build({ type: 'record', name: entityName, namespace: NAMESPACE, fields }, 'change', object.name, entries);
}

const PLATFORM_SYSTEM_FIELDS = new Set(['Id', 'ReplayId', 'CreatedDate', 'CreatedById', 'EventUuid']);

/** The custom fields of a platform event (what a publisher sets). */
export function platformEventFields(object: ObjectSchema): FieldSchema[] {
  return object.fields.filter((f) => !PLATFORM_SYSTEM_FIELDS.has(f.name));
}

/** The schema of `/event/<Event>__e`. */
export function platformEventSchema(object: ObjectSchema): TopicSchema {
  return cached(object, () => buildPlatformEventSchema(object));
}

function buildPlatformEventSchema(object: ObjectSchema): TopicSchema {
  const fields = [{ name: 'CreatedDate', type: 'long' }, { name: 'CreatedById', type: 'string' }, ...platformEventFields(object).map((f) => nullable(f.name, avroTypeOf(f)))];
  return build({ type: 'record', name: object.name, namespace: NAMESPACE, fields }, 'platform', object.name, []);
}
