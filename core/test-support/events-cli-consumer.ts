/**
 * The harness's hard-kill consumer: the real `orgdesk events CHANNEL --out FILE` bin as a child process (started by path,
 * as a user would, so the engine imports nothing of `cli/`), killed with SIGKILL and started again on its own user-data
 * folder, with a key file whose certificate the local org's connected app trusts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyAndCertificate } from '../auth/certificate';
import { createOrgProfileStore } from '../orgs/org-profile-store';
import { openDatabase } from '../store/database';
import { adminCall } from './local-org';
import { SCHEDULE_ORGDESK_BIN } from './schedule-bin';

/** One NDJSON line of the output file. */
type OutLine = { channel: string; replayId: number; data: unknown };

/** A consumer run by the CLI: start, kill, stop, and what it left on disk. */
export type CliConsumer = {
  /** Starts the bin (with `--replay` the first time) and, when asked, waits until it says it subscribed. */
  start(options: { replayId?: number; waitSubscribed: boolean }): Promise<void>;
  /** SIGKILL: no unsubscribe, nothing flushed. */
  kill(): Promise<void>;
  /** Ctrl+C (SIGINT) and the exit; SIGKILL after 15 s. */
  stop(): Promise<void>;
  /** The lines of the output file (complete lines only). */
  lines(): OutLine[];
  /** The command's own checkpoint in its database (read while it is not running). */
  checkpoint(): number | null;
  /** Discontinuities the capture recorded (their `lastReplayId` and the replay id they were attached to). */
  discontinuities(): { replayId: number; lastReplayId: number | null }[];
  stderr(): string;
};

/** One key pair for every schedule of this process: an RSA key takes a noticeable share of a CLI schedule's CPU to make. */
let keyPair: ReturnType<typeof generateKeyAndCertificate> | null = null;

/** Sets up a user-data folder in `folder` for the org at `url` (profile, key file, connected app) and returns its consumer. */
export async function createCliConsumer(options: { url: string; username: string; folder: string; channel: string }): Promise<CliConsumer> {
  const userDataDir = join(options.folder, 'user-data');
  const keyFile = join(options.folder, 'server.key');
  const outFile = join(options.folder, 'events.ndjson');
  const { privateKeyPem, certificatePem } = await (keyPair ??= generateKeyAndCertificate({ commonName: 'Fault schedules', now: new Date() }));
  writeFileSync(keyFile, privateKeyPem, { mode: 0o600 });
  const consumerKey = `CKsched${Math.random().toString(36).slice(2)}`;
  const app = await adminCall(options.url, 'connected-apps', 'POST', { consumerKey, certificate: certificatePem, preAuthorizedUsernames: [options.username] });
  if (app.status !== 201) throw new Error(`The local org refused the connected app: ${app.status}`);
  const database = openDatabase({ folder: userDataDir });
  let orgId: string;
  try {
    const profiles = createOrgProfileStore(database.db);
    orgId = profiles.create({ label: 'Schedules', environment: 'mydomain', myDomainUrl: options.url, consumerKey, username: options.username, apiVersion: null, color: '#0176d3' }).id;
    profiles.setActive(orgId);
  } finally {
    database.close();
  }
  // No Secret Service (D-Bus points nowhere): the key comes from --key-file, as on a bare CI runner.
  const env: NodeJS.ProcessEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/orgdesk-no-bus', DISPLAY: '', ORGDESK_USER_DATA: userDataDir, ORGDESK_FROM_SOURCE: '1' };
  delete env['ORGDESK_PRIVATE_KEY'];
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let stderr = '';

  const readDb = <T>(read: (db: ReturnType<typeof openDatabase>['db']) => T): T => {
    const db = openDatabase({ folder: userDataDir });
    try {
      return read(db.db);
    } finally {
      db.close();
    }
  };

  return {
    async start({ replayId, waitSubscribed }) {
      const args = ['events', options.channel, '--api', 'cometd', '--out', outFile, '--key-file', keyFile, ...(replayId === undefined ? [] : ['--replay', String(replayId)])];
      const started = spawn(process.execPath, [SCHEDULE_ORGDESK_BIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      child = started;
      const mark = stderr.length;
      started.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      exited = new Promise((resolve) => started.once('close', () => resolve()));
      if (!waitSubscribed) return;
      const deadline = Date.now() + 30_000;
      while (!stderr.slice(mark).includes('Subscribed to')) {
        if (started.exitCode !== null || Date.now() > deadline) throw new Error(`orgdesk events did not subscribe:\n${stderr.slice(mark)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async kill() {
      child?.kill('SIGKILL');
      await exited;
      child = null;
    },
    async stop() {
      const running = child;
      if (running === null) return;
      running.kill('SIGINT');
      const timer = setTimeout(() => running.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      child = null;
    },
    lines() {
      if (!existsSync(outFile)) return [];
      const text = readFileSync(outFile, 'utf8');
      return text
        .slice(0, text.lastIndexOf('\n') + 1)
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as OutLine);
    },
    checkpoint: () =>
      readDb(
        (db) =>
          db.prepare<[string, string], { replay_id: number }>("SELECT replay_id FROM event_consumer_checkpoints WHERE consumer = 'cli' AND org_id = ? AND channel = ?").get(orgId, options.channel)?.replay_id ??
          null,
      ),
    discontinuities: () =>
      readDb((db) =>
        db
          .prepare<[string, string], { replay_id: number; discontinuity: string }>('SELECT replay_id, discontinuity FROM captured_events WHERE org_id = ? AND channel = ? AND discontinuity IS NOT NULL')
          .all(orgId, options.channel)
          .map((r) => ({ replayId: r.replay_id, lastReplayId: (JSON.parse(r.discontinuity) as { lastReplayId: number | null }).lastReplayId })),
      ),
    stderr: () => stderr,
  };
}
