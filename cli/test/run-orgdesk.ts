/**
 * Test support: runs the real `orgdesk` bin as a child process and collects what it printed. The bin runs the sources through
 * tsx here (ORGDESK_FROM_SOURCE), never a bundle an earlier build left in dist/ (cli/orgdesk.package.test.ts runs the bundle).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The bin script package.json points at. */
export const ORGDESK_BIN = fileURLToPath(new URL('../orgdesk.mjs', import.meta.url));

/** What a finished run printed and how it ended. */
export type OrgdeskRun = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

/**
 * An environment with no Secret Service: D-Bus points nowhere, so keytar fails as on a bare CI runner (no keychain present).
 * `ORGDESK_USER_DATA` points the CLI at the test's own folder.
 */
export function noKeychainEnv(userDataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/orgdesk-no-bus', DISPLAY: '', ORGDESK_USER_DATA: userDataDir, ...extra };
  delete env['ORGDESK_PRIVATE_KEY'];
  return { ...env, ...extra };
}

/** The environment of the caller (under scripts/with-keyring.sh: its private keyring) with the test's user-data folder. */
export function keychainEnv(userDataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ORGDESK_USER_DATA: userDataDir };
  delete env['ORGDESK_PRIVATE_KEY'];
  return env;
}

/** Starts `orgdesk <args>` without waiting (for the emulator, or a run to interrupt). */
export function startOrgdesk(args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): ChildProcess {
  const env = { ORGDESK_FROM_SOURCE: '1', ...options.env };
  return spawn(process.execPath, [ORGDESK_BIN, ...args], { env, cwd: options.cwd ?? process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs `orgdesk <args>` to its end (killed after `timeoutMs`) and returns its exit code and output. */
export function runOrgdesk(args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): Promise<OrgdeskRun> {
  const child = startOrgdesk(args, options);
  return collect(child, options.timeoutMs ?? 45_000);
}

/** Waits for a child to end and gathers its output. */
export function collect(child: ChildProcess, timeoutMs: number): Promise<OrgdeskRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
