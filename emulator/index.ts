/**
 * The local org: `startEmulator(options)` starts one Salesforce-like org on 127.0.0.1 (OAuth JWT bearer, REST, SOQL,
 * Bulk API 2.0, admin API) and returns its URL, a programmatic admin, the org's store and write layer, and `stop()`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorAdmin, AdminUser } from './admin/admin-api';
import { createConnectedAppRegistry, type ConnectedApp } from './auth/connected-apps';
import { createSessionStore } from './auth/sessions';
import { createBulkRoutes, type BulkRoutes } from './bulk';
import type { LockContention } from './bulk/record-locks';
import type { EmulatorCore, RestExtension } from './core';
import { createApiUsage } from './http/api-usage';
import { createFaultTable, type FaultSpec } from './http/faults';
import { resolveOrgModel, type OrgModelOption } from './http/org-model';
import { createRequestListener } from './http/server';
import { makeId } from './org/ids';
import { loadSnapshot, saveSnapshot } from './org/persistence';
import { buildSchemas } from './org/schema';
import { DEFAULT_SEED_SIZE, generateContacts, seedOrg, seedUsers, type SeedSize } from './org/seed';
import { createSchemaEdits } from './org/schema-edits';
import { createOrgStore, type OrgStore } from './org/store';
import type { RecordRow } from './org/types';
import { formatDateTime } from './org/values';
import { createRecordWriter, type RecordWriter } from './org/write';
import { ensureOrganizationRow } from './org/organization';
import { MAX_API_VERSION } from './rest/versions';
import { createQueryRoutes } from './soql';
import { createStreaming, type StreamingOptions } from './streaming';
import { createPubSub, type PubSubAdmin, type PubSubOptions } from './pubsub';

export type { EmulatorAdmin, AdminUser, AdminSession, AdminCounters, ConnectedAppInput } from './admin/admin-api';
export type { RecordChange, ChangeListener, OrgStore } from './org/store';
export type { RecordWriter, WriteInput, WriteContext, FieldError, ParentReference } from './org/write';
export { RecordWriteError } from './org/write';
export type { FaultSpec, Fault } from './http/faults';
export { REAL_ORG_MODEL, type OrgModel, type OrgModelOption } from './http/org-model';
export type { RestExtension, RestRequestContext } from './core';
export type { StreamingOptions, StreamingAdmin, StreamingClientInfo, ChangeEventType } from './streaming';
export type { PubSubOptions, PubSubAdmin, ManagedSubscription, ManagedSubscriptionInput } from './pubsub';

/** Options of `startEmulator`. */
export type EmulatorOptions = {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; 127.0.0.1 by default (the admin API answers loopback callers only anyway). */
  host?: string;
  /** Seed number of the demo data (default 1), or false for an org with only its users. */
  seed?: number | false;
  /** How many records the seed makes (defaults: 300 Accounts, 3000 Contacts, ...). */
  seedSize?: Partial<SeedSize>;
  /** Folder where the org is saved (on stop and shortly after changes) and loaded from at start. */
  dataDir?: string;
  /** Session inactivity timeout (default 2 hours, the Salesforce default). */
  sessionTimeoutMs?: number;
  /** Daily API request allowance (default 100000). */
  dailyApiLimit?: number;
  /** Lifetime of query locators after their last use (default 15 minutes). */
  locatorTtlMs?: number;
  /** The clock (tests). */
  now?: () => Date;
  /** Extra REST resources, asked before the core ones. */
  extensions?: RestExtension[];
  /** Rows per Bulk query results page when the client sends no maxRecords (default 50000). */
  bulkQueryPageSize?: number;
  /** Rows per Bulk ingest chunk, each one transaction (default 2000). */
  bulkIngestChunkSize?: number;
  /** The Streaming API's timeouts, retention and CDC settings (see emulator/README.md). */
  streaming?: StreamingOptions;
  /** Port of the Pub/Sub API (gRPC, plaintext HTTP/2); 0 (default) picks a free one. */
  pubsubPort?: number;
  /** The Pub/Sub API's settings (keepalive interval). */
  pubsub?: PubSubOptions;
  /** Simulated parent-record lock contention between in-flight Bulk ingest jobs (off by default; bulk/record-locks.ts). */
  lockContention?: LockContention;
  /** The network and server model: 'none' (default; `ORGDESK_ORG_MODEL` when absent), 'real' or own rates (see emulator/README.md). */
  model?: OrgModelOption;
};

