/**
 * The local org's Pub/Sub API (docs/pubsub.md): a gRPC server on its own port speaking Salesforce's `eventbus.v1.PubSub`
 * contract (pubsub_api.proto, loaded at run time) over the same event log CometD reads — GetTopic, GetSchema,
 * Subscribe, Publish, PublishStream and ManagedSubscribe. Plaintext HTTP/2 on 127.0.0.1 (a real org: TLS at
 * api.pubsub.salesforce.com:7443).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Metadata, Server, ServerCredentials, loadPackageDefinition, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { SessionStore } from '../auth/sessions';
import type { OrgStore } from '../org/store';
import type { EventLog } from '../streaming/event-log';
import { authenticate, type AuthPorts } from './auth';
import { ERROR_CODES, newRpcId, pubsubError, status } from './errors';
import { createManagedSubscriptions, type ManagedSubscription, type ManagedSubscriptionInput } from './managed-subscriptions';
import { publishHandler, publishStreamHandler } from './publish-handlers';
import { authLost, managedSubscribeHandler, subscribeHandler, topicNotFound, type OpenStream } from './subscribe-handlers';
import { createTopicRegistry } from './topics';

export type { ManagedSubscription, ManagedSubscriptionInput } from './managed-subscriptions';

/** Pub/Sub options of `startEmulator`. */
export type PubSubOptions = {
  /** How long a stream may stay without a batch before an empty keepalive batch is sent ([DOC] within 270 s). */
  keepaliveMs?: number;
};

/** The Pub/Sub admin operations. */
export interface PubSubAdmin {
  /** `host:port` of the gRPC server (empty before it listens). */
  url(): string;
  /** Adds a managed subscription (a ManagedEventSubscription record on a real org). */
  addManagedSubscription(input: ManagedSubscriptionInput): ManagedSubscription;
  managedSubscriptions(): ManagedSubscription[];
  /** Open Subscribe / ManagedSubscribe streams. */
  streams(): number;
  /** Changes the keepalive interval of streams opened from now on. */
  setKeepaliveMs(ms: number): void;
  /** Ends every open subscribe stream as a dropped connection does (UNAVAILABLE, no Salesforce trailers); returns how many. */
  dropStreams(): number;
  /** Revokes the access token of every open subscribe stream and ends them UNAUTHENTICATED; returns how many. */
  expireStreamSessions(): number;
  /** Holds every batch (events and keepalives) this long before sending it; 0 turns it off. */
  setBatchDelayMs(ms: number): void;
}

/** The running Pub/Sub part. */
export type PubSub = {
  /** Listens; resolves with `host:port`. */
  listen(port: number, host: string): Promise<string>;
  admin: PubSubAdmin;
  /** Forgets managed subscriptions (admin reset). */
  reset(): void;
  /** Ends every call and stops listening. */
  stop(): Promise<void>;
};

/** Where the proto is: beside this file, or beside the bundle that inlined it (scripts/build.ts copies it there). */
function protoPath(): string {
  const path = fileURLToPath(new URL('./pubsub_api.proto', import.meta.url));
  if (existsSync(path)) return path;
  return fileURLToPath(new URL('../../emulator/pubsub/pubsub_api.proto', import.meta.url));
}

