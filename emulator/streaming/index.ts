/**
 * The Streaming API of the local org: the event log (retention, replay, `dataDir`), Change Data Capture from the store's
 * changes, platform events, and the Bayeux server at `/cometd/<version>`, with the admin operations tests need.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionStore } from '../auth/sessions';
import type { RestExtension } from '../core';
import type { OrgStore } from '../org/store';
import { describeGlobalEntry } from '../org/describe';
import type { ObjectSchema } from '../org/types';
import type { FaultTable } from '../http/faults';
import { createBayeuxServer, STREAMING_FAULT_KINDS, type StreamingClientInfo } from './bayeux-server';
import { changeEventEntity, createChangeEventPublisher, type ChangeEventType } from './change-events';
import { createEventLog, type EventLog } from './event-log';
import { isPlatformEvent, platformEventChannel, platformEventRoutes } from './platform-events';

export type { StreamingClientInfo } from './bayeux-server';
export type { ChangeEventType } from './change-events';

/** Streaming options of `startEmulator` (every one has the real org's default where it is known). */
export type StreamingOptions = {
  /** How long `/meta/connect` is held when nothing happens (110 s). */
  connectTimeoutMs?: number;
  /** How long a client may wait after a reply before reconnecting, else it is forgotten (40 s). */
  clientTimeoutMs?: number;
  /** How long events stay replayable (72 h). */
  retentionMs?: number;
  /** Platform events that are standard-volume: kept 24 h (or `retentionMs` when shorter) instead of 72 h (none). */
  standardVolumeEvents?: string[];
  /** How many events are retained at most (100,000). */
  maxRetainedEvents?: number;
  /** Changes of one transaction past which one GAP_OVERFLOW per entity is sent instead (100,000). */
  overflowLimit?: number;
  /** The objects that publish change events ('all', the default, or a list of names). */
  changeEventObjects?: 'all' | string[];
  /** At most this many events per connect reply (1000). */
  maxEventsPerReply?: number;
  /** A reply whose socket takes no bytes for this long drops the client (10 s). */
  slowClientMs?: number;
  /** Concurrent CometD clients allowed (10,000). */
  maxClients?: number;
};

/** The streaming admin operations (also under `/__emulator/streaming`). */
export interface StreamingAdmin {
  /** Publishes a gap event (GAP_CREATE, GAP_UPDATE, GAP_DELETE, GAP_UNDELETE, GAP_OVERFLOW) for records. */
  emitGap(changeType: ChangeEventType, recordIds: string[], objectName?: string): { replayIds: number[] };
  /** The live CometD clients. */
  clients(): StreamingClientInfo[];
  /** Subscribers per channel. */
  subscribers(): Record<string, number>;
  /** Forgets a client (its next call gets 403::Unknown client); false when unknown. */
  dropClient(clientId: string): boolean;
  /** Revokes a client's token mid-stream (401::Authentication invalid); false when unknown. */
  expireClientSession(clientId: string): boolean;
  /** Holds back delivery. */
  pause(): void;
  /** Delivers what accumulated while paused. */
  resume(): void;
  /** Delivery state and the log's extent. */
  status(): { paused: boolean; retainedEvents: number; latestReplayId: number; lowWaterReplayId: number; clients: number };
}

/** The streaming part of one org. */
export type Streaming = {
  /** Answers `/cometd...`. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  /** `POST /sobjects/<Event>__e`. */
  restExtension: RestExtension;
  /** The `*ChangeEvent` entries of the global describe. */
  describeEntries(apiVersion: string): Record<string, unknown>[];
  admin: StreamingAdmin;
  /** Clears retained events and forgets clients (admin reset). */
  reset(): void;
  /** Ends held connects and closes the event file. */
  stop(): Promise<void>;
  /** The shared event bus the Pub/Sub API reads too: the log and the channels that exist. */
  bus: { log: EventLog; channelExists: (channel: string) => boolean };
};

const HOUR = 60 * 60 * 1000;

