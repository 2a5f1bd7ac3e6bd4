import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who runs a load: this process's token, and whether the process behind another token is still alive. The app, browser
 * mode and `orgdesk load` share one orgdesk.db, so a service starting up must not take over (mark interrupted, then
 * resume and upload again) a load another live process is running: that would insert its rows twice. A dead owner's load
 * must not stay stuck either, also when the OS has given its process id to a new process: the token records when the
 * process started, and a live pid that started at another moment is somebody else.
 */
export type LoadOwner = {
  /** `<host>:<pid>:<start>:<instance>` (`<start>` empty where the OS cannot tell), stored with each load this service runs. */
  token: string;
  /** Whether the owner a load was stored with may still be running it (an unknown owner is not). */
  isAlive: (owner: string | null) => boolean;
};

/** The ports of the owner check: whether a pid runs, and when a pid started (null when the OS cannot tell). */
export type ProcessProbe = { processAlive?: (pid: number) => boolean; processStart?: (pid: number) => string | null };

/** The owner of the loads one load service runs; the process probes are replaceable for tests. */
export function createLoadOwner(options: ProcessProbe = {}): LoadOwner {
  const host = hostname();
  const processAlive = options.processAlive ?? isProcessAlive;
  const processStart = options.processStart ?? linuxProcessStart;
  const token = `${host}:${process.pid}:${processStart(process.pid) ?? ''}:${randomUUID()}`;
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
      if (!processAlive(pid)) return false;
      // Tokens of four parts carry the start time; a live pid that started at another moment was reused by the OS.
      const recorded = parts.length >= 4 ? parts[2] : '';
      if (recorded === undefined || recorded === '') return true;
      const now = processStart(pid);
      return now === null || now === recorded;
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

/**
 * When a process started, in clock ticks since boot (field 22 of Linux's `/proc/<pid>/stat`, read after the command
 * name's closing parenthesis since the name may hold spaces); null where there is no /proc (macOS, Windows: the pid
 * alone decides there).
 */
export function linuxProcessStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}