function pubSubService(): ServiceDefinition {
  const definition = loadSync(protoPath(), { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
  const root = loadPackageDefinition(definition) as unknown as { eventbus: { v1: { PubSub: { service: ServiceDefinition } } } };
  return root.eventbus.v1.PubSub.service;
}

/** Creates the Pub/Sub part over the org's store, sessions and event log. */
export function createPubSub(ports: { store: OrgStore; sessions: SessionStore; log: EventLog; channelExists: (channel: string) => boolean; instanceUrl: () => string; orgId18: string; now: () => Date; options?: PubSubOptions }): PubSub {
  const server = new Server();
  const topics = createTopicRegistry({ store: ports.store, orgId: ports.orgId18, channelExists: ports.channelExists });
  const managed = createManagedSubscriptions();
  let keepaliveMs = ports.options?.keepaliveMs ?? 270_000;
  let boundUrl = '';
  let batchDelayMs = 0;
  const streams = new Set<OpenStream>();
  const auth: AuthPorts = { sessions: ports.sessions, instanceUrl: ports.instanceUrl, orgId18: ports.orgId18 };
  const common = { ...auth, log: ports.log, topics };
  const subscribePorts = { ...common, managed, keepaliveMs: () => keepaliveMs, batchDelayMs: () => batchDelayMs, streams };
  const publishPorts = { ...common, store: ports.store, now: ports.now };

  server.addService(pubSubService(), {
    GetTopic(call: ServerUnaryCall<{ topic_name?: string }, unknown>, callback: sendUnaryData<unknown>) {
      const rpcId = newRpcId();
      const checked = authenticate(auth, call.metadata, rpcId);
      if ('error' in checked) return callback(checked.error);
      const name = call.request.topic_name ?? '';
      const topic = topics.topic(name);
      if (!topic) return callback(topicNotFound(name, rpcId));
      // [INF] /data/ChangeEvents carries several entities' schemas, so it names none.
      callback(null, { topic_name: topic.name, tenant_guid: ports.orgId18, can_publish: topic.canPublish, can_subscribe: true, schema_id: topic.schema?.id ?? '', rpc_id: rpcId });
    },
    GetSchema(call: ServerUnaryCall<{ schema_id?: string }, unknown>, callback: sendUnaryData<unknown>) {
      const rpcId = newRpcId();
      const checked = authenticate(auth, call.metadata, rpcId);
      if ('error' in checked) return callback(checked.error);
      const schema = topics.schemaById(call.request.schema_id ?? '');
      if (!schema) return callback(pubsubError(status.NOT_FOUND, ERROR_CODES.schemaNotFound, `No schema ${call.request.schema_id ?? ''}: take the schema_id of an event or of GetTopic.`, rpcId));
      callback(null, { schema_json: schema.json, schema_id: schema.id, rpc_id: rpcId });
    },
    Subscribe: subscribeHandler(subscribePorts),
    ManagedSubscribe: managedSubscribeHandler(subscribePorts),
    Publish: publishHandler(publishPorts),
    PublishStream: publishStreamHandler(publishPorts),
  });

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, ServerCredentials.createInsecure(), (error, bound) => {
          if (error) reject(error);
          else resolve((boundUrl = `${host.includes(':') ? `[${host}]` : host}:${bound}`));
        });
      });
    },
    admin: {
      url: () => boundUrl,
      addManagedSubscription(input) {
        if (topics.topic(input.topicName) === undefined) throw new Error(`No topic ${input.topicName}: use /data/<Entity>ChangeEvent, /data/ChangeEvents or /event/<Event>__e.`);
        return managed.add(input);
      },
      managedSubscriptions: () => managed.list(),
      streams: () => streams.size,
      setKeepaliveMs(ms) {
        keepaliveMs = ms;
      },
      dropStreams() {
        const list = [...streams];
        // [DOC] what a client sees when the connection drops: "UNAVAILABLE: RST_STREAM closed stream", no rpcId.
        for (const s of list) s.end(Object.assign(new Error('RST_STREAM closed stream'), { code: status.UNAVAILABLE, details: 'RST_STREAM closed stream', metadata: new Metadata() }));
        return list.length;
      },
      expireStreamSessions() {
        const list = [...streams];
        for (const s of list) {
          ports.sessions.revoke(s.token);
          s.end(authLost(s.rpcId));
        }
        return list.length;
      },
      setBatchDelayMs(ms) {
        batchDelayMs = ms;
      },
    },
    reset() {
      managed.clear();
      batchDelayMs = 0;
    },
    stop() {
      return new Promise((resolve) => {
        server.forceShutdown();
        resolve();
      });
    },
  };
}
