/**
 * Test support: a local org on 127.0.0.1:0 with a small seed, a user-data folder of the test's own, and a connected app
 * whose certificate matches a key written to a file (for `--key-file`), the admin's Setup steps done over the emulator's API.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator, type StreamingOptions } from '../../emulator/index';
import { generateKeyAndCertificate } from '../../core/auth/certificate';
import { createOrgProfileStore } from '../../core/orgs/org-profile-store';
import { openDatabase } from '../../core/store/database';

/** The seeded admin user of the local org. */
export const LOCAL_ADMIN = 'admin@orgdesk.example';

/** A started local org and everything a CLI run against it needs. */
export type CliOrg = {
  emulator: RunningEmulator;
  /** The test's scratch folder (the user-data folder is inside it). */
  folder: string;
  userDataDir: string;
  /** A PEM key file whose certificate the org's connected app trusts. */
  keyFile: string;
  keyPem: string;
  consumerKey: string;
  stop(): Promise<void>;
};

/**
 * Starts the org, writes the key file and registers its certificate on a connected app pre-authorizing the admin.
 * `streaming` tunes the org's Streaming API (the events tests hold `/meta/connect` briefly so a run stops quickly).
 */
export async function startCliOrg(options: { streaming?: StreamingOptions } = {}): Promise<CliOrg> {
  const emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    seedSize: { accounts: 25, contacts: 300, opportunities: 10, cases: 10, leads: 10, invoices: 10 },
    ...(options.streaming === undefined ? {} : { streaming: options.streaming }),
  });
  const folder = mkdtempSync(join(tmpdir(), 'orgdesk-cli-'));
  const userDataDir = join(folder, 'user-data');
  const { privateKeyPem, certificatePem } = await generateKeyAndCertificate({ commonName: 'CLI test', now: new Date() });
  const keyFile = join(folder, 'server.key');
  writeFileSync(keyFile, privateKeyPem, { mode: 0o600 });
  const consumerKey = `CKcli${Math.random().toString(36).slice(2)}`;
  await emulator.admin.registerConnectedApp({ consumerKey, certificate: certificatePem, preAuthorizedUsernames: [LOCAL_ADMIN] });
  return {
    emulator,
    folder,
    userDataDir,
    keyFile,
    keyPem: privateKeyPem,
    consumerKey,
    async stop() {
      await emulator.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Writes a profile for the org straight into the user-data folder's orgdesk.db (as `orgs add --key-file` would), active. */
export function addProfile(org: CliOrg, label: string, options: { active?: boolean } = {}): string {
  const database = openDatabase({ folder: org.userDataDir });
  try {
    const profiles = createOrgProfileStore(database.db);
    const { id } = profiles.create({
      label,
      environment: 'mydomain',
      myDomainUrl: org.emulator.url,
      consumerKey: org.consumerKey,
      username: LOCAL_ADMIN,
      apiVersion: null,
      pubsubEndpoint: org.emulator.pubsubUrl,
      color: '#0176d3',
    });
    if (options.active !== false) profiles.setActive(id);
    return id;
  } finally {
    database.close();
  }
}