/** Creates the streaming part over the org's store and sessions. */
export function createStreaming(ports: {
  store: OrgStore;
  sessions: SessionStore;
  now: () => Date;
  latestVersion: string;
  dataDir?: string;
  options?: StreamingOptions;
  /** The org's fault table: the streaming kinds are registered on it (matched against the `/cometd/<version>` path). */
  faults?: FaultTable;
}): Streaming {
  const o = ports.options ?? {};
  const faults = ports.faults;
  for (const kind of STREAMING_FAULT_KINDS) faults?.defineKind(kind, () => undefined);
  const now = (): number => ports.now().getTime();
  const retentionMs = o.retentionMs ?? 72 * HOUR;
  const standard = new Set((o.standardVolumeEvents ?? []).map((name) => platformEventChannel(name)));
  const log = createEventLog({
    retentionMs,
    maxEvents: o.maxRetainedEvents ?? 100_000,
    now,
    ...(standard.size === 0 ? {} : { retentionFor: (channel: string) => (standard.has(channel) ? Math.min(retentionMs, 24 * HOUR) : retentionMs) }),
    ...(ports.dataDir === undefined ? {} : { dataDir: ports.dataDir }),
  });
  const changes = createChangeEventPublisher({ store: ports.store, log, now, objects: o.changeEventObjects ?? 'all', overflowLimit: o.overflowLimit ?? 100_000 });
  const eventChannels = (): string[] => ports.store.objectSchemas().filter(isPlatformEvent).map((s) => platformEventChannel(s.name));
  const channelExists = (channel: string): boolean => changes.channels().includes(channel) || eventChannels().includes(channel);
  const server = createBayeuxServer({
    log,
    sessions: ports.sessions,
    latestVersion: ports.latestVersion,
    channelExists,
    connectTimeoutMs: o.connectTimeoutMs ?? 110_000,
    clientTimeoutMs: o.clientTimeoutMs ?? 40_000,
    maxEventsPerReply: o.maxEventsPerReply ?? 1000,
    slowClientMs: o.slowClientMs ?? 10_000,
    maxClients: o.maxClients ?? 10_000,
    fault: (kind) => faults?.take(kind, 'POST', '/cometd') !== undefined,
  });

  const changeEventEntry = (parent: ObjectSchema, apiVersion: string): Record<string, unknown> => {
    const name = changeEventEntity(parent.name);
    const base = describeGlobalEntry({ ...parent, name, label: `${parent.label} Change Event`, labelPlural: `${parent.label} Change Events`, custom: parent.custom, createable: false, updateable: false, deletable: false, queryable: false }, apiVersion);
    // [INF] flags of change-event entities beyond associateEntityType/associateParentEntity.
    return { ...base, associateEntityType: 'ChangeEvent', associateParentEntity: parent.name, feedEnabled: false, keyPrefix: null, layoutable: false, mergeable: false, mruEnabled: false, replicateable: false, retrieveable: false, searchable: false, undeletable: false };
  };

  return {
    bus: { log, channelExists },
    handle: (req, res, url) => server.handle(req, res, url),
    restExtension: platformEventRoutes({ store: ports.store, log, now: ports.now }),
    describeEntries: (apiVersion) => changes.objects().map((s) => changeEventEntry(s, apiVersion)),
    admin: {
      emitGap: (changeType, recordIds, objectName) => ({ replayIds: changes.emitGap(changeType, recordIds, objectName) }),
      clients: () => server.clients(),
      subscribers: () => server.subscriberCounts(),
      dropClient: (id) => server.dropClient(id),
      expireClientSession: (id) => server.expireClientSession(id),
      pause: () => server.pause(),
      resume: () => server.resume(),
      status: () => ({ paused: server.paused(), retainedEvents: log.size(), latestReplayId: log.latestId(), lowWaterReplayId: log.lowWater(), clients: server.clients().length }),
    },
    reset() {
      server.dropAll();
      log.clear();
    },
    async stop() {
      server.stop();
      changes.stop();
      await log.close();
    },
  };
}
