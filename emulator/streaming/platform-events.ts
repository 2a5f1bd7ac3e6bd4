/**
 * Platform events (`*__e` objects of the schema): `POST /services/data/vXX.X/sobjects/<Event>__e` publishes one (201 with
 * an id, like a create) on `/event/<Event>__e` in the real shape — `data.schema`, `data.payload` with CreatedDate and
 * CreatedById then the custom fields, `data.event` with EventUuid and replayId (salesforce-api.md 6.4). Never stored.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RestExtension } from '../core';
import { errorReply, jsonParserMessage, readText, sendReply } from '../http/respond';
import type { OrgStore } from '../org/store';
import type { FieldValue, ObjectSchema } from '../org/types';
import { platformEventSchema } from '../pubsub/avro-schemas';
import type { EventLog } from './event-log';

/** The channel of a platform event. */
export function platformEventChannel(objectName: string): string {
  return `/event/${objectName}`;
}

/** True for a platform event object. */
export function isPlatformEvent(schema: ObjectSchema): boolean {
  return schema.name.endsWith('__e');
}

const SYSTEM_FIELDS = new Set(['Id', 'ReplayId', 'CreatedDate', 'CreatedById', 'EventUuid']);

/** Publishes one platform event; returns its record id and replay id. */
export function publishPlatformEvent(store: OrgStore, log: EventLog, schema: ObjectSchema, values: Record<string, FieldValue>, userId: string, now: Date): { id: string; replayId: number } {
  const id = store.newId(schema.name);
  const payload: Record<string, unknown> = { CreatedDate: now.toISOString(), CreatedById: userId };
  for (const f of schema.fields) if (!SYSTEM_FIELDS.has(f.name)) payload[f.name] = values[f.name] ?? null;
  const schemaKey = platformEventSchema(schema).id;
  const event = log.append([platformEventChannel(schema.name)], (replayId) => JSON.stringify({ schema: schemaKey, payload, event: { EventUuid: randomUUID(), replayId } }));
  return { id, replayId: event.replayId };
}

type Checked = { ok: true; values: Record<string, FieldValue> } | { ok: false; status: number; errorCode: string; message: string; fields?: string[] };

function checkValues(schema: ObjectSchema, body: unknown): Checked {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, status: 400, errorCode: 'JSON_PARSER_ERROR', message: `Cannot deserialize instance of sObject from ${Array.isArray(body) ? 'START_ARRAY' : 'VALUE_STRING'} token` };
  }
  const values: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === 'attributes') continue;
    const f = schema.fields.find((x) => x.name.toLowerCase() === key.toLowerCase());
    if (!f) return { ok: false, status: 400, errorCode: 'INVALID_FIELD', message: `No such column '${key}' on sobject of type ${schema.name}` };
    if (!f.createable) {
      return { ok: false, status: 400, errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', message: `Unable to create/update fields: ${f.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, fields: [f.name] };
    }
    const numeric = f.type === 'double' || f.type === 'int' || f.type === 'currency' || f.type === 'percent';
    if (value !== null && (numeric ? typeof value !== 'number' : f.type === 'boolean' ? typeof value !== 'boolean' : typeof value !== 'string')) {
      return { ok: false, status: 400, errorCode: 'JSON_PARSER_ERROR', message: `Cannot deserialize instance of ${numeric ? 'double' : f.type === 'boolean' ? 'boolean' : 'string'} from ${JSON.stringify(value)} value` };
    }
    if (typeof value === 'string' && f.length > 0 && value.length > f.length) {
      return { ok: false, status: 400, errorCode: 'STRING_TOO_LONG', message: `${f.label}: data value too large: ${value} (max length=${f.length})`, fields: [f.name] };
    }
    values[f.name] = value as FieldValue;
  }
  return { ok: true, values };
}

/** The REST resource that publishes platform events, asked before the core routes. */
export function platformEventRoutes(ports: { store: OrgStore; log: EventLog; now: () => Date }): RestExtension {
  return {
    async handle(req: IncomingMessage, res: ServerResponse, ctx) {
      const match = /^\/services\/data\/v[^/]+\/sobjects\/([^/]+)\/?$/.exec(ctx.url.pathname);
      const schema = match ? ports.store.objectSchema(decodeURIComponent(match[1] as string)) : undefined;
      if (!schema || !isPlatformEvent(schema) || (req.method ?? '').toUpperCase() !== 'POST') return false;
      const read = await readText(req, 1024 * 1024);
      if (!read.ok) {
        if (read.reason === 'too-large') sendReply(res, errorReply(413, 'REQUEST_ENTITY_TOO_LARGE', 'A platform event is at most 1 MB.'));
        return true;
      }
      let body: unknown;
      try {
        body = read.text.trim() === '' ? {} : JSON.parse(read.text);
      } catch (error) {
        sendReply(res, errorReply(400, 'JSON_PARSER_ERROR', jsonParserMessage(read.text, error)));
        return true;
      }
      const checked = checkValues(schema, body);
      if (!checked.ok) {
        sendReply(res, errorReply(checked.status, checked.errorCode, checked.message, checked.fields));
        return true;
      }
      const { id } = publishPlatformEvent(ports.store, ports.log, schema, checked.values, ctx.userId, ports.now());
      sendReply(res, { status: 201, body: { id, success: true, errors: [] } });
      return true;
    },
  };
}
