import { join } from 'node:path';
import type { EventBatch, EventSubscription } from '../shared/ipc/domains/events';
import type { LoadProgress } from '../shared/ipc/domains/load';
import type { EventCapture, EventsService } from '../core/events';
import { createFolderSavePicker } from '../core/files';
import { createLoadService, uploadsDirOf, type LoadService } from '../core/load';
import { createOrgsService, orgConnections, type OrgsService } from '../core/orgs';
import { createQueryLibrary, type QueryLibrary } from '../core/query/query-library';
import { createSystemClock, createFetchTransport, type Clock, type HttpTransport } from '../core/salesforce';
import { createKeytarSecretStore, type SecretStore } from '../core/secrets';
import { openDatabase, type OrgDeskDatabase } from '../core/store';
import { createRunSecretStore, type RunKey } from './run-key';

/** The engine one CLI run works with: the app's database, keychain entries and services, built the way the app builds them. */
export type CliServices = {
  /** The user-data folder (where orgdesk.db lives). */
  userDataDir: string;
  database: OrgDeskDatabase;
  orgs: OrgsService;
  /** Query history (CLI runs appear in the app's history too). */
  library: QueryLibrary;
  /** The keychain, or the run key of `--key-file`/`$ORGDESK_PRIVATE_KEY` for logins. */
  secrets: SecretStore;
  transport: HttpTransport;
  clock: Clock;
  /** The run key when one was given (logins never ask the keychain then). */
  runKey: RunKey | null;
  /**
   * The load engine on the app's journal, built on first use: building it marks the journal's running loads interrupted
   * (as the app does when it starts), so only `orgdesk load` builds it.
   */
  loads(): CliLoads;
  /** The events engine on the app's capture and replay checkpoints, built on first use (only `orgdesk events` loads the CometD client). */
  events(): Promise<CliEvents>;
  /** Drops sessions and closes the database. */
  dispose(): void;
};

/** The load service, and its progress events for the command that runs a load. */
export type CliLoads = {
  service: LoadService;
  /** Calls `listener` with every `load:progress` the service pushes; answers the function that stops it. */
  onProgress(listener: (progress: LoadProgress) => void): () => void;
};

/** The events service, its capture (for an event's payload) and its pushed batches and statuses for `orgdesk events`. */
export type CliEvents = {
  service: EventsService;
  capture: EventCapture;
  /** Calls `listener` with every `events:batch`; answers the function that stops it. */
  onBatch(listener: (batch: EventBatch) => void): () => void;
  /** Calls `listener` with every `events:status`; answers the function that stops it. */
  onStatus(listener: (status: EventSubscription) => void): () => void;
};

/** What the CLI's composition root needs: the folder, the run key, and ports tests may replace. */
export type CliServicesOptions = {
  userDataDir: string;
  runKey: RunKey | null;
  keychain?: SecretStore;
  transport?: HttpTransport;
  clock?: Clock;
};

/**
 * The CLI's composition root: the same services electron/ipc/create-app-context.ts builds, on the same orgdesk.db and the
 * same keychain service, minus what only a window needs (the demo org's in-process start, renderer events, the query
 * service's in-memory result store: the CLI streams rows instead, see cli/query).
 *
 * The load and events engines are built on first use (see `loads` and `events`).
 */
export function openCliServices(options: CliServicesOptions): CliServices {
  const database = openDatabase({ folder: options.userDataDir });
  const secrets = createRunSecretStore(options.keychain ?? createKeytarSecretStore(), options.runKey);
  const transport = options.transport ?? createFetchTransport();
  const clock = options.clock ?? createSystemClock();
  const orgs = createOrgsService({ db: database.db, secrets, transport, clock });
  let loads: CliLoads | null = null;
  let events: Promise<CliEvents> | null = null;
  let openedEvents: CliEvents | null = null;
  return {
    userDataDir: options.userDataDir,
    database,
    orgs,
    library: createQueryLibrary(database.db),
    secrets,
    transport,
    clock,
    runKey: options.runKey,
    loads() {
      loads ??= openLoads(database, orgs, clock, options.userDataDir);
      return loads;
    },
    events() {
      events ??= openEvents(database, orgs, options.userDataDir).then((opened) => (openedEvents = opened));
      return events;
    },
    dispose() {
      // The load command waits for its load to settle (or cancels it) before it returns, so nothing runs any more here.
      if (loads !== null) void loads.service.dispose();
      // The events command unsubscribes (storing what waits) before it returns; this closes any stream still open.
      if (openedEvents !== null) void openedEvents.service.dispose();
      orgs.dispose();
      database.close();
    },
  };
}

function openLoads(database: OrgDeskDatabase, orgs: OrgsService, clock: Clock, userDataDir: string): CliLoads {
  const listeners = new Set<(progress: LoadProgress) => void>();
  const service = createLoadService({
    db: database.db,
    connections: orgConnections(orgs),
    emit: {
      progress: (progress) => {
        for (const listener of listeners) listener(progress);
      },
      preflight: () => undefined,
    },
    clock,
    uploadsDir: uploadsDirOf(userDataDir),
    // The app may be holding an upload open in the same folder: only the app's own service sweeps it.
    sweepUploads: false,
    loadsDir: join(userDataDir, 'loads'),
  });
  return {
    service,
    onProgress(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

async function openEvents(database: OrgDeskDatabase, orgs: OrgsService, userDataDir: string): Promise<CliEvents> {
  const { createEventCapture, createEventsService } = await import('../core/events');
  const batchListeners = new Set<(batch: EventBatch) => void>();
  const statusListeners = new Set<(status: EventSubscription) => void>();
  const capture = createEventCapture({ db: database.db });
  const service = createEventsService({
    connections: orgConnections(orgs),
    capture,
    emitBatch: (batch) => {
      for (const listener of batchListeners) listener(batch);
    },
    emitStatus: (status) => {
      for (const listener of statusListeners) listener(status);
    },
    picker: createFolderSavePicker(join(userDataDir, 'exports')),
    // `orgdesk events` keeps its own checkpoint, moved once an event's line is written out (cli/events/event-lines.ts).
    consumer: 'cli',
  });
  return {
    service,
    capture,
    onBatch(listener) {
      batchListeners.add(listener);
      return () => batchListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
  };
}
