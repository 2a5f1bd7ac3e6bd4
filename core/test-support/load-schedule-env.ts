/**
 * The world the load fault schedules run in: one local org for the whole run (a connected app trusting a key file, so
 * the real `orgdesk` can log in for kill schedules), and for each schedule a fresh user-data folder with its database,
 * an org profile for the CLI, and the load service as the app builds it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startEmulator, type RunningEmulator } from '../../emulator/index';
import { generateKeyAndCertificate } from '../auth/certificate';
import { createLoadService } from '../load';
import { createOrgProfileStore } from '../orgs/org-profile-store';
import { createSystemClock } from '../salesforce';
import { openDatabase, type OrgDeskDatabase } from '../store';
import { createEmulatorConnections } from './emulator-connections';
import type { ChildLoad, LoadScheduleEnv } from './load-schedule-run';
import { SCHEDULE_ORGDESK_BIN } from './schedule-bin';
import type { LoadSchedule } from './load-schedules';

const ADMIN = 'admin@orgdesk.example';
/** About the bytes of one schedule row in a job CSV, so `--max-job-bytes` splits the file like `maxJobRows` does in process. */
const BYTES_PER_ROW = 24;
/**
 * The schedules' waits for a busy org (429) and between 5xx retries: the real policies' shape with a 20 ms base instead
 * of 1 s / 250 ms, so a schedule of 429s is over in a fraction of a second (the soak's wall time goes to schedules).
 */
const SCHEDULE_BUSY = { retries: 6, baseDelayMs: 20, maxDelayMs: 200 };
const SCHEDULE_RETRY = { attempts: 3, baseDelayMs: 20 };

/** A started world: a new env per schedule, and what to close at the end. */
export type LoadScheduleWorld = { emulator: RunningEmulator; newEnv(): LoadScheduleEnv; close(): Promise<void> };

/** Starts the org and the scratch folder. `kills` lets schedules start their load in a real `orgdesk` process. */
export async function openLoadScheduleWorld(options: { kills?: boolean } = {}): Promise<LoadScheduleWorld> {
  const emulator = await startEmulator({ port: 0, seedSize: { accounts: 5, contacts: 1, opportunities: 1, cases: 1, leads: 1, invoices: 1 } });
  const root = mkdtempSync(join(tmpdir(), 'orgdesk-schedules-'));
  const { privateKeyPem, certificatePem } = await generateKeyAndCertificate({ commonName: 'Fault schedules', now: new Date() });
  const keyFile = join(root, 'server.key');
  writeFileSync(keyFile, privateKeyPem, { mode: 0o600 });
  const consumerKey = `CKsched${Math.random().toString(36).slice(2)}`;
  await emulator.admin.registerConnectedApp({ consumerKey, certificate: certificatePem, preAuthorizedUsernames: [ADMIN] });
  const databases: OrgDeskDatabase[] = [];
  let count = 0;

  const childLoad = (userData: string, path: string, schedule: LoadSchedule): ChildLoad => {
    const args = ['load', path, '--object', 'Account', '--operation', 'insert', '--exclude-invalid', '--concurrency', String(schedule.concurrency)];
    args.push('--max-job-bytes', String(Math.max(1024, schedule.maxJobRows * BYTES_PER_ROW)), '--key-file', keyFile, '--quiet');
    // The sources, not a bundle that may be older than them (as the CLI's own tests run it); no Secret Service: --key-file.
    const env: NodeJS.ProcessEnv = { ...process.env, ORGDESK_FROM_SOURCE: '1', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/orgdesk-no-bus', ORGDESK_USER_DATA: userData };
    delete env['ORGDESK_PRIVATE_KEY'];
    const child = spawn(process.execPath, [SCHEDULE_ORGDESK_BIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    if (process.env['ORGDESK_SCHEDULE_DEBUG'] === '1') child.stderr.on('data', (d: Buffer) => process.stdout.write(d));
    const ended = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const started = new Promise<string | null>((resolve) => {
      const lines = createInterface({ input: child.stderr });
      lines.on('line', (line) => {
        const id = /Load ([0-9a-f-]{36}) started/.exec(line)?.[1];
        if (id !== undefined) resolve(id);
      });
      void ended.then(() => resolve(null));
    });
    return { started, ended, kill: () => child.kill('SIGKILL') };
  };

  return {
    emulator,
    newEnv() {
      count += 1;
      const userData = join(root, `run-${count}`);
      mkdirSync(userData, { recursive: true });
      const database = openDatabase({ folder: userData });
      databases.push(database);
      const profiles = createOrgProfileStore(database.db);
      const profile = profiles.create({ label: 'Local org', environment: 'mydomain', myDomainUrl: emulator.url, consumerKey, username: ADMIN, apiVersion: null, color: '#0176d3' });
      profiles.setActive(profile.id);
      return {
        emulator,
        folder: userData,
        refusedExternalIds: ['ACC-00001', 'ACC-00002', 'ACC-00003'],
        newService: ({ maxJobRows }) =>
          createLoadService({
            db: database.db,
            connections: createEmulatorConnections({ url: emulator.url, username: ADMIN, busy: SCHEDULE_BUSY, retry: SCHEDULE_RETRY }),
            emit: { progress: () => undefined, preflight: () => undefined },
            clock: createSystemClock(),
            uploadsDir: join(userData, 'uploads'),
            loadsDir: join(userData, 'loads'),
            poll: { initialMs: 5, maxMs: 40 },
            progressIntervalMs: 1000,
            maxJobRows,
            sweepUploads: false,
          }),
        startInChild: options.kills === true ? (path, schedule) => childLoad(userData, path, schedule) : undefined,
      };
    },
    async close() {
      for (const database of databases.splice(0)) database.close();
      await emulator.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
