import { describe, expect, it } from 'vitest';
import { ServiceError } from '../errors';
import { createKeytarSecretStore } from './keytar-secret-store';
import type { KeytarApi } from './keytar-secret-store';

const unavailable: KeytarApi = {
  getPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
  setPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
  deletePassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
};

describe('createKeytarSecretStore error mapping', () => {
  it.each(['linux', 'darwin', 'win32'] as const)('turns a keychain failure on %s into KEYCHAIN with a hint', async (platform) => {
    const store = createKeytarSecretStore({ keytar: unavailable, platform });
    const error = await store.set('id', 'pem').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('KEYCHAIN');
    expect((error as ServiceError).message).toMatch(/D-Bus/);
    expect((error as ServiceError).hint).toMatch(/never keeps keys in a file/);
  });

  it('names gnome-keyring and libsecret on Linux', async () => {
    const store = createKeytarSecretStore({ keytar: unavailable, platform: 'linux' });
    const error = (await store.get('id').catch((e: unknown) => e)) as ServiceError;
    expect(error.hint).toMatch(/gnome-keyring/);
    expect(error.hint).toMatch(/libsecret/);
  });
});
