import { join } from 'node:path';
import type { RunningEmulator } from '../../emulator';
import { createLoadService, type LoadService } from '../load';
import type { LoadServiceOptions } from '../load/load-service';
import { createSystemClock, type BusyRetryPolicy } from '../salesforce';
import type { SqliteDatabase } from '../store';
import { createEmulatorConnections } from './emulator-connections';
import { ADMIN } from './emulator-fixture';

/** What a test may change of the load service it builds, and the busy-retry policy of its emulator connection. */
export type TestLoadServiceOptions = Partial<LoadServiceOptions> & { busy?: BusyRetryPolicy };

/**
 * A load service as the app builds it, on the emulator as the admin, with its uploads and loads under `<dir>/user-data` and
 * fast polling and progress (10-50 ms, 50 ms); `overrides` replace any of it.
 */
export function createTestLoadService(db: SqliteDatabase, emulator: RunningEmulator, dir: string, overrides: TestLoadServiceOptions = {}): LoadService {
  const { busy, ...rest } = overrides;
  return createLoadService({
    db,
    connections: createEmulatorConnections(busy === undefined ? { url: emulator.url, username: ADMIN } : { url: emulator.url, username: ADMIN, busy }),
    emit: { progress: () => undefined, preflight: () => undefined },
    clock: createSystemClock(),
    uploadsDir: join(dir, 'user-data', 'uploads'),
    loadsDir: join(dir, 'user-data', 'loads'),
    poll: { initialMs: 10, maxMs: 50 },
    progressIntervalMs: 50,
    ...rest,
  });
}
