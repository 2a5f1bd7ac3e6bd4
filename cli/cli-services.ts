import { createOrgsService, type OrgsService } from '../electron/services/orgs';
import { createQueryLibrary, type QueryLibrary } from '../electron/services/query/query-library';
import { createSystemClock, createFetchTransport, type Clock, type HttpTransport } from '../electron/services/salesforce';
import { createKeytarSecretStore, type SecretStore } from '../electron/services/secrets';
import { openDatabase, type OrgDeskDatabase } from '../electron/services/store';
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
  /** Drops sessions and closes the database. */
  dispose(): void;
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
 * To add the load or events engine: build its service here from these ports and add it to CliServices.
 */
export function openCliServices(options: CliServicesOptions): CliServices {
  const database = openDatabase({ folder: options.userDataDir });
  const secrets = createRunSecretStore(options.keychain ?? createKeytarSecretStore(), options.runKey);
  const transport = options.transport ?? createFetchTransport();
  const clock = options.clock ?? createSystemClock();
  const orgs = createOrgsService({ db: database.db, secrets, transport, clock });
  return {
    userDataDir: options.userDataDir,
    database,
    orgs,
    library: createQueryLibrary(database.db),
    secrets,
    transport,
    clock,
    runKey: options.runKey,
    dispose() {
      orgs.dispose();
      database.close();
    },
  };
}