/** A running emulator. */
export type RunningEmulator = {
  /** `http://127.0.0.1:<port>` — the instance URL and the login URL. */
  url: string;
  /** The org's 18-character id. */
  orgId: string;
  admin: EmulatorAdmin;
  /** The org's data: the store (reads, `onChange`) and the validating write layer. */
  org: { store: OrgStore; writer: RecordWriter };
  /** Bulk API 2.0 (jobs, faults, `idle()`). */
  bulk: BulkRoutes;
  /** `127.0.0.1:<port>` — the Pub/Sub API endpoint (gRPC without TLS; a real org's is api.pubsub.salesforce.com:7443). */
  pubsubUrl: string;
  /** Pub/Sub admin: managed subscriptions, open streams, the keepalive interval. */
  pubsub: PubSubAdmin;
  /** Stops listening, closes every connection, and saves the org when `dataDir` is set. */
  stop(): Promise<void>;
};

const TWO_HOURS = 2 * 60 * 60 * 1000;
const ORG_ID = makeId('00D', 62 ** 5 * 3 + 4242);

function toAdminUser(row: RecordRow): AdminUser {
  return {
    id: row.Id as string,
    username: row.Username as string,
    name: String(row.Name ?? ''),
    email: (row.Email as string | null) ?? null,
    isActive: row.IsActive === true,
    profile: (row.ProfileName__c as string | null) ?? null,
  };
}

