import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Who runs a load: this process's token, and whether the process behind another token is still alive. The app, browser
 * mode and `orgdesk load` share one orgdesk.db, so a service starting up must not take over (mark interrupted, then
 * resume and upload again) a load another live process is running: that would insert its rows twice.
 */
export type LoadOwner = {
  /** `<host>:<pid>:<instance>`, stored with each load this service runs. */
  token: string;
  /** Whether the owner a load was stored with may still be running it (an unknown owner is not). */
  isAlive: (owner: string | null) => boolean;
};

/** The owner of the loads one load service runs; `processAlive` is replaceable for tests. */
export function createLoadOwner(options: { processAlive?: (pid: number) => boolean } = {}): LoadOwner {
  const host = hostname();
  const token = `${host}:${process.pid}:${randomUUID()}`;
  const processAlive = options.processAlive ?? isProcessAlive;
  return {
    token,
    isAlive(owner) {
      if (owner === null) return false;
      if (owner === token) return true;
      const parts = owner.split(':');
      if (parts.length < 3) return false;
      const [ownerHost, pidText] = parts;
      // Another machine sharing the folder cannot be asked: assume it is alive rather than risk a second upload.
      if (ownerHost !== host) return true;
      const pid = Number(pidText);
      if (!Number.isInteger(pid) || pid <= 0) return false;
      // The same process with another instance: that service was disposed (a restart in tests, or the app's recovery).
      if (pid === process.pid) return false;
      return processAlive(pid);
    },
  };
}

/** Tells whether a process id names a running process (EPERM: it runs, as another user). */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
