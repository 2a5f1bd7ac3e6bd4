import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrgProfileInput } from '../../shared/salesforce/org-profile';
import { ServiceError } from '../errors';
import { createMemorySecretStore } from '../secrets/memory-secret-store';
import type { SecretStore } from '../secrets/secret-store';
import { createSystemClock } from '../salesforce/clock';
import { createFetchTransport } from '../salesforce/http-transport';
import { openDatabase, type OrgDeskDatabase } from '../store/database';
import { createOrgsService, type OrgsService, type OrgsServiceOptions } from './orgs-service';
import { matching } from '../test-support/matchers';

const input: OrgProfileInput = {
  label: 'Acme Prod',
  environment: 'production',
  myDomainUrl: null,
  consumerKey: '3MVG9CK',
  username: 'admin@acme.com',
  apiVersion: null,
  color: '#0176d3',
};

let folder: string;
let database: OrgDeskDatabase;
let secrets: ReturnType<typeof createMemorySecretStore>;
let changes: Array<string | null>;
let orgs: OrgsService;

function build(store: SecretStore = secrets, pickers?: OrgsServiceOptions['pickers']): OrgsService {
  return createOrgsService({
    db: database.db,
    secrets: store,
    transport: createFetchTransport(),
    clock: createSystemClock(),
    onChange: ({ activeOrgId }) => changes.push(activeOrgId),
    ...(pickers === undefined ? {} : { pickers }),
  });
}

/** A native-dialog port that answers the queued paths in order (null = the person cancelled) and records what it was asked. */
function fakePickers(answers: (string | null)[]) {
  const asked: unknown[] = [];
  const next = (request: unknown): Promise<string | null> => {
    asked.push(request);
    return Promise.resolve(answers.shift() ?? null);
  };
  const pickers: NonNullable<OrgsServiceOptions['pickers']> = {
    save: { pickSavePath: (request) => next(request) },
    open: { pickOpenPath: (request) => next(request) },
  };
  return { pickers, asked };
}

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'orgdesk-orgs-'));
  database = openDatabase({ folder });
  secrets = createMemorySecretStore();
  changes = [];
  orgs = build();
});

