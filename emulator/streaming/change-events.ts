/**
 * Change Data Capture: turns the store's record changes into change events (salesforce-api.md 6.4) on
 * `/data/ChangeEvents` and `/data/<Entity>ChangeEvent` — `ChangeEventHeader` first, then the record's fields in schema
 * order with compound fields nested (`Name`, `BillingAddress`), ISO date-times, only what changed (plus LastModifiedDate)
 * on UPDATE, the header alone on DELETE and gap events; one transaction key per transaction with increasing sequence
 * numbers, one event with several `recordIds` when a transaction makes the same change to several records, and one
 * `GAP_OVERFLOW` per entity past the per-transaction change limit.
 */
import { randomUUID } from 'node:crypto';
import type { OrgStore, RecordChange } from '../org/store';
import type { FieldSchema, FieldValue, ObjectSchema, RecordRow } from '../org/types';
import { changeEventSchema } from '../pubsub/avro-schemas';
import { entriesOf, type ChangeEventEntry } from './change-event-fields';
import type { EventLog } from './event-log';

/** The channel of all change events. */
export const ALL_CHANGE_EVENTS = '/data/ChangeEvents';

/** The change types a change event carries. */
export type ChangeEventType = 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE' | 'GAP_CREATE' | 'GAP_UPDATE' | 'GAP_DELETE' | 'GAP_UNDELETE' | 'GAP_OVERFLOW';

/** The gap types the admin API can emit. */
const GAP_TYPES: readonly ChangeEventType[] = ['GAP_CREATE', 'GAP_UPDATE', 'GAP_DELETE', 'GAP_UNDELETE', 'GAP_OVERFLOW'];

/** The record id an overflow event carries (docs). */
const OVERFLOW_RECORD_ID = '000000000000000AAA';

/** `AccountChangeEvent`, `Invoice__ChangeEvent` (the custom `c` dropped). */
export function changeEventEntity(objectName: string): string {
  return objectName.endsWith('__c') ? `${objectName.slice(0, -1)}ChangeEvent` : `${objectName}ChangeEvent`;
}

/** A stored datetime (`2026-01-02T03:04:05.000+0000`) as CometD shows it (`2026-01-02T03:04:05Z`); other values as stored. */
function eventValue(field: FieldSchema, value: FieldValue): FieldValue {
  if (field.type !== 'datetime' || typeof value !== 'string') return value;
  const date = new Date(value.replace(/\+0000$/, 'Z'));
  if (Number.isNaN(date.getTime())) return value;
  return date.toISOString().replace('.000Z', 'Z');
}

type Entry = ChangeEventEntry;

/** Options of the publisher. */
export type ChangeEventOptions = {
  store: OrgStore;
  log: EventLog;
  now: () => number;
  /** The objects that publish change events ('all' = every object of the org but platform events and Organization). */
  objects: 'all' | readonly string[];
  /** Changes of one transaction past which one `GAP_OVERFLOW` per entity replaces the events (100,000). */
  overflowLimit: number;
};

/** The running publisher. */
export interface ChangeEventPublisher {
  /** True when the object publishes change events. */
  publishes(objectName: string): boolean;
  /** The objects that publish, in schema order. */
  objects(): ObjectSchema[];
  /** The change event channels (`/data/ChangeEvents` and one per object). */
  channels(): string[];
  /** Publishes gap events (header only) for records; returns their replay ids. */
  emitGap(changeType: ChangeEventType, recordIds: readonly string[], objectName?: string): number[];
  /** Stops listening to the store. */
  stop(): void;
}

type Transaction = { storeKey: string; key: string; sequence: number; commitNumber: number; commitTimestamp: number; changes: number; overflowed: Set<string> };

