import { join } from 'node:path';
import type { InvokeChannel } from '../../shared/ipc/contract';
import type { AppInfo, DatabaseRecovery, DatabaseStatus } from '../../shared/ipc/domains/app';
import { INVOKE_CHANNELS } from '../../shared/ipc/schemas';
import { createEventHub, type AppEventListener, type EventHub } from './event-hub';
import { createHandlerTable, pendingChannels, type HandlerTableInput, type InvokeFn } from './handler-table';
import { createAppHandlers } from './handlers/app';
import { createEventsHandlers } from './handlers/events';
import { createOrgsHandlers } from './handlers/orgs';
import { createLoadHandlers } from './handlers/load';
import { createQueryHandlers } from './handlers/query';
import { createSenderScopes } from './sender-scopes';
import { createDemoOrg, type StartLocalOrg } from '../../core/demo-org/demo-org';
import { createDemoKeyStore } from '../../core/demo-org/demo-key-store';
import { createOrgsService } from '../../core/orgs/orgs-service';
import { orgConnections } from '../../core/orgs/org-connections';
import { createKeytarSecretStore } from '../../core/secrets/keytar-secret-store';
import type { SecretStore } from '../../core/secrets/secret-store';
import { createSystemClock, type Clock } from '../../core/salesforce/clock';
import { createFetchTransport, type HttpTransport } from '../../core/salesforce/http-transport';
import { ServiceError } from '../../core/errors';
import { DamagedDatabaseError, DATABASE_FILE, moveAsideAndStartFresh, openDatabase, type OrgDeskDatabase } from '../../core/store/database';
import { createFolderSavePicker, createQueryLibrary, createQueryService, type SaveFilePicker } from '../../core/query';
import { createFileRefs, type FileRefs, type OpenFilePicker } from '../../core/files';
import { createLoadService, uploadsDirOf } from '../../core/load';
import { createEventCapture, createEventsService } from '../../core/events';

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
  /** Where exports go: Electron passes a save dialog; by default a folder `<userData>/exports/` with timestamped names. */
  saveFilePicker?: SaveFilePicker;
  /**
   * Electron's native open dialog, for `orgs:import-key` without a path. With `saveFilePicker` it also serves
   * `orgs:save-certificate` without a path, and `load:choose-file`; browser mode passes neither, so those calls need a
   * typed path (or a dropped file).
   */
  openFilePicker?: OpenFilePicker;
};

/** The load service's CSV dialog from the open picker (none in browser mode, where files are dropped). */
function csvPickerOf(picker: OpenFilePicker | undefined): (() => Promise<string | null>) | undefined {
  return picker === undefined ? undefined : () => picker.pickOpenPath({ format: 'csv' });
}

/** Main's folder dialog for a load's result files (none in browser mode). */
function folderPickerOf(picker: OpenFilePicker | undefined): (() => Promise<string | null>) | undefined {
  return picker === undefined ? undefined : () => picker.pickOpenPath({ format: 'results-folder' });
}

/** The running app as a transport sees it: one invoke entry point, one event stream, one disposer. */
export type AppContext = {
  /** Validates, routes and answers one contract call. */
  invoke: InvokeFn;
  /** Subscribes to every contract event; returns its disposer. */
  subscribe: (listener: AppEventListener) => () => void;
  /** Where services push events (exposed for tests and for services built outside the context). */
  events: EventHub;
  /** Contract channels nothing answers yet (they reply NOT_FOUND); empty once every domain is wired. */
  readonly pendingChannels: InvokeChannel[];
  /** Whether the database opened; `needs-recovery` while only the app domain answers (see `app:database-recover`). */
  databaseStatus: () => DatabaseStatus;
  /**
   * Mints a file ref for a path main learnt itself for this sender (Electron: the preload's `webUtils.getPathForFile` of a
   * dropped file, over the transport's own channel); `load:open` takes only such refs, never a path from the page.
   */
  mintFileRef: (senderId: string, path: string) => string;
  /** Whether a browser-mode upload is in use by a load (an open file, an unfinished load), so it must not be deleted. */
  uploadInUse: (uploadId: string) => boolean;
  /**
   * Ends what one sender (a closed window, a browser tab gone for good) started: aborts its scope's signal and runs its
   * disposers (its query runs are cancelled and dropped). Transports call it; unknown ids are ignored.
   */
  releaseSender: (senderId: string) => void;
  /** Stops every service (timers, sockets, subscriptions, the database). Safe to call twice. */
  dispose: () => Promise<void>;
};

