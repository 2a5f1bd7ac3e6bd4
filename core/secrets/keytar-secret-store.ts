import { createRequire } from 'node:module';
import { ServiceError } from '../errors';
import type { SecretStore } from './secret-store';

/** The keychain service name every OrgDesk secret is filed under. */
export const KEYCHAIN_SERVICE = 'OrgDesk';

/** The slice of keytar this store calls (a port, so a test can hand in a keytar that fails like a headless Linux box). */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** Options: the keychain service name, the platform (for the hint), and keytar itself when not the installed one. */
export type KeytarSecretStoreOptions = { service?: string; platform?: NodeJS.Platform; keytar?: KeytarApi };

/**
 * A SecretStore in the OS keychain through keytar (macOS Keychain, Windows Credential Manager, the Secret Service on Linux).
 *
 * Any failure is a KEYCHAIN error naming what to install or unlock. There is deliberately no fallback to a file.
 */
export function createKeytarSecretStore(options: KeytarSecretStoreOptions = {}): SecretStore {
  const service = options.service ?? KEYCHAIN_SERVICE;
  const platform = options.platform ?? process.platform;
  let keytar: KeytarApi | undefined = options.keytar;

  const call = async <T>(action: string, run: (api: KeytarApi) => Promise<T>): Promise<T> => {
    try {
      keytar ??= loadKeytar();
      return await run(keytar);
    } catch (error) {
      throw keychainError(action, platform, error);
    }
  };

  return {
    set: (account, secret) => call('save the private key in', (api) => api.setPassword(service, account, secret)),
    get: (account) => call('read the private key from', (api) => api.getPassword(service, account)),
    delete: (account) => call('delete the private key from', (api) => api.deletePassword(service, account)),
  };
}

function loadKeytar(): KeytarApi {
  // keytar is a CommonJS native addon; createRequire loads it the same way from ESM tests and the bundled main process.
  return createRequire(import.meta.url)('keytar') as KeytarApi;
}

/** Maps a keytar failure to a KEYCHAIN ServiceError whose hint says what to install or unlock on this platform. */
function keychainError(action: string, platform: NodeJS.Platform, cause: unknown): ServiceError {
  if (cause instanceof ServiceError) return cause;
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ServiceError('KEYCHAIN', `OrgDesk could not ${action} the OS keychain (${detail}).`, keychainHint(platform), { cause });
}

function keychainHint(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'darwin':
      return 'Unlock your login keychain in Keychain Access and allow OrgDesk when macOS asks. OrgDesk never keeps keys in a file.';
    case 'win32':
      return 'Check that Windows Credential Manager is available for your account. OrgDesk never keeps keys in a file.';
    default:
      return 'Install and start a Secret Service such as gnome-keyring (package gnome-keyring, which uses libsecret) or KeePassXC with Secret Service enabled, unlock it, and make sure a D-Bus session is running. OrgDesk never keeps keys in a file.';
  }
}
