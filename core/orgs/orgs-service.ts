import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import type { CertificateView, OrgProfileChanges } from '../../shared/ipc/domains/orgs';
import type { CertificateInfo, ConnectionTestResult, OrgProfile, OrgProfileInput } from '../../shared/salesforce/org-profile';
import { certificateFileName, certificateForKey, describeCertificate, generateKeyAndCertificate } from '../auth/certificate';
import { createJwtSession, type JwtSession } from '../auth/jwt-session';
import { loginUrlFor } from '../auth/login-url';
import { readKeyFile } from '../auth/key-file';
import { readPrivateKeyPem } from '../auth/private-key';
import { ServiceError } from '../errors';
import type { SecretStore } from '../secrets/secret-store';
import type { Clock } from '../salesforce/clock';
import type { HttpTransport } from '../salesforce/http-transport';
import { createRestApi, newestApiVersion, type RestApi } from '../salesforce/rest';
import { createSalesforceClient, type SalesforceClient } from '../salesforce/salesforce-client';
import type { SqliteDatabase } from '../store/database';
import { createOrgProfileStore, type OrgProfileStore, type StoredOrgProfile } from './org-profile-store';
import type { OpenFilePicker, SaveFilePicker } from '../files';
import { resolveUserPath } from './user-path';

/** A live connection to one org, for every feature that talks to it (query, load, events). */
type OrgConnection = {
  profile: OrgProfile;
  session: JwtSession;
  client: SalesforceClient;
  /** REST helpers bound to the profile's API version (or the newest the org offers). */
  rest: RestApi;
};

/** The org profiles service: profiles, the active org, keys and certificates, connections and the connection test. */
export type OrgsService = {
  list(): OrgProfile[];
  get(id: string): OrgProfile;
  /** Creates a profile; only the demo org passes `isDemo`. */
  create(input: OrgProfileInput, options?: { isDemo?: boolean }): OrgProfile;
  update(id: string, changes: OrgProfileChanges): OrgProfile;
  /** Deletes the profile and its keychain entry (the keychain first: a key is never orphaned silently). */
  delete(id: string): Promise<{ id: string }>;
  activeOrgId(): string | null;
  setActive(id: string | null): { activeOrgId: string | null };
  /** Generates a new RSA key into the keychain and a certificate to upload; replaces any previous key. */
  generateKey(id: string): Promise<CertificateInfo>;
  /**
   * Imports a PEM private key (PKCS#1/PKCS#8, optionally encrypted) into the keychain from the file at `path`, or, without
   * one, from the file the open picker asks for (CANCELLED when the person closes it).
   */
  importKey(id: string, path?: string, passphrase?: string): Promise<CertificateInfo>;
  certificate(id: string): CertificateView;
  /** Writes the profile's certificate (public) to `path`, or, without one, where the save picker says (CANCELLED when closed). */
  saveCertificate(id: string, path?: string): Promise<{ path: string }>;
  /** Logs in afresh and reads the org id, user, instance, API version and daily API usage. */
  testConnection(id: string, signal?: AbortSignal): Promise<ConnectionTestResult>;
  /** The cached connection to an org (logging in on first use). */
  connection(id: string, signal?: AbortSignal): Promise<OrgConnection>;
  /** The profile store (the demo org creates its profile through it). */
  readonly profiles: OrgProfileStore;
  /** Drops every in-memory session (tokens are never persisted). */
  dispose(): void;
};

/** Ports of the orgs service; `onChange` is told the active org whenever profiles or the active org change. */
export type OrgsServiceOptions = {
  db: SqliteDatabase;
  secrets: SecretStore;
  transport: HttpTransport;
  clock: Clock;
  onChange?: (payload: { activeOrgId: string | null }) => void;
  /**
   * Native file dialogs (Electron): asked when a key import or a certificate save comes without a path. Browser mode has
   * none, so there the path is required.
   */
  pickers?: { save?: SaveFilePicker | undefined; open?: OpenFilePicker | undefined };
};


