import { randomUUID } from 'node:crypto';
import type {
  CaptureStats,
  EventBatch,
  EventChannelInfo,
  EventDetail,
  EventExportSelection,
  EventFilter,
  EventSubscription,
  EventWindow,
  EventsApi,
  JsonValue,
  PublishValue,
  RecordSnapshot,
  ReplayFrom,
} from '../../shared/ipc/domains/events';
import { assertNever } from '../../shared/ipc/result';
import type { GlobalDescribe } from '../../shared/salesforce/rest';
import { ServiceError } from '../errors';
import type { SaveFilePicker } from '../files';
import type { SalesforceClient, SalesforceSession } from '../salesforce';
import type { EventCapture, EventConsumer } from './event-capture';
import { describeEvent, type EventDraft } from './event-description';
import { exportEvents } from './event-export';
import { fieldChanges, PREVIOUS_LOOKBACK, requerySoql } from './field-changes';
import { createOrgStream, type ChannelStatus, type OrgStream, type OrgStreamOptions } from './org-stream';
import { publishOverPubSub } from './pubsub-publish';
import { createPubSubStream } from './pubsub-stream';
import { DEFAULT_PUBSUB_ENDPOINT } from './pubsub-wire';

/**
 * A connected org as the events service uses it: the Salesforce client, its session (for the stream's re-login), the API
 * version, and its Pub/Sub endpoint (`host:port`, Salesforce's when absent).
 */
export type EventsConnection = { client: SalesforceClient; session: SalesforceSession; apiVersion: string; pubsubEndpoint?: string | null | undefined };

/** Gives the connection of an org profile (throws NOT_FOUND/AUTH ServiceErrors when it can't). */
export interface EventsConnections {
  /** The connection for one org profile. */
  connectionFor(orgId: string): Promise<EventsConnection>;
}

/** Ports and tuning of the events service. */
export type EventsServiceOptions = {
  connections: EventsConnections;
  capture: EventCapture;
  /** Pushes `events:batch`. */
  emitBatch: (batch: EventBatch) => void;
  /** Pushes `events:status`. */
  emitStatus: (status: EventSubscription) => void;
  /** Where exports go (a save dialog in Electron, `<userData>/exports/` in browser mode). */
  picker: SaveFilePicker;
  /** At most one stored-and-pushed batch per this many ms (100); the first event after a pause goes at once. */
  batchMs?: number;
  /** Back-off of the streams (tests shorten it). */
  stream?: Pick<OrgStreamOptions, 'backoffMs' | 'maxBackoffMs'>;
  /** The event API a subscribe uses when it names none (`pubsub`). */
  defaultApi?: EventsApi;
  now?: () => Date;
  /**
   * Told of a batch the capture could not store (a full disk). The batch is kept in memory and retried every
   * `captureRetryMs` (1 s), and shown only once stored; the checkpoint does not move meanwhile. Past `maxHeldEvents`
   * (50,000) the subscriptions fail with a FILE error instead of dropping anything; what is held is lost with the process,
   * and the next start replays it from the unmoved checkpoint.
   */
  onCaptureError?: (error: unknown) => void;
  captureRetryMs?: number;
  maxHeldEvents?: number;
  /**
   * Whose checkpoint this service keeps (`app`, the default: moved when a batch is stored), and so where `checkpoint`
   * replays resume. `cli` leaves it to the consumer (`orgdesk events` moves it once the lines are written out).
   */
  consumer?: EventConsumer;
};

/** The events domain: subscriptions with replay, capture, the table's windows, detail, export and publish. */
export type EventsService = {
  channels(orgId: string, refresh?: boolean): Promise<EventChannelInfo[]>;
  subscribe(orgId: string, channel: string, replay: ReplayFrom, api?: EventsApi): Promise<EventSubscription>;
  unsubscribe(subscriptionId: string): Promise<{ unsubscribed: boolean }>;
  subscriptions(): EventSubscription[];
  rows(filter: EventFilter, offset: number, limit: number, order: 'asc' | 'desc'): EventWindow;
  get(seq: number): EventDetail;
  fetchRecord(orgId: string, entity: string, recordId: string): Promise<RecordSnapshot>;
  exportEvents(selection: EventExportSelection, format: 'ndjson' | 'csv', options?: { formulaSafe?: boolean }): Promise<{ file: string; events: number; protectedCells: number }>;
  publish(orgId: string, eventName: string, fields: Record<string, PublishValue>, api?: EventsApi): Promise<{ id: string }>;
  capture(): CaptureStats;
  setCaptureLimit(maxBytes: number): CaptureStats;
  clear(orgId: string, channel?: string): CaptureStats;
  /** Stores and pushes what is waiting now (tests; the timer does it every `batchMs`). */
  flush(): void;
  /** Closes every stream and flushes what is waiting. */
  dispose(): Promise<void>;
};

