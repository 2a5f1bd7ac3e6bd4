import { z } from 'zod';
import type { ChannelSchemas, EventSchemas } from '../channel';
import { ERROR_CODES, type AppError } from '../result';

/** A JSON value as an event's payload holds it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** An error carried in a subscription's status (an AppError whose hint may be absent). */
type EventsError = { code: AppError['code']; message: string; hint?: string | undefined };

/**
 * Where a subscription starts. `new` is replay -1 (only new events), `retained` is -2 (every event the org still keeps,
 * 72 h for CDC), `id` is every retained event after that replay id, `checkpoint` is after the last replay id captured on
 * this org and channel (new events only when there is none).
 */
export type ReplayFrom =
  | { kind: 'new' }
  | { kind: 'retained' }
  | { kind: 'id'; replayId: number }
  | { kind: 'checkpoint' };

/** What a channel carries: every CDC object, one object's changes, a platform event, or any channel typed by hand. */
type EventChannelKind = 'all-changes' | 'change' | 'platform' | 'custom';

/** A channel the picker offers, discovered from the org's global describe, with what the capture holds of it. */
export type EventChannelInfo = {
  /** The Streaming API channel, case-sensitive: `/data/ChangeEvents`, `/data/ContactChangeEvent`, `/event/Order_Event__e`. */
  channel: string;
  kind: EventChannelKind;
  /** A label for people: `Contact changes`, `Order Event`. */
  label: string;
  /** The object it follows (`Contact`), the platform event (`Order_Event__e`), or null for `/data/ChangeEvents`. */
  entity: string | null;
  /** The last replay id captured on this org and channel (what `checkpoint` resumes after), null when none. */
  checkpoint: number | null;
  /** How many events of this channel the capture holds. */
  captured: number;
};

/** The event API a subscription speaks: the Pub/Sub API (gRPC, the default) or CometD (the Streaming API). */
export type EventsApi = 'pubsub' | 'cometd';

/** The state of a subscription. */
export type SubscriptionState = 'connecting' | 'live' | 'reconnecting' | 'failed' | 'stopped';

/**
 * Why a subscription failed. `invalid-replay`: the org refused the replay id (expired or unknown) — offer replay -1 or -2;
 * `no-channel`: the channel does not exist; `denied`: the org refused the subscription (permissions, limits); `auth`:
 * re-login failed; `other`: anything else.
 */
type SubscriptionFailureReason = 'invalid-replay' | 'no-channel' | 'denied' | 'auth' | 'other';

/** Why a subscription failed, with the error to show. */
export type SubscriptionFailure = { reason: SubscriptionFailureReason } & EventsError;

/** One subscription as main runs it; pushed on `events:status` at each change of state. */
export type EventSubscription = {
  subscriptionId: string;
  orgId: string;
  channel: string;
  /** The replay choice it was started with. */
  replay: ReplayFrom;
  /** The event API it speaks. */
  api: EventsApi;
  state: SubscriptionState;
  /** The last replay id received on this subscription (what a reconnect resumes after). */
  lastReplayId: number | null;
  /** Events received since it started. */
  received: number;
  /** How many times the client re-handshook (dropped client, network loss, expired session). */
  reconnects: number;
  /** When the next reconnect attempt is due (while `reconnecting`), ISO. */
  nextRetryAt: string | null;
  startedAt: string;
  /** Set when `failed`. */
  failure?: SubscriptionFailure | undefined;
  /**
   * Set when events may have been missed where no event can carry the flag yet: a reconnect before the first event of a
   * subscription to new events (-1), which can only resubscribe from new events again.
   */
  discontinuity?: ReplayDiscontinuity | undefined;
};

/**
 * What an event is. `change`: a CDC CREATE/UPDATE/DELETE/UNDELETE; `gap`: `GAP_CREATE`..`GAP_UNDELETE` (header only: the
 * record must be re-read); `overflow`: `GAP_OVERFLOW` (more than 100,000 changes in one transaction); `platform`: a platform
 * event; `other`: anything else (PushTopic, generic, unknown shapes).
 */
export type CapturedEventKind = 'change' | 'gap' | 'overflow' | 'platform' | 'other';