/** Builds the orgs service over the database, the keychain and the HTTP transport. */
export function createOrgsService(options: OrgsServiceOptions): OrgsService {
  const { secrets, transport, clock } = options;
  const profiles = createOrgProfileStore(options.db, () => new Date(clock.now()));
  const connections = new Map<string, { session: JwtSession; client: SalesforceClient; version: Promise<string> | null }>();

  const pickKeyFile = async (): Promise<string> => {
    const picker = options.pickers?.open;
    if (picker === undefined) throw new ServiceError('VALIDATION', 'Enter the path of the private key file.', 'Type where the PEM key is, such as ~/keys/server.key.');
    const path = await picker.pickOpenPath({ format: 'private-key' });
    if (path === null) throw new ServiceError('CANCELLED', 'No key file was chosen.');
    return path;
  };
  const pickCertificatePath = async (fileName: string): Promise<string> => {
    const picker = options.pickers?.save;
    if (picker === undefined) throw new ServiceError('VALIDATION', 'Enter where to save the certificate.', `Type a path ending in .crt, such as ~/${fileName}.`);
    const path = await picker.pickSavePath({ suggestedName: fileName, format: 'certificate' });
    if (path === null) throw new ServiceError('CANCELLED', 'The certificate was not saved.');
    // Some desktops return the typed name without the filter's extension: a certificate file always gets one.
    return /\.(crt|cer|pem)$/i.test(path) ? path : `${path}.crt`;
  };

  const changed = (): void => options.onChange?.({ activeOrgId: profiles.activeId() });
  const forget = (id: string): void => {
    connections.get(id)?.session.signOut();
    connections.delete(id);
  };

  const view = (stored: StoredOrgProfile): OrgProfile => ({
    id: stored.id,
    label: stored.label,
    environment: stored.environment,
    myDomainUrl: stored.myDomainUrl,
    consumerKey: stored.consumerKey,
    username: stored.username,
    apiVersion: stored.apiVersion,
    pubsubEndpoint: stored.pubsubEndpoint ?? null,
    color: stored.color,
    isDemo: stored.isDemo,
    certificate: stored.certificatePem === null ? null : describeCertificate(stored.certificatePem, new Date(clock.now())),
    instanceUrl: connections.get(stored.id)?.session.current()?.instanceUrl ?? null,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  });

  const entry = (id: string): { session: JwtSession; client: SalesforceClient; version: Promise<string> | null } => {
    const existing = connections.get(id);
    if (existing !== undefined) return existing;
    const profile = profiles.get(id);
    const session = createJwtSession({
      credentials: {
        keyAccount: profile.id,
        loginUrl: loginUrlFor(profile.environment, profile.myDomainUrl),
        consumerKey: profile.consumerKey,
        username: profile.username,
        certificateFileName: certificateFileName(profile.label),
      },
      secrets,
      transport,
      clock,
    });
    const created = { session, client: createSalesforceClient({ session, transport, clock, clientName: 'OrgDesk' }), version: null };
    connections.set(id, created);
    return created;
  };

  const resolveVersion = (id: string, signal?: AbortSignal): Promise<string> => {
    const current = entry(id);
    const pinned = profiles.get(id).apiVersion;
    if (pinned !== null) return Promise.resolve(pinned);
    current.version ??= newestApiVersion(current.client, signal).catch((error: unknown) => {
      current.version = null;
      throw error;
    });
    return current.version;
  };

  const storeKey = async (id: string, pkcs8Pem: string, certificatePem: string): Promise<CertificateInfo> => {
    // The key goes to the keychain before the certificate is recorded: a failing keychain leaves the profile as it was.
    await secrets.set(id, pkcs8Pem);
    forget(id);
    const stored = profiles.setCertificate(id, certificatePem);
    changed();
    return describeCertificate(stored.certificatePem ?? certificatePem, new Date(clock.now()));
  };

  function certificateView(id: string): CertificateView {
    const profile = profiles.get(id);
    if (profile.certificatePem === null) {
      throw new ServiceError('NOT_FOUND', `${profile.label} has no certificate yet.`, 'Generate a key or import one first.');
    }
    return { pem: profile.certificatePem, info: describeCertificate(profile.certificatePem, new Date(clock.now())), fileName: certificateFileName(profile.label) };
  }

  return {
    profiles,
    list: () => profiles.list().map(view),
    get: (id) => view(profiles.get(id)),
    create(input, createOptions = {}) {
      const created = profiles.create(input, createOptions);
      changed();
      return view(created);
    },
    update(id, changes) {
      const updated = profiles.update(id, changes);
      forget(id);
      changed();
      return view(updated);
    },
    async delete(id) {
      const profile = profiles.get(id);
      if (profile.certificatePem !== null) await secrets.delete(id);
      forget(id);
      profiles.delete(id);
      changed();
      return { id };
    },
    activeOrgId: () => profiles.activeId(),
    setActive(id) {
      profiles.setActive(id);
      changed();
      return { activeOrgId: profiles.activeId() };
    },
    async generateKey(id) {
      const profile = profiles.get(id);
      const { privateKeyPem, certificatePem } = await generateKeyAndCertificate({ commonName: profile.label, now: new Date(clock.now()) });
      return storeKey(id, privateKeyPem, certificatePem);
    },
    async importKey(id, path, passphrase) {
      const profile = profiles.get(id);
      const pem = path === undefined ? await readKeyFile(await pickKeyFile()) : await readTypedKeyFile(resolveUserPath(path, homedir(), process.cwd()));
      const { key, pkcs8Pem } = readPrivateKeyPem(pem, passphrase);
      const certificatePem = await certificateForKey(key, { commonName: profile.label, now: new Date(clock.now()) });
      return storeKey(id, pkcs8Pem, certificatePem);
    },
    certificate: certificateView,
    async saveCertificate(id, given) {
      const { pem, fileName } = certificateView(id);
      const path = given ?? (await pickCertificatePath(fileName));
      // The path comes from the renderer: only ever write certificate files, so a bad path cannot clobber other files.
      if (!/\.(crt|cer|pem)$/i.test(path)) {
        throw new ServiceError('VALIDATION', 'A certificate is saved as a .crt, .cer or .pem file.', `Pick a file name ending in .crt, such as ${certificateFileName(profiles.get(id).label)}.`);
      }
      const target = resolveUserPath(path, homedir(), process.cwd());
      try {
        // The save dialog already asked before replacing a file; a typed path never replaces one (nobody confirmed it).
        await writeFile(target, pem, { mode: 0o644, flag: given === undefined ? 'w' : 'wx' });
      } catch (error) {
        if ((error as { code?: unknown }).code === 'EEXIST') {
          throw new ServiceError('VALIDATION', `${target} already exists, so the certificate was not saved.`, 'Type another file name, or move the old file away first.', { cause: error });
        }
        throw new ServiceError('VALIDATION', `The certificate could not be saved to ${target}.`, 'Pick a folder you can write to.', { cause: error });
      }
      return { path: target };
    },
    async testConnection(id, signal) {
      const profile = profiles.get(id);
      forget(id);
      const current = entry(id);
      const access = await current.session.access();
      const apiVersion = await resolveVersion(id, signal);
      const limits = await createRestApi(current.client, apiVersion).limits(signal);
      const daily = limits['DailyApiRequests'];
      const apiUsage = daily === undefined ? (current.client.apiUsage() ?? { used: 0, max: 0 }) : { used: daily.Max - daily.Remaining, max: daily.Max };
      changed();
      return { orgId: access.orgId, userId: access.userId, username: profile.username, instanceUrl: access.instanceUrl, apiVersion, apiUsage };
    },
    async connection(id, signal) {
      const current = entry(id);
      await current.session.access();
      const version = await resolveVersion(id, signal);
      return { profile: view(profiles.get(id)), session: current.session, client: current.client, rest: createRestApi(current.client, version) };
    },
    dispose() {
      for (const id of [...connections.keys()]) forget(id);
    },
  };
}

/**
 * Reads a PEM key from a typed path (browser mode), answering the same whether the path is missing, a folder, unreadable,
 * too big or holds no PEM key: whoever typed it learns nothing about which files exist (issue 10, "a key import does not
 * reveal whether an arbitrary path exists").
 */
async function readTypedKeyFile(path: string): Promise<string> {
  const pem = await readKeyFile(path).catch(() => null);
  if (pem === null || !pem.includes('PRIVATE KEY-----')) {
    throw new ServiceError(
      'VALIDATION',
      `No private key could be read from ${path}.`,
      'Check the path: it must name a PEM key file you can read (it begins with -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----).',
    );
  }
  return pem;
}

