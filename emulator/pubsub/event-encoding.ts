/**
 * Turns an event of the shared log (the JSON CometD delivers) into the Avro record Pub/Sub delivers: date-times as epoch
 * milliseconds, absent fields as null, and the header's `changedFields`, `nulledFields` and `diffFields` as bitmaps of
 * schema positions — a top-level `0x…` string and one `<pos>-0x…` per compound field (the guide's Event
 * Deserialization Considerations).
 */
import type { FieldSchema } from '../org/types';
import { avroTypeOf, type TopicSchema } from './avro-schemas';

/** `0x` + the upper-case hex of the bits at `positions`, padded to whole bytes (`0x650004E0`). */
function bitmapHex(positions: Iterable<number>): string {
  let bits = 0n;
  for (const p of positions) bits |= 1n << BigInt(p);
  const hex = bits.toString(16).toUpperCase();
  return `0x${hex.length % 2 === 1 ? `0${hex}` : hex}`;
}

/** The bitmap strings of field names (`Phone`, `Name.LastName`) against a change event schema's positions. */
function fieldBitmap(schema: TopicSchema, names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const top = new Set<number>();
  const nested = new Map<number, Set<number>>();
  for (const name of names) {
    const [head, part] = name.split('.', 2) as [string, string | undefined];
    const index = schema.entries.findIndex((e) => e.name === head);
    if (index < 0) continue;
    const entry = schema.entries[index];
    const position = index + 1;
    if (part === undefined || entry?.kind !== 'compound') {
      top.add(position);
      continue;
    }
    const child = entry.parts.findIndex((p) => p.key === part);
    if (child < 0) continue;
    let set = nested.get(position);
    if (!set) nested.set(position, (set = new Set()));
    set.add(child);
  }
  // [INF] a compound field's own bit is left out of the top-level bitmap; the top-level string is sent when a bit is set.
  const out = top.size > 0 ? [bitmapHex(top)] : [];
  for (const [position, children] of [...nested].sort((a, b) => a[0] - b[0])) out.push(`${position}-${bitmapHex(children)}`);
  return out;
}

/** A CometD-shaped value as its Avro value. */
function avroValue(field: FieldSchema, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (avroTypeOf(field)) {
    case 'long':
      return typeof value === 'string' ? Date.parse(value.replace(/\+0000$/, 'Z')) : value;
    case 'int':
      return field.type === 'date' && typeof value === 'string' ? Math.round(Date.parse(`${value.slice(0, 10)}T00:00:00Z`) / 86_400_000) : value;
    case 'double':
      return Number(value);
    case 'boolean':
      return value === true;
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

type Header = Record<string, unknown> & { changedFields?: string[] };

const text = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);

/** The Avro record of a change event payload (`{ChangeEventHeader, ...fields}` as the log keeps it). */
function changeRecord(schema: TopicSchema, payload: Record<string, unknown>): Record<string, unknown> {
  const header = (payload.ChangeEventHeader ?? {}) as Header;
  const changed = header.changedFields ?? [];
  const nulled: string[] = [];
  const record: Record<string, unknown> = {};
  for (const entry of schema.entries) {
    const raw = payload[entry.name];
    if (entry.kind === 'field') {
      record[entry.name] = avroValue(entry.field, raw);
      if (raw === null && changed.includes(entry.name)) nulled.push(entry.name);
      continue;
    }
    if (raw === null || raw === undefined || typeof raw !== 'object') {
      record[entry.name] = null;
      continue;
    }
    const nested: Record<string, unknown> = {};
    for (const part of entry.parts) {
      const value = (raw as Record<string, unknown>)[part.key];
      nested[part.key] = avroValue(part.field, value);
      if (value === null && changed.includes(`${entry.name}.${part.key}`)) nulled.push(`${entry.name}.${part.key}`);
    }
    record[entry.name] = nested;
  }
  const commitTimestamp = typeof header.commitTimestamp === 'number' ? header.commitTimestamp : 0;
  record.ChangeEventHeader = {
    entityName: text(header.entityName, schema.objectName),
    recordIds: (header.recordIds as string[] | undefined) ?? [],
    changeType: text(header.changeType, 'UPDATE'),
    changeOrigin: text(header.changeOrigin),
    transactionKey: text(header.transactionKey),
    sequenceNumber: Number(header.sequenceNumber ?? 0),
    commitTimestamp,
    commitNumber: Number(header.commitNumber ?? 0),
    commitUser: text(header.commitUser),
    nulledFields: fieldBitmap(schema, nulled),
    // [INF] the local org never sends a long text value as a diff, so diffFields stays empty.
    diffFields: [],
    changedFields: fieldBitmap(schema, changed),
  };
  return record;
}

/** The Avro record of a platform event payload. */
function platformRecord(payload: Record<string, unknown>, fields: FieldSchema[]): Record<string, unknown> {
  const record: Record<string, unknown> = {
    CreatedDate: typeof payload.CreatedDate === 'string' ? Date.parse(payload.CreatedDate) : 0,
    CreatedById: text(payload.CreatedById),
  };
  for (const f of fields) record[f.name] = avroValue(f, payload[f.name]);
  return record;
}

/** The Avro bytes of a logged event's payload. */
export function encodePayload(schema: TopicSchema, payload: Record<string, unknown>, platformFields: FieldSchema[]): Buffer {
  const record = schema.kind === 'change' ? changeRecord(schema, payload) : platformRecord(payload, platformFields);
  return schema.type.toBuffer(record);
}