/** A replay-id discontinuity main saw after a reconnect: events between `lastReplayId` and this one may be missing. */
export type ReplayDiscontinuity = { lastReplayId: number | null; reason: string };

/** One captured event as the live table shows it (the payload itself comes through `events:get`). */
export type EventRow = {
  /** Main's capture id: unique, increasing in arrival order; the table's key. */
  seq: number;
  orgId: string;
  channel: string;
  replayId: number;
  /** When main received it, ISO. */
  receivedAt: string;
  /** When it happened in the org (CDC `commitTimestamp`, platform event `CreatedDate`), ISO, null when unknown. */
  eventTime: string | null;
  kind: CapturedEventKind;
  /** The object (`Contact`) or platform event (`Order_Event__e`). */
  entity: string | null;
  /** CDC `changeType` (`CREATE`, `UPDATE`, `DELETE`, `UNDELETE`, `GAP_*`, `GAP_OVERFLOW`), null for other events. */
  changeType: string | null;
  recordIds: string[];
  /** Changed fields of an UPDATE (`changedFields` of the header, compound parts dotted: `Name.LastName`); empty otherwise. */
  changedFields: string[];
  /** Fields the change set to null (`nulledFields`, decoded from Pub/Sub's bitmaps); always empty over CometD. */
  nulledFields: string[];
  /** Long text fields sent as a diff rather than whole (`diffFields`, Pub/Sub only); always empty over CometD. */
  diffFields: string[];
  commitUser: string | null;
  changeOrigin: string | null;
  transactionKey: string | null;
  sequenceNumber: number | null;
  /** What a gap, an overflow or a discontinuity means and what to do, in a sentence; null for ordinary events. */
  note: string | null;
  /** Set on the first event after a reconnect that could not resume where it left off. */
  discontinuity: ReplayDiscontinuity | null;
};

/** How big the capture may grow and what it holds; past the limit the oldest events are dropped first. */
export type CaptureStats = {
  events: number;
  bytes: number;
  maxBytes: number;
  /** Events dropped to stay under the limit since the app started. */
  dropped: number;
  /** The receive time of the oldest event still held, ISO, null when empty. */
  oldestAt: string | null;
};

/** Rows pushed about every 100 ms while subscriptions receive events. */
export type EventBatch = { rows: EventRow[]; capture: CaptureStats };

/** Filters of the table and of export; every one given must match (text is SQLite full-text search over the payload). */
export type EventFilter = {
  orgId: string;
  /** Only these channels; all when absent or empty. */
  channels?: string[] | undefined;
  entity?: string | undefined;
  changeTypes?: string[] | undefined;
  recordId?: string | undefined;
  transactionKey?: string | undefined;
  /** Words or a quoted phrase searched in the payload and header (FTS5, prefix matching on the last word). */
  text?: string | undefined;
};

/** A window of captured rows, ordered by `seq`, with the count that matches the filter. */
export type EventWindow = { offset: number; rows: EventRow[]; matched: number; total: number };

/**
 * A field of an event with its new value and the previous one: `event` when an earlier captured event of the record set
 * it (its `seq`), `record` when a fetched record snapshot older than the event knows it, `unknown` otherwise.
 */
export type FieldChange = {
  field: string;
  value: JsonValue;
  previous: { source: 'event'; seq: number; value: JsonValue } | { source: 'record'; fetchedAt: string; value: JsonValue } | { source: 'unknown' };
};

/** One event in full, for the detail panel. */
export type EventDetail = {
  row: EventRow;
  /** The whole `data` of the message (`schema`, `payload`, `event`). */
  data: JsonValue;
  /** For CDC: the fields carried (changed fields for an UPDATE), with previous values where they are known. */
  changes: FieldChange[];
  /** For a gap or overflow: a SOQL query that re-reads the records, for the workbench; null otherwise. */
  requerySoql: string | null;
};

/** A record's current values, fetched so that later UPDATE events know previous values. */
export type RecordSnapshot = { entity: string; recordId: string; fetchedAt: string; fields: Record<string, JsonValue> };