afterEach(() => {
  database.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('org profiles', () => {
  it('creates, lists, edits and deletes a profile, announcing each change', async () => {
    const created = orgs.create(input);
    expect(created).toMatchObject({ ...input, isDemo: false, certificate: null, instanceUrl: null });
    expect(orgs.list().map((p) => p.id)).toEqual([created.id]);
    const edited = orgs.update(created.id, { label: 'Acme EU', environment: 'mydomain', myDomainUrl: 'https://acme.my.salesforce.com' });
    expect(edited).toMatchObject({ label: 'Acme EU', environment: 'mydomain', myDomainUrl: 'https://acme.my.salesforce.com', username: input.username });
    await orgs.delete(created.id);
    expect(orgs.list()).toEqual([]);
    expect(changes).toHaveLength(3);
    expect(() => orgs.get(created.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('drops the My Domain URL when the environment is not mydomain, and refuses mydomain without one', () => {
    const created = orgs.create({ ...input, myDomainUrl: 'https://ignored.my.salesforce.com' });
    expect(created.myDomainUrl).toBeNull();
    expect(() => orgs.update(created.id, { environment: 'mydomain' })).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('remembers the active org across a restart and forgets it when that profile is deleted', async () => {
    const a = orgs.create(input);
    orgs.create({ ...input, label: 'Other' });
    expect(orgs.setActive(a.id)).toEqual({ activeOrgId: a.id });
    expect(build().activeOrgId()).toBe(a.id);
    await orgs.delete(a.id);
    expect(orgs.activeOrgId()).toBeNull();
    expect(changes.at(-1)).toBeNull();
  });

  it('refuses to make an unknown profile active', () => {
    expect(() => orgs.setActive('nope')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('keys and certificates', () => {
  it('generates a key into the secret store only, and shows the certificate facts', async () => {
    const { id } = orgs.create(input);
    const info = await orgs.generateKey(id);
    expect(info.commonName).toBe('Acme Prod');
    expect(orgs.get(id).certificate?.fingerprintSha256).toBe(info.fingerprintSha256);
    const pem = await secrets.get(id);
    expect(pem).toMatch(/BEGIN PRIVATE KEY/);
    const body = (pem ?? '').split('\n')[1] ?? '';
    const dump = JSON.stringify(database.db.prepare('SELECT * FROM org_profiles').all());
    expect(dump).not.toContain(body);
    expect(JSON.stringify(orgs.list())).not.toContain(body);
  });

  it('deletes the keychain entry with the profile', async () => {
    const { id } = orgs.create(input);
    await orgs.generateKey(id);
    await orgs.delete(id);
    expect(await secrets.get(id)).toBeNull();
  });

  it('keeps the profile as it was when the keychain refuses the key', async () => {
    const failing: SecretStore = {
      set: () => Promise.reject(new ServiceError('KEYCHAIN', 'No keychain.', 'Install gnome-keyring.')),
      get: () => Promise.resolve(null),
      delete: () => Promise.resolve(false),
    };
    const service = build(failing);
    const { id } = service.create(input);
    await expect(service.generateKey(id)).rejects.toMatchObject({ code: 'KEYCHAIN' });
    expect(service.get(id).certificate).toBeNull();
  });

  it('imports an encrypted PKCS#1 key from a file and makes a certificate for it', async () => {
    const { id } = orgs.create(input);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const path = join(folder, 'server.key');
    writeFileSync(path, privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }));
    await expect(orgs.importKey(id, path, 'wrong')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(orgs.importKey(id, path)).rejects.toMatchObject({ code: 'VALIDATION', hint: matching(/passphrase/) });
    await orgs.importKey(id, path, 'pw');
    expect(await secrets.get(id)).toBe(privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const certificate = new X509Certificate(orgs.certificate(id).pem);
    expect(certificate.checkPrivateKey(privateKey)).toBe(true);
  });

  it('refuses a key file that is missing or not a key', async () => {
    const { id } = orgs.create(input);
    await expect(orgs.importKey(id, join(folder, 'missing.key'))).rejects.toMatchObject({ code: 'VALIDATION' });
    const path = join(folder, 'notes.txt');
    writeFileSync(path, 'hello');
    await expect(orgs.importKey(id, path)).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('saves the certificate (never the key) to the path the person picked', async () => {
    const { id } = orgs.create(input);
    await expect(orgs.saveCertificate(id, join(folder, 'x.crt'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await orgs.generateKey(id);
    const target = join(folder, orgs.certificate(id).fileName);
    expect(orgs.certificate(id).fileName).toBe('orgdesk-acme-prod.crt');
    await expect(orgs.saveCertificate(id, join(folder, '.bashrc'))).rejects.toMatchObject({ code: 'VALIDATION' });
    await orgs.saveCertificate(id, target);
    const saved = readFileSync(target, 'utf8');
    expect(saved).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(saved).not.toMatch(/PRIVATE KEY/);
  });
});

describe('keys and certificates through native file dialogs (Electron)', () => {
  it('saves the certificate where the save dialog says, suggesting its file name, and adds .crt when the name has none', async () => {
    const { pickers, asked } = fakePickers([join(folder, 'picked.crt'), join(folder, 'no-extension')]);
    const service = build(secrets, pickers);
    const { id } = service.create(input);
    await service.generateKey(id);
    await expect(service.saveCertificate(id)).resolves.toEqual({ path: join(folder, 'picked.crt') });
    expect(asked[0]).toEqual({ suggestedName: 'orgdesk-acme-prod.crt', format: 'certificate' });
    expect(readFileSync(join(folder, 'picked.crt'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    await expect(service.saveCertificate(id)).resolves.toEqual({ path: join(folder, 'no-extension.crt') });
  });

  it('answers CANCELLED and writes nothing when the save dialog is closed', async () => {
    const { pickers } = fakePickers([null]);
    const service = build(secrets, pickers);
    const { id } = service.create(input);
    await service.generateKey(id);
    await expect(service.saveCertificate(id)).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('imports the key file the open dialog picked, and answers CANCELLED when it is closed', async () => {
    const path = join(folder, 'server.key');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const { pickers, asked } = fakePickers([null, path]);
    const service = build(secrets, pickers);
    const { id } = service.create(input);
    await expect(service.importKey(id)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(service.get(id).certificate).toBeNull();
    await service.importKey(id);
    expect(asked).toEqual([{ format: 'private-key' }, { format: 'private-key' }]);
    expect(await secrets.get(id)).toBe(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  });

  it('asks for a typed path with a VALIDATION error when there is no dialog (browser mode)', async () => {
    const { id } = orgs.create(input);
    await orgs.generateKey(id);
    await expect(orgs.saveCertificate(id)).rejects.toMatchObject({ code: 'VALIDATION', hint: matching(/\.crt/) });
    await expect(orgs.importKey(id)).rejects.toMatchObject({ code: 'VALIDATION', message: matching(/path/) });
  });
});
