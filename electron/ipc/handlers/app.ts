import type { AppInfo, AppInvoke, DatabaseRecovery, DatabaseStatus } from '../../../shared/ipc/domains/app';
import type { HandlersFor } from '../handler-table';

/** What the app domain needs to know about the local database: its state, and the one way out of recovery. */
export type DatabaseCare = {
  status: () => DatabaseStatus;
  /** Moves an unusable database aside (never deletes it), starts a fresh one and wires the services on it. */
  recover: () => Promise<DatabaseRecovery>;
};

/** The handlers of the app domain: what the app says about itself, and the database recovery it offers. */
export function createAppHandlers({ info, database }: { info: AppInfo; database: DatabaseCare }): HandlersFor<AppInvoke> {
  return {
    'app:info': () => ({ ...info }),
    'app:database-status': () => database.status(),
    'app:database-recover': () => database.recover(),
  };
}
