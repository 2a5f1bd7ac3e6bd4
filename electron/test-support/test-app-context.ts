import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { Result } from '../../shared/ipc/result';
import { startEmulator, type EmulatorOptions } from '../../emulator';
import { createAppContext, type AppContext } from '../ipc/create-app-context';
import { createMemorySecretStore } from '../../core/secrets';

/** The app context a handler test drives, rebuilt for every test on a fresh user-data folder. */
export type TestAppContext = { readonly context: AppContext; readonly userDataDir: string };

/**
 * Registers hooks that build the app context in browser mode before each test (an in-memory keychain, the demo org's
 * local org started on demand with `localOrg` options, not at launch) and dispose it and its folder after.
 */
export function useTestAppContext(options: { prefix: string; localOrg?: Omit<EmulatorOptions, 'port' | 'host' | 'dataDir'> }): TestAppContext {
  let context: AppContext | null = null;
  let userDataDir = '';
  beforeEach(async () => {
    userDataDir = await mkdtemp(join(tmpdir(), options.prefix));
    context = await createAppContext({
      userDataDir,
      mode: 'browser',
      version: '0.1.0',
      platform: 'linux',
      secrets: createMemorySecretStore(),
      startLocalOrg: ({ host, dataDir }) => startEmulator({ ...options.localOrg, port: 0, host, dataDir }),
      demoOnLaunch: false,
    });
  });
  afterEach(async () => {
    await context?.dispose();
    context = null;
    await rm(userDataDir, { recursive: true, force: true });
  });
  return {
    get context() {
      if (context === null) throw new Error('The app context exists only inside a test.');
      return context;
    },
    get userDataDir() {
      return userDataDir;
    },
  };
}

/** The value of a successful Result; a failed one throws with its code and message, so the test says what went wrong. */
export function resultValue<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}