/** Starts an emulator and resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const now = options.now ?? (() => new Date());
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 1;
  const seedSize: SeedSize = { ...DEFAULT_SEED_SIZE, ...options.seedSize };
  const store = createOrgStore(buildSchemas());
  const writer = createRecordWriter({ store, now });
  const schemaEdits = createSchemaEdits(store);
  const apps = createConnectedAppRegistry();
  const sessions = createSessionStore({ orgId15: ORG_ID.slice(0, 15), timeoutMs: options.sessionTimeoutMs ?? TWO_HOURS, now: () => now().getTime() });
  const usage = createApiUsage(options.dailyApiLimit ?? 100_000);
  const faults = createFaultTable();
  const query = createQueryRoutes(options.locatorTtlMs === undefined ? { org: store, now } : { org: store, now, locatorTtlMs: options.locatorTtlMs });
  const model = resolveOrgModel(options.model);
  const bulk = createBulkRoutes({ store, writer, now: () => now().getTime(), model, ...(options.bulkQueryPageSize === undefined ? {} : { queryPageSize: options.bulkQueryPageSize }), ...(options.bulkIngestChunkSize === undefined ? {} : { chunkSize: options.bulkIngestChunkSize }), lockContention: options.lockContention });
  let url = '';
  const streaming = createStreaming({
    store,
    sessions,
    now,
    latestVersion: `${MAX_API_VERSION}.0`,
    faults,
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.streaming === undefined ? {} : { options: options.streaming }),
  });
  const pubsub = createPubSub({
    store,
    sessions,
    log: streaming.bus.log,
    channelExists: streaming.bus.channelExists,
    instanceUrl: () => url,
    orgId18: ORG_ID,
    now,
    ...(options.pubsub === undefined ? {} : { options: options.pubsub }),
  });
  const core: EmulatorCore = {
    store,
    writer,
    sessions,
    apps,
    usage,
    faults,
    query,
    extensions: [...(options.extensions ?? []), streaming.restExtension, { handle: (req, res, ctx) => bulk.handle(req, res, { userId: ctx.userId }) }],
    counters: { total: 0, byArea: {}, byStatus: {} },
    bulkUsage: () => bulk.usage(),
    url: () => url,
    orgId15: ORG_ID.slice(0, 15),
    orgId18: ORG_ID,
    now,
    extraDescribeEntries: (apiVersion) => streaming.describeEntries(apiVersion),
    cometd: (req, res, requestUrl) => streaming.handle(req, res, requestUrl),
  };

  const adminId = (): string => (store.findByIndexedValue('User', 'Username', 'admin@orgdesk.example')[0]?.Id as string | undefined) ?? '';
  const fill = (seedNumber: number | false): void => {
    if (seedNumber === false) seedUsers(store, now());
    else seedOrg(store, { seed: seedNumber, now: now(), size: seedSize });
    ensureOrganizationRow(store, ORG_ID, now(), adminId());
  };

  const dataDir = options.dataDir;
  let saveTimer: NodeJS.Timeout | undefined;
  const save = (): void => {
    if (dataDir === undefined) return;
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = undefined;
    const appList: ConnectedApp[] = apps.list();
    saveSnapshot(dataDir, store.snapshot(), { connectedApps: appList });
  };
  const loaded = dataDir === undefined ? undefined : await loadSnapshot(dataDir);
  if (loaded) {
    store.restore(loaded.snapshot);
    const saved = loaded.extra.connectedApps;
    if (Array.isArray(saved)) for (const app of saved as ConnectedApp[]) await apps.register(app).catch(() => undefined);
    ensureOrganizationRow(store, ORG_ID, now(), adminId());
  } else {
    fill(seed);
  }
  if (dataDir !== undefined) {
    store.onChange(() => {
      saveTimer ??= setTimeout(save, 1000);
    });
  }

  const findUser = (username: string): RecordRow => {
    const row = store.findByIndexedValue('User', 'Username', username)[0];
    if (!row) throw new Error(`No user ${username}: list users with GET /__emulator/users or add one with POST /__emulator/users.`);
    return row;
  };

  const admin: EmulatorAdmin = {
    users: () => [...store.rows('User', { includeDeleted: false })].map(toAdminUser),
    addUser(input) {
      const values: Record<string, string | boolean> = {
        Username: input.username,
        LastName: input.lastName,
        Alias: input.username.slice(0, 8),
        Email: input.email ?? input.username,
        TimeZoneSidKey: 'GMT',
        IsActive: input.isActive ?? true,
      };
      if (input.firstName !== undefined) values.FirstName = input.firstName;
      if (input.profile !== undefined) values.ProfileName__c = input.profile;
      const { id } = writer.createRecord('User', values, { userId: adminId(), origin: 'admin' });
      return toAdminUser(store.findById(id)?.row as RecordRow);
    },
    setUserActive(username, isActive) {
      const row = findUser(username);
      writer.updateRecord('User', row.Id as string, { IsActive: isActive }, { userId: adminId(), origin: 'admin' });
      return toAdminUser(row);
    },
    async registerConnectedApp(input) {
      const app: ConnectedApp = {
        consumerKey: input.consumerKey,
        certificate: input.certificate,
        preAuthorizedUsernames: input.preAuthorizedUsernames ?? [],
        permittedUsers: input.permittedUsers ?? 'admin_approved',
        name: input.name ?? 'OrgDesk',
      };
      await apps.register(app);
      if (dataDir !== undefined) save();
      return { consumerKey: app.consumerKey, name: app.name };
    },
    createSession(username) {
      const row = findUser(username);
      if (row.IsActive !== true) throw new Error(`User ${username} is inactive: activate it with PATCH /__emulator/users/${username}.`);
      const session = sessions.create(row.Id as string, row.Username as string);
      return { access_token: session.token, instance_url: url, id: `${url}/id/${ORG_ID}/${row.Id as string}`, token_type: 'Bearer', scope: 'web openid api id' };
    },
    expireSessions: () => sessions.expireAll(),
    editSchema: (objectName, edit) => schemaEdits.edit(objectName, edit),
    undoSchemaEdits: () => schemaEdits.undo(),
    setSessionTimeout: (ms) => sessions.setTimeout(ms),
    reset(resetOptions = {}) {
      schemaEdits.undo();
      store.clear();
      fill(resetOptions.seed ?? seed);
      usage.reset();
      faults.clear();
      bulk.reset();
      streaming.reset();
      pubsub.reset();
      core.counters.total = 0;
      core.counters.byArea = {};
      core.counters.byStatus = {};
    },
    addFault(spec: FaultSpec) {
      switch (spec.kind) {
        case 'expire-sessions':
          sessions.expireAll();
          return { applied: spec.kind };
        case 'api-limit': {
          const remaining = spec.remaining;
          if (typeof remaining !== 'number' || remaining < 0) throw new Error('api-limit needs "remaining", the number of API calls left today.');
          usage.setRemaining(remaining);
          return { applied: spec.kind };
        }
        case 'bulk-fail-ingest': {
          const o: { afterRows?: number; errorMessage?: string } = {};
          if (typeof spec.afterRows === 'number') o.afterRows = spec.afterRows;
          if (typeof spec.errorMessage === 'string') o.errorMessage = spec.errorMessage;
          bulk.faults.failNextIngestJob(o);
          return { applied: spec.kind };
        }
        case 'bulk-stall-ingest':
          bulk.faults.stallNextIngestJob(typeof spec.afterRows === 'number' ? { afterRows: spec.afterRows } : {});
          return { applied: spec.kind };
        case 'bulk-stall-query':
          bulk.faults.stallNextQueryJob();
          return { applied: spec.kind };
        case 'pubsub-drop-streams':
          return { applied: spec.kind, streams: pubsub.admin.dropStreams() };
        case 'pubsub-expire-sessions':
          return { applied: spec.kind, streams: pubsub.admin.expireStreamSessions() };
        case 'pubsub-delay': {
          const ms = spec.ms;
          if (typeof ms !== 'number' || ms < 0) throw new Error('pubsub-delay needs "ms", how long every Pub/Sub batch is held (0 turns it off).');
          pubsub.admin.setBatchDelayMs(ms);
          return { applied: spec.kind };
        }
        case 'bulk-release-stall':
          bulk.faults.releaseStall();
          return { applied: spec.kind };
        case 'bulk-drop-upload':
          bulk.faults.dropNextUpload(typeof spec.afterBytes === 'number' ? { afterBytes: spec.afterBytes } : {});
          return { applied: spec.kind };
        default:
          return faults.add(spec);
      }
    },
    faults: () => faults.list(),
    clearFaults(id) {
      if (id !== undefined) return faults.remove(id);
      faults.clear();
      pubsub.admin.setBatchDelayMs(0);
      bulk.faults.clear();
      return true;
    },
    setRemainingApiCalls: (remaining) => usage.setRemaining(remaining),
    lockContention: () => bulk.locks.settings(),
    setLockContention: (settings) => bulk.locks.configure(settings),
    counters: () => ({
      total: core.counters.total,
      byArea: { ...core.counters.byArea },
      byStatus: { ...core.counters.byStatus },
      apiUsage: { used: usage.used(), max: usage.max() },
      sessions: sessions.count(),
    }),
    streaming: streaming.admin,
    pubsub: pubsub.admin,
    generateContacts: (count) => generateContacts(store, count, { now: now(), seed: store.count('Contact', { includeDeleted: true }) + 11 }).length,
    save,
  };

  // Idle keep-alive sockets stay open 65 s (Node's 5 s races clients that reuse a socket as it closes: CometD clients
  // and loaded machines hit it); stop() closes every connection anyway.
  const server = createServer({ maxHeaderSize: 64 * 1024, keepAliveTimeout: 65_000 }, createRequestListener(core, admin));
  server.headersTimeout = 70_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  let pubsubUrl: string;
  try {
    pubsubUrl = await pubsub.listen(options.pubsubPort ?? 0, host);
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw new Error(`The Pub/Sub port ${options.pubsubPort ?? 0} is not free (${error instanceof Error ? error.message : String(error)}): pass another pubsubPort, or 0.`, { cause: error });
  }

  return {
    url,
    orgId: ORG_ID,
    admin,
    org: { store, writer },
    bulk,
    pubsubUrl,
    pubsub: admin.pubsub,
    async stop() {
      bulk.stop();
      await pubsub.stop();
      await streaming.stop();
      if (dataDir !== undefined) save();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A datetime formatted the way the org stores it (handy for tests that build rows). */
export { formatDateTime };