/** Which captured events an export writes: those of the filter, or the selected ones by `seq`. */
export type EventExportSelection = { kind: 'filter'; filter: EventFilter } | { kind: 'seqs'; orgId: string; seqs: number[] };

/** A value of a platform event field to publish. */
export type PublishValue = string | number | boolean | null;

/** Invoke channels of the events domain. */
export type EventsInvoke = {
  /** `/data/ChangeEvents`, the org's `*ChangeEvent` channels and `*__e` platform events, with capture counts and checkpoints. */
  'events:channels': { args: { orgId: string; refresh?: boolean | undefined }; result: EventChannelInfo[] };
  /**
   * Subscribes (several at once are fine); answers once the org acknowledged or refused, as the subscription's status. An
   * invalid replay id gives `state: 'failed'` with `failure.reason: 'invalid-replay'`; subscribe again with `new` or `retained`.
   * `api` picks the Pub/Sub API (the default) or CometD.
   */
  'events:subscribe': { args: { orgId: string; channel: string; replay: ReplayFrom; api?: EventsApi | undefined }; result: EventSubscription };
  'events:unsubscribe': { args: { subscriptionId: string }; result: { unsubscribed: boolean } };
  /** The subscriptions main runs (after a reload the renderer picks them up from here). */
  'events:subscriptions': { args: Record<string, never>; result: EventSubscription[] };
  /** A window of captured rows for the table, after a reload or a filter change. */
  'events:rows': { args: { filter: EventFilter; offset: number; limit: number; order: 'asc' | 'desc' }; result: EventWindow };
  /** One event in full, with previous values of the fields it changed. */
  'events:get': { args: { seq: number }; result: EventDetail };
  /** Fetches the record now (REST), keeps it as the baseline for previous values of later events, and returns it. */
  'events:fetch-record': { args: { orgId: string; entity: string; recordId: string }; result: RecordSnapshot };
  /**
   * Streams captured events to a file: `<userData>/exports/events-<timestamp>.<ndjson|csv>` in browser mode (a save dialog
   * in Electron). NDJSON writes one captured message (`channel`, `data`) per line; CSV the table's columns and the payload.
   * `formulaSafe` (CSV only, off by default) puts a `'` before each cell that would run as a formula in Excel; `protectedCells`
   * says how many got one.
   */
  'events:export': {
    args: { selection: EventExportSelection; format: 'ndjson' | 'csv'; formulaSafe?: boolean | undefined };
    result: { file: string; events: number; protectedCells: number };
  };
  /** Publishes a platform event (Pub/Sub `Publish` by default; `api: 'cometd'` uses the REST create of `X__e`); fields as `query:describe` of the event lists them. */
  'events:publish': { args: { orgId: string; eventName: string; fields: Record<string, PublishValue>; api?: EventsApi | undefined }; result: { id: string } };
  'events:capture': { args: Record<string, never>; result: CaptureStats };
  /** Sets the capture's size limit (dropping the oldest events at once when over it). */
  'events:set-capture-limit': { args: { maxBytes: number }; result: CaptureStats };
  /** Deletes captured events of an org (one channel or all) and their checkpoints. */
  'events:clear': { args: { orgId: string; channel?: string | undefined }; result: CaptureStats };
};

/** Events of the events domain. */
export type EventsEvents = {
  'events:batch': EventBatch;
  'events:status': EventSubscription;
};

const id = z.string().min(1).max(200);
const channel = z.string().min(2).max(255).regex(/^\/[A-Za-z0-9_/]+$/, 'A channel starts with / and holds letters, digits, _ and /');
const replayId = z.number().int().min(-2).max(Number.MAX_SAFE_INTEGER);
const replay = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('new') }).strict(),
  z.object({ kind: z.literal('retained') }).strict(),
  z.object({ kind: z.literal('id'), replayId }).strict(),
  z.object({ kind: z.literal('checkpoint') }).strict(),
]);
const recordId = z.string().regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/);
const entity = z.string().min(1).max(255).regex(/^[A-Za-z][A-Za-z0-9_]*$/);
const filter = z
  .object({
    orgId: id,
    channels: z.array(channel).max(100).optional(),
    entity: entity.optional(),
    changeTypes: z.array(z.string().min(1).max(40)).max(20).optional(),
    recordId: z.string().max(18).optional(),
    transactionKey: z.string().max(100).optional(),
    text: z.string().max(1000).optional(),
  })
  .strict();
