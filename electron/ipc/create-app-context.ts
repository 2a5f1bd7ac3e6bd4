import { join } from 'node:path';
import type { InvokeChannel } from '../../shared/ipc/contract';
import type { AppInfo } from '../../shared/ipc/domains/app';
import { createEventHub, type AppEventListener, type EventHub } from './event-hub';
import { createHandlerTable, pendingChannels, type HandlerTableInput, type InvokeFn } from './handler-table';
import { createAppHandlers } from './handlers/app';
import { createOrgsHandlers } from './handlers/orgs';
import { createQueryHandlers } from './handlers/query';
import { createDemoOrg, type StartLocalOrg } from '../services/demo-org/demo-org';
import { createOrgsService } from '../services/orgs/orgs-service';
import { createKeytarSecretStore } from '../services/secrets/keytar-secret-store';
import type { SecretStore } from '../services/secrets/secret-store';
import { createSystemClock, type Clock } from '../services/salesforce/clock';
import { createFetchTransport, type HttpTransport } from '../services/salesforce/http-transport';
import { DamagedDatabaseError, moveAsideAndStartFresh, openDatabase, type OrgDeskDatabase } from '../services/store/database';
import { createFolderSavePicker, createQueryLibrary, createQueryService, type SaveFilePicker } from '../services/query';

/** What the composition root needs to know about where and how the app runs. */
export type AppContextOptions = {
  /** A writable folder for the app's own files (database, exports); Electron's userData or a temp folder in tests. */
  userDataDir: string;
  /** Which transport serves the renderer. */
  mode: AppInfo['mode'];
  /** The app version shown to the person (package.json's version). */
  version: string;
  /** The OS platform (`process.platform`). */
  platform: string;
  /** Called with errors that became INTERNAL, so a transport can log them (never shown to the person). */
  onInternalError?: (channel: string, error: unknown) => void;
  /** Starts the local org for the demo profile (electron/main and electron/web pass the emulator's startEmulator). */
  startLocalOrg?: StartLocalOrg;
  /** Whether to start the demo org at launch (first launch, or when its profile exists); default true when startLocalOrg is given. */
  demoOnLaunch?: boolean;
  /** Ports tests may replace: the keychain (default keytar), the HTTP transport (default fetch), the clock. */
  secrets?: SecretStore;
  transport?: HttpTransport;
  clock?: Clock;
  /**
   * Asked when orgdesk.db is damaged (its message and hint say so): resolve true to rename it aside (never deleted) and start
   * with a fresh one, false to fail start-up with that error. Without it, start-up fails.
   */
  onDamagedDatabase?: (error: DamagedDatabaseError) => Promise<boolean>;
  /** Where exports go: Electron passes a save dialog; by default a folder `<userData>/exports/` with timestamped names. */
  saveFilePicker?: SaveFilePicker;
};

/** The running app as a transport sees it: one invoke entry point, one event stream, one disposer. */
export type AppContext = {
  /** Validates, routes and answers one contract call. */
  invoke: InvokeFn;
  /** Subscribes to every contract event; returns its disposer. */
  subscribe: (listener: AppEventListener) => () => void;
  /** Where services push events (exposed for tests and for services built outside the context). */
  events: EventHub;
  /** Contract channels nothing answers yet (they reply NOT_FOUND); empty once every domain is wired. */
  pendingChannels: InvokeChannel[];
  /** Stops every service (timers, sockets, subscriptions, the database). Safe to call twice. */
  dispose: () => Promise<void>;
};

/**
 * The composition root shared by Electron main and browser mode: builds the services with their ports and the handler table.
 *
 * To wire a new service: build it here (push its disposer onto `disposers`), then pass it to its domain's handler factory in
 * `handlers/<domain>.ts` and spread that into `handlers` below. A channel without a handler answers NOT_FOUND and is listed
 * in `pendingChannels` (electron/ipc/handler-table.ts).
 */
export async function createAppContext(options: AppContextOptions): Promise<AppContext> {
  const events = createEventHub();
  const disposers: (() => Promise<void> | void)[] = [];

  const database = await openOrRecoverDatabase(options);
  disposers.push(() => database.close());
  const secrets = options.secrets ?? createKeytarSecretStore();
  const transport = options.transport ?? createFetchTransport();
  const clock = options.clock ?? createSystemClock();
  const orgs = createOrgsService({ db: database.db, secrets, transport, clock, onChange: (payload) => events.emit('orgs:changed', payload) });
  disposers.push(() => orgs.dispose());
  const demo = createDemoOrg({
    userDataDir: options.userDataDir,
    startLocalOrg: options.startLocalOrg ?? (() => Promise.reject(new Error('No local org in this build.'))),
    orgs,
    secrets,
    transport,
    onStatus: (status) => events.emit('orgs:demo-status', status),
  });
  disposers.push(() => demo.stop());
  if (options.startLocalOrg !== undefined && options.demoOnLaunch !== false) void demo.startOnLaunch();

  const query = createQueryService({
    connections: {
      connectionFor: async (orgId) => {
        const connection = await orgs.connection(orgId);
        return { client: connection.client, apiVersion: connection.rest.version };
      },
    },
    emit: (progress) => events.emit('query:progress', progress),
    clock,
    library: createQueryLibrary(database.db),
    resultsDir: join(options.userDataDir, 'query-results'),
    picker: options.saveFilePicker ?? createFolderSavePicker(join(options.userDataDir, 'exports')),
  });
  disposers.push(() => query.dispose());

  const handlers: HandlerTableInput = {
    ...createAppHandlers({ version: options.version, platform: options.platform, mode: options.mode }),
    ...createOrgsHandlers({ orgs, demo }),
    ...createQueryHandlers({ query }),
  };
  const invoke = createHandlerTable(
    handlers,
    options.onInternalError === undefined ? {} : { onInternalError: options.onInternalError },
  );

  let disposed = false;
  return {
    invoke,
    pendingChannels: pendingChannels(handlers),
    subscribe: (listener) => events.subscribe(listener),
    events,
    async dispose() {
      if (disposed) return;
      disposed = true;
      for (const dispose of disposers.reverse()) await dispose();
    },
  };
}

async function openOrRecoverDatabase(options: AppContextOptions): Promise<OrgDeskDatabase> {
  try {
    return openDatabase({ folder: options.userDataDir });
  } catch (error) {
    if (!(error instanceof DamagedDatabaseError) || options.onDamagedDatabase === undefined || !(await options.onDamagedDatabase(error))) throw error;
    return moveAsideAndStartFresh({ folder: options.userDataDir }).database;
  }
}