/**
 * The composition root shared by Electron main and browser mode: builds the services with their ports and the handler table.
 *
 * To wire a new service: build it in `createServices` (push its disposer onto `disposers`), then pass it to its domain's
 * handler factory in `handlers/<domain>.ts` and spread that into its `handlers`. A channel without a handler answers NOT_FOUND
 * and is listed in `pendingChannels` (electron/ipc/handler-table.ts).
 *
 * When orgdesk.db is damaged or from a newer OrgDesk, the app still starts, in recovery: the app domain answers (its
 * `app:database-status` says what is wrong), every other channel answers that error, and `app:database-recover` moves the
 * file aside (never deletes it), opens a fresh one and builds the services on it.
 */
export async function createAppContext(options: AppContextOptions): Promise<AppContext> {
  const events = createEventHub();
  const ports: ServicePorts = {
    secrets: options.secrets ?? createKeytarSecretStore(),
    transport: options.transport ?? createFetchTransport(),
    clock: options.clock ?? createSystemClock(),
    fileRefs: createFileRefs(),
  };
  const scopes = createSenderScopes();
  const tableOptions = { scopes, ...(options.onInternalError === undefined ? {} : { onInternalError: options.onInternalError }) };

  let disposed = false;
  let services: Services | null = null;
  let problem: DamagedDatabaseError | null = null;
  try {
    services = createServices(openDatabase({ folder: options.userDataDir }), options, ports, events);
  } catch (error) {
    if (!(error instanceof DamagedDatabaseError)) throw error;
    problem = error;
  }

  const databaseStatus = (): DatabaseStatus =>
    problem === null
      ? { state: 'ready', path: join(options.userDataDir, DATABASE_FILE) }
      : { state: 'needs-recovery', problem: problem.problem, path: problem.path, message: problem.message, hint: problem.hint ?? '' };

  const recover = (): Promise<DatabaseRecovery> => {
    if (problem === null || disposed) {
      throw new ServiceError('VALIDATION', "OrgDesk's local database is in use: there is nothing to move aside.", 'Carry on; no recovery is needed.');
    }
    const { movedTo, database } = moveAsideAndStartFresh({ folder: options.userDataDir, problem: problem.problem });
    services = createServices(database, options, ports, events);
    problem = null;
    compose();
    return Promise.resolve({ movedTo, path: database.path });
  };

  const appHandlers = createAppHandlers({
    info: { version: options.version, platform: options.platform, mode: options.mode },
    database: { status: databaseStatus, recover },
  });
  let handlers: HandlerTableInput = {};
  let table: InvokeFn = () => Promise.reject(new Error('The handler table is not composed yet.'));
  const compose = (): void => {
    handlers = { ...(services === null ? unavailableWhileRecovering() : services.handlers), ...appHandlers };
    table = createHandlerTable(handlers, tableOptions);
  };
  compose();

  return {
    invoke: (channel, rawArgs, sender) => table(channel, rawArgs, sender),
    get pendingChannels() {
      return pendingChannels(handlers);
    },
    databaseStatus,
    mintFileRef: (senderId, path) => ports.fileRefs.mint(senderId, 'file', path),
    uploadInUse: (uploadId) => services?.holdsUpload(uploadId) ?? false,
    releaseSender: (senderId) => {
      scopes.dispose(senderId);
      ports.fileRefs.forget(senderId);
    },
    subscribe: (listener) => events.subscribe(listener),
    events,
    async dispose() {
      if (disposed) return;
      disposed = true;
      scopes.disposeAll();
      await services?.dispose();
    },
  };
}

