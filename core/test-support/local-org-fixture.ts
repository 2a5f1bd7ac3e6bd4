import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { RunningEmulator } from '../../emulator';
import { adminCall, localLogin, startLocalOrg, type LocalLogin } from './local-org';

/** The local org a test file runs against, a fresh JWT login per test, and the org's fault switch. */
export type LocalOrgFixture = {
  readonly org: RunningEmulator;
  readonly login: LocalLogin;
  /** Adds a fault through the admin API (`POST /__emulator/faults`), failing the test when the org refuses it. */
  fault: (spec: Record<string, unknown>) => Promise<void>;
};

/** Runs the local org for a test file: started before its tests, faults cleared and a new login made before each, stopped after. */
export function useLocalOrg(): LocalOrgFixture {
  let org: RunningEmulator | undefined;
  let login: LocalLogin | undefined;
  const running = (): RunningEmulator => {
    if (org === undefined) throw new Error('The local org has not started: read it inside a test or a hook.');
    return org;
  };
  beforeAll(async () => {
    org = await startLocalOrg();
  });
  afterAll(async () => {
    await org?.stop();
  });
  beforeEach(async () => {
    await adminCall(running().url, 'faults', 'DELETE');
    login = await localLogin(running().url);
  });
  return {
    get org() {
      return running();
    },
    get login() {
      if (login === undefined) throw new Error('No login yet: read it inside a test or a hook.');
      return login;
    },
    fault: async (spec) => {
      const { status, body } = await adminCall(running().url, 'faults', 'POST', spec);
      if (status !== 201) throw new Error(`The local org refused the fault ${JSON.stringify(spec)}: ${status} ${JSON.stringify(body)}`);
    },
  };
}
