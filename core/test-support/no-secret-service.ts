import { createKeytarSecretStore, type KeytarApi } from '../secrets/keytar-secret-store';
import type { SecretStore } from '../secrets/secret-store';

/** What keytar's libsecret binding rejects with on a Linux box with no D-Bus session (a container, a fresh server, CI). */
const NO_DBUS = 'Cannot autolaunch D-Bus without X11 $DISPLAY';

/**
 * The app's keychain store over a keytar that rejects every call as it does where no Secret Service exists, so the store
 * maps each failure to KEYCHAIN exactly as on such a machine. `onSet` sees every secret offered (to prove none is kept).
 */
export function keychainWithoutSecretService(onSet: (secret: string) => void = () => undefined): SecretStore {
  const keytar: KeytarApi = {
    getPassword: () => Promise.reject(new Error(NO_DBUS)),
    setPassword: (_service, _account, secret) => {
      onSet(secret);
      return Promise.reject(new Error(NO_DBUS));
    },
    deletePassword: () => Promise.reject(new Error(NO_DBUS)),
  };
  return createKeytarSecretStore({ keytar, platform: 'linux' });
}