/** Starts publishing the store's changes. */
export function createChangeEventPublisher(options: ChangeEventOptions): ChangeEventPublisher {
  const { store, log } = options;
  const layouts = new Map<string, { entries: Entry[]; schemaId: string; channel: string }>();
  const layoutOf = (schema: ObjectSchema): { entries: Entry[]; schemaId: string; channel: string } => {
    let layout = layouts.get(schema.name);
    if (!layout) {
      const entries = entriesOf(schema);
      // The schema id is the Pub/Sub schema's, so a CometD `schema` can be looked up with GetSchema.
      layout = { entries, schemaId: changeEventSchema(schema, changeEventEntity(schema.name)).id, channel: `/data/${changeEventEntity(schema.name)}` };
      layouts.set(schema.name, layout);
    }
    return layout;
  };
  const eligible = (schema: ObjectSchema): boolean => !schema.name.endsWith('__e') && schema.name !== 'Organization';
  const publishes = (objectName: string): boolean => {
    const schema = store.objectSchema(objectName);
    if (!schema || !eligible(schema)) return false;
    return options.objects === 'all' || options.objects.some((o) => o.toLowerCase() === schema.name.toLowerCase());
  };

  let commitCounter = 10_426_208_028_536;
  let current: Transaction | undefined;
  const transactionOf = (storeKey: string): Transaction => {
    if (current?.storeKey !== storeKey) {
      commitCounter += 1 + (commitCounter % 7);
      current = { storeKey, key: randomUUID(), sequence: 0, commitNumber: commitCounter, commitTimestamp: options.now(), changes: 0, overflowed: new Set() };
    }
    return current;
  };

  const origin = (change: RecordChange): string => {
    // [INF] without a Sforce-Call-Options client the `;client=` part is left out.
    const api = change.origin === 'rest' ? 'rest' : change.origin === 'bulkapi' ? 'bulkapi' : undefined;
    if (api === undefined) return '';
    const base = `com/salesforce/api/${api}/${change.apiVersion ?? '66.0'}`;
    return change.client === undefined ? base : `${base};client=${change.client}`;
  };

  const publish = (schema: ObjectSchema, header: Record<string, unknown>, fields: Record<string, unknown>): number => {
    const layout = layoutOf(schema);
    const payload = { ChangeEventHeader: header, ...fields };
    return log.append([ALL_CHANGE_EVENTS, layout.channel], (replayId) => JSON.stringify({ schema: layout.schemaId, payload, event: { replayId } })).replayId;
  };

  const header = (schema: ObjectSchema, recordIds: string[], changeType: ChangeEventType, changeOrigin: string, tx: Transaction, userId: string, changedFields: string[]): Record<string, unknown> => {
    tx.sequence += 1;
    return {
      entityName: schema.name,
      recordIds,
      changeType,
      changeOrigin,
      transactionKey: tx.key,
      sequenceNumber: tx.sequence,
      commitTimestamp: tx.commitTimestamp,
      commitNumber: tx.commitNumber,
      commitUser: userId,
      changedFields,
    };
  };

  /** The event fields of a row: all set ones (CREATE/UNDELETE), or the changed ones plus LastModifiedDate (UPDATE). */
  const fieldsOf = (schema: ObjectSchema, row: RecordRow, changed: Set<string> | undefined): { fields: Record<string, unknown>; changedFields: string[] } => {
    const fields: Record<string, unknown> = {};
    const changedFields: string[] = [];
    for (const entry of layoutOf(schema).entries) {
      if (entry.kind === 'field') {
        const value = row[entry.name] ?? null;
        if (changed === undefined ? value !== null : changed.has(entry.name) || entry.name === 'LastModifiedDate') {
          fields[entry.name] = eventValue(entry.field, value);
          if (changed !== undefined) changedFields.push(entry.name);
        }
        continue;
      }
      const nested: Record<string, unknown> = {};
      for (const part of entry.parts) {
        const value = row[part.field.name] ?? null;
        if (changed === undefined ? value !== null : changed.has(part.field.name)) {
          nested[part.key] = eventValue(part.field, value);
          if (changed !== undefined) changedFields.push(`${entry.name}.${part.key}`);
        }
      }
      if (Object.keys(nested).length > 0) fields[entry.name] = nested;
    }
    return { fields, changedFields };
  };

  // Changes wait for the end of the synchronous run (or the next transaction): one event then carries every record a
  // transaction changed the same way (same entity, change type and field values), as real CDC merges them.
  type Draft = { schema: ObjectSchema; changeType: ChangeEventType; changeOrigin: string; userId: string; changedFields: string[]; fields: Record<string, unknown>; ids: string[]; key: string | undefined };
  let buffered: { tx: Transaction; drafts: Draft[] } | undefined;
  const flush = (): void => {
    const batch = buffered;
    buffered = undefined;
    if (!batch) return;
    for (const d of batch.drafts) publish(d.schema, header(d.schema, d.ids, d.changeType, d.changeOrigin, batch.tx, d.userId, d.changedFields), d.fields);
  };
  const queue = (tx: Transaction, draft: Omit<Draft, 'key'>, mergeable: boolean): void => {
    if (buffered?.tx !== tx) {
      flush();
      buffered = { tx, drafts: [] };
      queueMicrotask(flush);
    }
    // The audit dates of one transaction differ by milliseconds here, not on a real org: they are left out of the match.
    const { LastModifiedDate: _modified, CreatedDate: _created, ...compared } = draft.fields;
    const key = mergeable ? JSON.stringify([draft.schema.name, draft.changeType, draft.changeOrigin, draft.userId, draft.changedFields, compared]) : undefined;
    const same = key === undefined ? undefined : buffered.drafts.find((d) => d.key === key);
    if (same) same.ids.push(...draft.ids);
    else buffered.drafts.push({ ...draft, key });
  };

  const onChange = (change: RecordChange): void => {
    if (!publishes(change.objectName)) return;
    const schema = store.objectSchema(change.objectName) as ObjectSchema;
    const tx = transactionOf(change.transactionKey);
    const changedNames = change.changeType === 'UPDATE' ? change.changedFields.filter((f) => f !== 'LastModifiedDate' && f !== 'SystemModstamp') : [];
    tx.changes += change.changeType === 'UPDATE' ? Math.max(1, changedNames.length) : 1;
    const base = { schema, changeOrigin: origin(change), userId: change.userId };
    if (tx.changes > options.overflowLimit) {
      if (!tx.overflowed.has(schema.name)) {
        tx.overflowed.add(schema.name);
        queue(tx, { ...base, changeType: 'GAP_OVERFLOW', changedFields: [], fields: {}, ids: [OVERFLOW_RECORD_ID] }, false);
      }
      return;
    }
    if (change.changeType === 'DELETE') {
      queue(tx, { ...base, changeType: 'DELETE', changedFields: [], fields: {}, ids: [change.id] }, true);
      return;
    }
    const { fields, changedFields } = fieldsOf(schema, change.row, change.changeType === 'UPDATE' ? new Set(change.changedFields) : undefined);
    queue(tx, { ...base, changeType: change.changeType, changedFields, fields, ids: [change.id] }, true);
  };
  const unsubscribe = store.onChange(onChange);

  return {
    publishes,
    objects: () => store.objectSchemas().filter((s) => publishes(s.name)),
    channels: () => [ALL_CHANGE_EVENTS, ...store.objectSchemas().filter((s) => publishes(s.name)).map((s) => `/data/${changeEventEntity(s.name)}`)],
    emitGap(changeType, recordIds, objectName) {
      flush();
      const first = recordIds[0];
      const schema = objectName !== undefined ? store.objectSchema(objectName) : first === undefined ? undefined : store.objectByKeyPrefix(first.slice(0, 3));
      if (!schema || !publishes(schema.name)) throw new Error(`No change-event object for ${objectName ?? first ?? 'no record ids'}: give "object" or record ids of an object that publishes change events.`);
      if (!GAP_TYPES.includes(changeType)) throw new Error(`"changeType" must be one of ${GAP_TYPES.join(', ')}.`);
      const tx: Transaction = { storeKey: `gap-${randomUUID()}`, key: randomUUID(), sequence: 0, commitNumber: (commitCounter += 1), commitTimestamp: options.now(), changes: 0, overflowed: new Set() };
      const ids = changeType === 'GAP_OVERFLOW' ? [OVERFLOW_RECORD_ID] : [...recordIds];
      // Gap events carry the header only, with an empty changeOrigin (docs).
      return [publish(schema, header(schema, ids, changeType, '', tx, '', []), {})];
    },
    stop() {
      flush();
      unsubscribe();
    },
  };
}