const selection = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('filter'), filter }).strict(),
  z.object({ kind: z.literal('seqs'), orgId: id, seqs: z.array(z.number().int().min(1)).max(100_000) }).strict(),
]);
const publishValue = z.union([z.string().max(131_072), z.number(), z.boolean(), z.null()]);

/** Argument schemas of the events domain's channels. */
export const eventsSchemas = {
  'events:channels': z.object({ orgId: id, refresh: z.boolean().optional() }).strict(),
  'events:subscribe': z.object({ orgId: id, channel, replay, api: z.enum(['pubsub', 'cometd']).optional() }).strict(),
  'events:unsubscribe': z.object({ subscriptionId: id }).strict(),
  'events:subscriptions': z.object({}).strict(),
  'events:rows': z
    .object({ filter, offset: z.number().int().min(0), limit: z.number().int().min(0).max(5000), order: z.enum(['asc', 'desc']) })
    .strict(),
  'events:get': z.object({ seq: z.number().int().min(1) }).strict(),
  'events:fetch-record': z.object({ orgId: id, entity, recordId }).strict(),
  'events:export': z.object({ selection, format: z.enum(['ndjson', 'csv']), formulaSafe: z.boolean().optional() }).strict(),
  'events:publish': z
    .object({ orgId: id, eventName: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*__e$/, 'A platform event name ends with __e'), fields: z.record(z.string().min(1).max(255), publishValue), api: z.enum(['pubsub', 'cometd']).optional() })
    .strict(),
  'events:capture': z.object({}).strict(),
  'events:set-capture-limit': z.object({ maxBytes: z.number().int().min(1_000_000).max(100_000_000_000) }).strict(),
  'events:clear': z.object({ orgId: id, channel: channel.optional() }).strict(),
} satisfies ChannelSchemas<EventsInvoke>;

const replayOut = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('new') }),
  z.object({ kind: z.literal('retained') }),
  z.object({ kind: z.literal('id'), replayId: z.number() }),
  z.object({ kind: z.literal('checkpoint') }),
]);
const row = z.object({
  seq: z.number(),
  orgId: z.string(),
  channel: z.string(),
  replayId: z.number(),
  receivedAt: z.string(),
  eventTime: z.string().nullable(),
  kind: z.enum(['change', 'gap', 'overflow', 'platform', 'other']),
  entity: z.string().nullable(),
  changeType: z.string().nullable(),
  recordIds: z.array(z.string()),
  changedFields: z.array(z.string()),
  nulledFields: z.array(z.string()),
  diffFields: z.array(z.string()),
  commitUser: z.string().nullable(),
  changeOrigin: z.string().nullable(),
  transactionKey: z.string().nullable(),
  sequenceNumber: z.number().nullable(),
  note: z.string().nullable(),
  discontinuity: z.object({ lastReplayId: z.number().nullable(), reason: z.string() }).nullable(),
});
const capture = z.object({ events: z.number(), bytes: z.number(), maxBytes: z.number(), dropped: z.number(), oldestAt: z.string().nullable() });

/** Payload schemas of the events domain's events. */
export const eventsEventSchemas = {
  'events:batch': z.object({ rows: z.array(row), capture }),
  'events:status': z.object({
    subscriptionId: z.string(),
    orgId: z.string(),
    channel: z.string(),
    replay: replayOut,
    api: z.enum(['pubsub', 'cometd']),
    state: z.enum(['connecting', 'live', 'reconnecting', 'failed', 'stopped']),
    lastReplayId: z.number().nullable(),
    received: z.number(),
    reconnects: z.number(),
    nextRetryAt: z.string().nullable(),
    startedAt: z.string(),
    failure: z
      .object({
        reason: z.enum(['invalid-replay', 'no-channel', 'denied', 'auth', 'other']),
        code: z.enum(ERROR_CODES),
        message: z.string(),
        hint: z.string().optional(),
      })
      .optional(),
  }),
} satisfies EventSchemas<EventsEvents>;
