/**
 * The Pub/Sub API's wire (docs/pubsub.md 1): a gRPC client of Salesforce's `eventbus.v1.PubSub` on the client's own copy
 * of the proto (core/events/pubsub_api.proto), the endpoint's channel (TLS for a real org, plaintext for the local org on
 * a loopback address), and the call metadata `accesstoken` / `instanceurl` / `tenantid` from a session's access.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ChannelCredentials, Metadata, loadPackageDefinition, type Client, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { SessionAccess } from '../salesforce/salesforce-session';
import { ServiceError as AppServiceError } from '../errors';

/** Salesforce's Pub/Sub endpoint, the default of an org profile. */
export const DEFAULT_PUBSUB_ENDPOINT = 'api.pubsub.salesforce.com:7443';

/** A `ConsumerEvent` as the proto loader gives it. */
type WireConsumerEvent = { event: { id: string; schema_id: string; payload: Buffer } | null; replay_id: Buffer };
/** A `FetchResponse`. */
export type WireFetchResponse = { events: WireConsumerEvent[]; latest_replay_id: Buffer; rpc_id: string; pending_num_requested: number };
/** A `FetchRequest`. */
export type WireFetchRequest = { topic_name?: string; replay_preset?: 'LATEST' | 'EARLIEST' | 'CUSTOM'; replay_id?: Buffer; num_requested: number };
type Unary<Req, Res> = (request: Req, metadata: Metadata, callback: (error: ServiceError | null, response?: Res) => void) => void;

/** The generated client's methods OrgDesk calls. */
export type PubSubClient = Client & {
  Subscribe(metadata: Metadata): ClientDuplexStream<WireFetchRequest, WireFetchResponse>;
  GetSchema: Unary<{ schema_id: string }, { schema_json: string; schema_id: string }>;
  GetTopic: Unary<{ topic_name: string }, { topic_name: string; schema_id: string; can_publish: boolean }>;
  Publish: Unary<
    { topic_name: string; events: { id: string; schema_id: string; payload: Buffer; headers: never[] }[] },
    { results: { replay_id: Buffer; error: { code: string; msg: string } | null; correlation_key: string }[]; schema_id: string; rpc_id: string }
  >;
};

type PubSubConstructor = new (address: string, credentials: ChannelCredentials, options?: Record<string, unknown>) => PubSubClient;
let constructorCache: PubSubConstructor | null = null;

/** The proto beside this module, or beside the bundle that inlined it (the build copies Salesforce's file there). */
function protoPath(): string {
  const beside = fileURLToPath(new URL('./pubsub_api.proto', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../../core/events/pubsub_api.proto', import.meta.url));
}

function clientConstructor(): PubSubConstructor {
  if (constructorCache !== null) return constructorCache;
  const definition = loadSync(protoPath(), { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
  const root = loadPackageDefinition(definition) as unknown as { eventbus: { v1: { PubSub: PubSubConstructor } } };
  constructorCache = root.eventbus.v1.PubSub;
  return constructorCache;
}

/** Whether an endpoint is on this machine (the local org, plaintext) rather than Salesforce's (TLS). */
function isLoopbackEndpoint(endpoint: string): boolean {
  const host = endpoint.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * Opens a client on `host:port`. [INF] A loopback endpoint is the local org, which speaks plaintext HTTP/2; every other
 * endpoint gets TLS. Keepalive pings every 60 s keep a quiet stream's connection alive through proxies.
 */
export function openPubSubClient(endpoint: string): PubSubClient {
  if (!/^[^\s/]+:\d+$/.test(endpoint)) {
    throw new AppServiceError('VALIDATION', `The Pub/Sub endpoint "${endpoint}" is not host:port.`, `Use ${DEFAULT_PUBSUB_ENDPOINT}, or the local org's own endpoint.`);
  }
  const Constructor = clientConstructor();
  const credentials = isLoopbackEndpoint(endpoint) ? ChannelCredentials.createInsecure() : ChannelCredentials.createSsl();
  return new Constructor(endpoint, credentials, { 'grpc.keepalive_time_ms': 60_000, 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
}

/** The org id of an access: its own field, else the identity URL's `/id/<orgId>/<userId>`. */
function tenantIdOf(access: SessionAccess): string {
  if (access.orgId !== '') return access.orgId;
  return /\/id\/([a-zA-Z0-9]{15,18})\/[a-zA-Z0-9]{15,18}\/?$/.exec(access.identityUrl)?.[1] ?? '';
}

/** The metadata every Pub/Sub RPC carries (docs/pubsub.md 1). */
export function callMetadata(access: SessionAccess): Metadata {
  const metadata = new Metadata();
  metadata.set('accesstoken', access.accessToken);
  metadata.set('instanceurl', access.instanceUrl);
  metadata.set('tenantid', tenantIdOf(access));
  return metadata;
}

/** Salesforce's `error-code` trailer of a failed call, or '' (a dropped connection has none). */
export function errorCodeOf(error: ServiceError): string {
  const value = error.metadata?.get('error-code')[0];
  return typeof value === 'string' ? value : '';
}

/** Runs a unary call as a promise. */
export function unary<Req, Res>(method: Unary<Req, Res>, client: PubSubClient, request: Req, metadata: Metadata): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, metadata, (error, response) => {
      if (error !== null) reject(error);
      else resolve(response as Res);
    });
  });
}

/**
 * The number a replay id stands for: its first 8 bytes, big-endian. [INF] Real orgs' ids are 8-byte longs equal to the
 * CometD replay id (what Salesforce's sample clients decode); the local org's carry a topic tag after them. Used only
 * to show, order and de-duplicate; resuming always sends the stored bytes.
 */
export function replayNumberOf(bytes: Uint8Array): number {
  if (bytes.length < 8) return 0;
  const value = Buffer.from(bytes.buffer, bytes.byteOffset, 8).readBigUInt64BE(0);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

/** The replay id bytes of a number typed by a person: [INF] 8 bytes, big-endian, as real orgs' ids are. */
export function replayBytesOf(replayId: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt(Math.max(0, replayId)), 0);
  return out;
}
