import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createKeytarSecretStore } from './keytar-secret-store';

const run = promisify(execFile);

describe('the keytar SecretStore against a real Secret Service', () => {
  it('sets, reads back, replaces and deletes a secret', async () => {
    const store = createKeytarSecretStore({ service: 'OrgDeskTest' });
    const account = randomUUID();
    expect(await store.get(account)).toBeNull();
    await store.set(account, 'first');
    expect(await store.get(account)).toBe('first');
    await store.set(account, 'second');
    expect(await store.get(account)).toBe('second');
    expect(await store.delete(account)).toBe(true);
    expect(await store.get(account)).toBeNull();
    expect(await store.delete(account)).toBe(false);
  });

  it('keeps secrets of different accounts apart', async () => {
    const store = createKeytarSecretStore({ service: 'OrgDeskTest' });
    const [a, b] = [randomUUID(), randomUUID()];
    await store.set(a, 'key-a');
    await store.set(b, 'key-b');
    expect(await store.get(a)).toBe('key-a');
    expect(await store.get(b)).toBe('key-b');
    await store.delete(a);
    await store.delete(b);
  });
});

describe('the keytar SecretStore with no Secret Service', () => {
  it('fails to save a key with KEYCHAIN and names what to install, instead of falling back to a file', async () => {
    const probe = fileURLToPath(new URL('../test-support/keychain-probe.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', probe], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/orgdesk-no-bus', DISPLAY: '' },
      timeout: 30_000,
    });
    const outcome = JSON.parse(stdout) as { ok: boolean; error?: { code: string; message: string; hint?: string } };
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe('KEYCHAIN');
    expect(outcome.error?.hint).toMatch(/gnome-keyring/);
    expect(outcome.error?.hint).toMatch(/libsecret/);
  });
});
