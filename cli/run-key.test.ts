import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyAndCertificate } from '../core/auth/certificate';
import { createMemorySecretStore } from '../core/secrets/memory-secret-store';
import { createRunSecretStore, readRunKey } from './run-key';

let folder: string;
let pem: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'orgdesk-run-key-'));
  pem = (await generateKeyAndCertificate({ commonName: 'Run key', now: new Date() })).privateKeyPem;
  writeFileSync(join(folder, 'server.key'), pem);
  writeFileSync(join(folder, 'server.crt'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the key of one run', () => {
  it('reads --key-file relative to the working folder, and prefers it over ORGDESK_PRIVATE_KEY', async () => {
    const key = await readRunKey('server.key', { ORGDESK_PRIVATE_KEY: 'not a key' }, folder);
    expect(key?.pkcs8Pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(key?.source).toBe(`--key-file ${join(folder, 'server.key')}`);
  });

  it('takes ORGDESK_PRIVATE_KEY with its newlines flattened to \\n, as CI settings often store it', async () => {
    const key = await readRunKey(undefined, { ORGDESK_PRIVATE_KEY: pem.replace(/\n/g, '\\n') }, folder);
    expect(key?.source).toBe('$ORGDESK_PRIVATE_KEY');
    expect(await readRunKey(undefined, {}, folder)).toBeNull();
  });

  it("refuses a missing file and a certificate with the app's import messages", async () => {
    await expect(readRunKey('nope.key', {}, folder)).rejects.toMatchObject({ code: 'VALIDATION', message: `The key file ${join(folder, 'nope.key')} could not be read.` });
    await expect(readRunKey('server.crt', {}, folder)).rejects.toMatchObject({ code: 'VALIDATION', message: 'That file does not contain a PEM private key.' });
  });

  it('signs every login with the run key and never asks the keychain for it, while writes still go to the keychain', async () => {
    const keychain = createMemorySecretStore();
    await keychain.set('profile-1', 'the keychain key');
    const store = createRunSecretStore(keychain, { pkcs8Pem: 'the run key', source: '--key-file x' });
    expect(await store.get('profile-1')).toBe('the run key');
    await store.set('profile-2', 'generated');
    expect(await keychain.get('profile-2')).toBe('generated');
    expect(createRunSecretStore(keychain, null)).toBe(keychain);
  });
});