type Subscription = { view: EventSubscription; dirty: boolean };

/** Builds the events service; streams open per org on the first subscribe and close with their last subscription. */
export function createEventsService(options: EventsServiceOptions): EventsService {
  const { connections, capture } = options;
  const now = options.now ?? (() => new Date());
  const batchMs = options.batchMs ?? 100;
  const streams = new Map<string, OrgStream>();
  const subscriptions = new Map<string, Subscription>();
  const byChannel = new Map<string, string>();
  const describeCache = new Map<string, Promise<GlobalDescribe>>();
  const consumer = options.consumer ?? 'app';
  const captureRetryMs = options.captureRetryMs ?? 1000;
  const maxHeldEvents = options.maxHeldEvents ?? 50_000;
  const defaultApi = options.defaultApi ?? 'pubsub';
  let pending: EventDraft[] = [];
  /** Set while the capture refuses writes: `pending` is then held for a retry, not dropped. */
  let captureFailure: unknown = null;
  let timer: NodeJS.Timeout | null = null;
  let lastFlushAt = 0;
  let disposed = false;

  const key = (orgId: string, channel: string): string => `${orgId}\n${channel}`;
  const streamKey = (orgId: string, api: EventsApi): string => `${orgId}\n${api}`;
  const subscriptionOf = (orgId: string, channel: string): Subscription | undefined => {
    const id = byChannel.get(key(orgId, channel));
    return id === undefined ? undefined : subscriptions.get(id);
  };

  const flush = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pending.length === 0) return;
    lastFlushAt = Date.now();
    let rows;
    try {
      rows = capture.append(pending, consumer === 'app' ? 'app' : null);
    } catch (error) {
      // Not stored (the disk may be full): nothing is shown and no checkpoint moves; the batch waits for a retry.
      if (captureFailure === null) options.onCaptureError?.(error);
      captureFailure = error;
      if (pending.length > maxHeldEvents) failOnCapture(error);
      if (!disposed) timer = setTimeout(flush, captureRetryMs);
      return;
    }
    captureFailure = null;
    pending = [];
    options.emitBatch({ rows, capture: capture.stats() });
    for (const s of subscriptions.values()) {
      if (!s.dirty) continue;
      s.dirty = false;
      options.emitStatus({ ...s.view });
    }
  };

  /** The capture kept refusing writes while events piled up: stop the subscriptions with the reason rather than drop events. */
  const failOnCapture = (error: unknown): void => {
    const failure = {
      reason: 'other' as const,
      code: 'FILE' as const,
      message: `OrgDesk could not store received events (${error instanceof Error ? error.message : String(error)}), so it stopped the subscriptions before dropping any.`,
      hint: 'Free disk space, then subscribe again: it resumes after the last event stored.',
    };
    for (const s of [...subscriptions.values()]) {
      if (s.view.state === 'failed' || s.view.state === 'stopped') continue;
      s.view.state = 'failed';
      s.view.failure = failure;
      options.emitStatus({ ...s.view });
      void streams.get(streamKey(s.view.orgId, s.view.api))?.unsubscribe(s.view.channel);
    }
  };

  const listenerFor = (orgId: string): OrgStreamOptions['listener'] => ({
    onEvent(event) {
      const s = subscriptionOf(orgId, event.channel);
      if (s !== undefined) {
        s.view.received += 1;
        s.view.lastReplayId = event.replayId;
        s.dirty = true;
      }
      pending.push(describeEvent({ orgId, channel: event.channel, replayId: event.replayId, replayBytes: event.replayBytes, data: event.data, receivedAt: now(), discontinuity: event.discontinuity }));
      // Throttled, not delayed: the first event after a quiet spell goes out at once, then at most one batch per `batchMs`
      // (while the capture refuses writes, the retry timer is already set).
      timer ??= setTimeout(flush, Math.max(0, lastFlushAt + batchMs - Date.now()));
    },
    onStatus(status) {
      const s = subscriptionOf(orgId, status.channel);
      if (s === undefined) return;
      apply(s.view, status);
      options.emitStatus({ ...s.view });
    },
  });

  /** How many more events the service can hold: none while the capture refuses writes (Pub/Sub then asks for none). */
  const room = (): number => (captureFailure === null ? Math.max(0, maxHeldEvents - pending.length) : 0);

  const streamFor = (orgId: string, connection: EventsConnection, api: EventsApi): OrgStream => {
    let stream = streams.get(streamKey(orgId, api));
    if (stream === undefined) {
      const common = { session: connection.session, listener: listenerFor(orgId), now, ...options.stream };
      stream =
        api === 'pubsub'
          ? createPubSubStream({ ...common, endpoint: connection.pubsubEndpoint ?? DEFAULT_PUBSUB_ENDPOINT, room })
          : createOrgStream({ ...common, apiVersion: connection.apiVersion });
      streams.set(streamKey(orgId, api), stream);
    }
    return stream;
  };

  const replayValue = (orgId: string, channel: string, replay: ReplayFrom): number => {
    switch (replay.kind) {
      case 'new':
        return -1;
      case 'retained':
        return -2;
      case 'id':
        return replay.replayId;
      case 'checkpoint':
        return capture.checkpoint(orgId, channel, consumer) ?? -1;
      default:
        return assertNever(replay);
    }
  };

  const describeGlobal = (orgId: string, connection: EventsConnection, refresh: boolean): Promise<GlobalDescribe> => {
    let cached = describeCache.get(orgId);
    if (cached === undefined || refresh) {
      cached = connection.client.json<GlobalDescribe>('GET', `/services/data/v${connection.apiVersion}/sobjects`);
      cached.catch(() => describeCache.delete(orgId));
      describeCache.set(orgId, cached);
    }
    return cached;
  };

  return {
    async channels(orgId, refresh = false) {
      const connection = await connections.connectionFor(orgId);
      const global = await describeGlobal(orgId, connection, refresh);
      const captured = new Map(capture.channels(orgId, consumer).map((c) => [c.channel, c]));
      const found: Omit<EventChannelInfo, 'checkpoint' | 'captured'>[] = [{ channel: '/data/ChangeEvents', kind: 'all-changes', label: 'All change events', entity: null }];
      const sorted = [...global.sobjects].sort((a, b) => a.name.localeCompare(b.name));
      for (const s of sorted) {
        if (s.name.endsWith('ChangeEvent')) {
          found.push({ channel: `/data/${s.name}`, kind: 'change', label: s.label, entity: changeEventParent(s.name, s.associateParentEntity) });
        }
      }
      for (const s of sorted) {
        if (s.name.endsWith('__e')) found.push({ channel: `/event/${s.name}`, kind: 'platform', label: s.label, entity: s.name });
      }
      const known = new Set(found.map((c) => c.channel));
      for (const c of captured.values()) if (!known.has(c.channel)) found.push({ channel: c.channel, kind: 'custom', label: c.channel, entity: null });
      return found.map((c) => ({ ...c, checkpoint: captured.get(c.channel)?.checkpoint ?? null, captured: captured.get(c.channel)?.captured ?? 0 }));
    },

    async subscribe(orgId, channel, replay, api = defaultApi) {
      if (disposed) throw new ServiceError('INTERNAL', 'OrgDesk is shutting down.', 'Start OrgDesk again.');
      const existing = subscriptionOf(orgId, channel);
      if (existing !== undefined && existing.view.state !== 'failed' && existing.view.state !== 'stopped') return { ...existing.view };
      const connection = await connections.connectionFor(orgId);
      const replayFrom = replayValue(orgId, channel, replay);
      const subscriptionId = randomUUID();
      const view: EventSubscription = {
        subscriptionId,
        orgId,
        channel,
        replay,
        api,
        state: 'connecting',
        lastReplayId: null,
        received: 0,
        reconnects: 0,
        nextRetryAt: null,
        startedAt: now().toISOString(),
      };
      if (existing !== undefined) subscriptions.delete(existing.view.subscriptionId);
      subscriptions.set(subscriptionId, { view, dirty: false });
      byChannel.set(key(orgId, channel), subscriptionId);
      let status: ChannelStatus;
      try {
        const bytes = replayFrom >= 0 && api === 'pubsub' ? capture.replayBytes(orgId, channel, replayFrom, consumer) : null;
        status = await streamFor(orgId, connection, api).subscribe(channel, replayFrom, bytes);
      } catch (error) {
        subscriptions.delete(subscriptionId);
        if (byChannel.get(key(orgId, channel)) === subscriptionId) byChannel.delete(key(orgId, channel));
        throw error;
      }
      apply(view, status);
      return { ...view };
    },

    async unsubscribe(subscriptionId) {
      const s = subscriptions.get(subscriptionId);
      if (s === undefined) return { unsubscribed: false };
      const { orgId, channel, api } = s.view;
      flush();
      subscriptions.delete(subscriptionId);
      if (byChannel.get(key(orgId, channel)) === subscriptionId) byChannel.delete(key(orgId, channel));
      const stream = streams.get(streamKey(orgId, api));
      if (stream !== undefined) {
        await stream.unsubscribe(channel);
        if (![...subscriptions.values()].some((other) => other.view.orgId === orgId && other.view.api === api)) {
          streams.delete(streamKey(orgId, api));
          await stream.close();
        }
      }
      options.emitStatus({ ...s.view, state: 'stopped', nextRetryAt: null });
      return { unsubscribed: true };
    },

    subscriptions: () => [...subscriptions.values()].map((s) => ({ ...s.view })),

    rows(filter, offset, limit, order) {
      flush();
      return capture.window(filter, offset, limit, order);
    },

    get(seq) {
      flush();
      const event = capture.get(seq);
      if (event === null) {
        throw new ServiceError('NOT_FOUND', `Event ${seq} is no longer in the capture.`, 'The capture drops its oldest events past its size limit, or it was cleared: pick a newer event.');
      }
      const { row } = event;
      const recordId = row.recordIds.length === 1 ? (row.recordIds[0] ?? null) : null;
      const earlier = recordId === null ? [] : capture.earlierOfRecord(row.orgId, recordId, seq, PREVIOUS_LOOKBACK);
      const snapshot = recordId === null ? null : capture.snapshot(row.orgId, recordId);
      return { row, data: event.data, changes: fieldChanges(event, earlier, snapshot), requerySoql: requerySoql(row) };
    },

    async fetchRecord(orgId, entity, recordId) {
      const connection = await connections.connectionFor(orgId);
      const record = await connection.client.json<Record<string, JsonValue>>(
        'GET',
        `/services/data/v${connection.apiVersion}/sobjects/${encodeURIComponent(entity)}/${encodeURIComponent(recordId)}`,
      );
      const { attributes: _attributes, ...fields } = record;
      const snapshot: RecordSnapshot = { entity, recordId: typeof fields.Id === 'string' ? fields.Id : recordId, fetchedAt: now().toISOString(), fields };
      capture.saveSnapshot(orgId, snapshot);
      return snapshot;
    },

    async exportEvents(selection, format, exportOptions = {}) {
      flush();
      const stamp = now().toISOString().replace(/[:.]/g, '-');
      const path = await options.picker.pickSavePath({ suggestedName: `events-${stamp}.${format}`, format });
      if (path === null) throw new ServiceError('CANCELLED', 'The export was cancelled.');
      const events = selection.kind === 'filter' ? capture.iterate(selection.filter) : capture.iterateSeqs(selection.orgId, selection.seqs);
      return { file: path, ...(await exportEvents(events, path, format, exportOptions)) };
    },

    async publish(orgId, eventName, fields, api = defaultApi) {
      const connection = await connections.connectionFor(orgId);
      if (api === 'pubsub') return publishOverPubSub({ endpoint: connection.pubsubEndpoint ?? DEFAULT_PUBSUB_ENDPOINT, session: connection.session, eventName, fields });
      const result = await connection.client.json<{ id?: unknown; success?: unknown }>(
        'POST',
        `/services/data/v${connection.apiVersion}/sobjects/${encodeURIComponent(eventName)}`,
        { json: fields },
      );
      if (typeof result.id !== 'string') {
        throw new ServiceError('SF_API', `The org did not publish ${eventName}.`, 'Check the event’s fields in the form and try again.');
      }
      return { id: result.id };
    },

    capture: () => capture.stats(),
    setCaptureLimit: (maxBytes) => capture.setLimit(maxBytes),
    clear: (orgId, channel) => {
      flush();
      return capture.clear(orgId, channel);
    },
    flush,
    async dispose() {
      if (disposed) return;
      disposed = true;
      const open = [...streams.values()];
      streams.clear();
      await Promise.all(open.map((s) => s.close()));
      flush();
      subscriptions.clear();
      byChannel.clear();
    },
  };
}

function apply(view: EventSubscription, status: ChannelStatus): void {
  view.state = status.state;
  view.reconnects = status.reconnects;
  view.nextRetryAt = status.nextRetryAt === null ? null : status.nextRetryAt.toISOString();
  if (status.lastReplayId !== null) view.lastReplayId = status.lastReplayId;
  if (status.failure === undefined) delete view.failure;
  else view.failure = status.failure;
  // Kept once seen: the subscription may have missed events, whether or not a later event carried the flag since.
  if (status.discontinuity !== undefined) view.discontinuity = status.discontinuity;
}

/** The object a change event entity follows: `associateParentEntity`, else the name (`ContactChangeEvent` → `Contact`, `Employee__ChangeEvent` → `Employee__c`). */
function changeEventParent(name: string, associateParentEntity: unknown): string {
  if (typeof associateParentEntity === 'string' && associateParentEntity !== '') return associateParentEntity;
  const base = name.slice(0, -'ChangeEvent'.length);
  return base.endsWith('__') ? `${base}c` : base;
}