type ServicePorts = { secrets: SecretStore; transport: HttpTransport; clock: Clock; fileRefs: FileRefs };

/** The services built on one open database: the handlers of every domain but app, and their disposer. */
type Services = { handlers: HandlerTableInput; holdsUpload: (uploadId: string) => boolean; dispose: () => Promise<void> };

function createServices(database: OrgDeskDatabase, options: AppContextOptions, ports: ServicePorts, events: EventHub): Services {
  const disposers: (() => Promise<void> | void)[] = [];
  disposers.push(() => database.close());
  const { transport, clock } = ports;
  // The keychain for every org; only the demo org's key may stay in memory where no keychain answers (demo-key-store.ts).
  const secrets = createDemoKeyStore(ports.secrets);
  const orgs = createOrgsService({
    db: database.db,
    secrets,
    transport,
    clock,
    onChange: (payload) => events.emit('orgs:changed', payload),
    pickers: { save: options.saveFilePicker, open: options.openFilePicker },
  });
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
    connections: orgConnections(orgs),
    emit: (progress) => events.emit('query:progress', progress),
    clock,
    library: createQueryLibrary(database.db),
    resultsDir: join(options.userDataDir, 'query-results'),
    picker: options.saveFilePicker ?? createFolderSavePicker(join(options.userDataDir, 'exports')),
  });
  disposers.push(() => query.dispose());

  const load = createLoadService({
    db: database.db,
    connections: orgConnections(orgs),
    emit: {
      progress: (progress) => events.emit('load:progress', progress),
      preflight: (progress) => events.emit('load:preflight-progress', progress),
    },
    clock,
    uploadsDir: uploadsDirOf(options.userDataDir),
    loadsDir: join(options.userDataDir, 'loads'),
    pickCsvFile: csvPickerOf(options.openFilePicker),
  });
  disposers.push(() => load.dispose());
  const eventsService = createEventsService({
    connections: orgConnections(orgs),
    capture: createEventCapture({ db: database.db }),
    emitBatch: (batch) => events.emit('events:batch', batch),
    emitStatus: (status) => events.emit('events:status', status),
    picker: options.saveFilePicker ?? createFolderSavePicker(join(options.userDataDir, 'exports')),
    ...(options.onInternalError === undefined ? {} : { onCaptureError: (error: unknown) => options.onInternalError?.('events:batch', error) }),
  });
  disposers.push(() => eventsService.dispose());

  return {
    handlers: {
      ...createOrgsHandlers({ orgs, demo, typedPaths: options.mode === 'browser' ? 'accepted' : 'refused' }),
      ...createQueryHandlers({ query }),
      ...createLoadHandlers({ load, fileRefs: ports.fileRefs, pickOutputFolder: folderPickerOf(options.openFilePicker) }),
      ...createEventsHandlers({ events: eventsService }),
    },
    holdsUpload: (uploadId) => load.holdsUpload(uploadId),
    async dispose() {
      for (const dispose of disposers.reverse()) await dispose();
    },
  };
}

/** In recovery every channel outside the app domain answers what is wrong and where to fix it. */
function unavailableWhileRecovering(): HandlerTableInput {
  const refuse = (): never => {
    throw new ServiceError(
      'INTERNAL',
      "OrgDesk's local database cannot be used, so this is not available.",
      'Follow the recovery screen: move the database aside and start fresh (nothing is deleted).',
    );
  };
  return Object.fromEntries(INVOKE_CHANNELS.filter((channel) => !channel.startsWith('app:')).map((channel) => [channel, refuse]));
}
