import { ServiceError } from '../errors';
import type { SecretStore } from '../secrets/secret-store';

/**
 * The app's SecretStore with one exception for the demo org: every key lives in the OS keychain, but the demo profile's key
 * (once `claim`ed) moves to main's memory for the rest of the launch when the keychain refuses it with KEYCHAIN.
 */
export type DemoKeyStore = SecretStore & {
  /** Names the demo profile's keychain account: only its key may fall back to memory. */
  claim(account: string): void;
  /** Whether this account's key is held in main's memory this launch (the keychain refused it). */
  inMemory(account: string): boolean;
};

/**
 * Wraps the keychain so the demo org works where no Secret Service exists (a container, a fresh server, CI).
 *
 * Why this is safe: the demo key only opens the local sample org on 127.0.0.1, and it is never written anywhere. A key kept
 * in memory is gone when main exits, so the next launch makes a new key and registers its certificate with the local org
 * again. Every other account goes to the keychain unchanged, so a real org profile still fails with KEYCHAIN (never a file).
 */
export function createDemoKeyStore(keychain: SecretStore): DemoKeyStore {
  let demoAccount: string | null = null;
  const memory = new Map<string, string>();
  let refused = false;

  /** Runs a keychain call; for the claimed demo account a KEYCHAIN failure switches it to memory for this launch. */
  const demoOrKeychain = async <T>(account: string, fromKeychain: () => Promise<T>, fromMemory: () => T): Promise<T> => {
    if (account !== demoAccount) return fromKeychain();
    if (refused) return fromMemory();
    try {
      return await fromKeychain();
    } catch (error) {
      if (!(error instanceof ServiceError) || error.code !== 'KEYCHAIN') throw error;
      refused = true;
      return fromMemory();
    }
  };

  return {
    claim(account) {
      if (account === demoAccount) return;
      demoAccount = account;
      refused = false;
      memory.clear();
    },
    inMemory: (account) => account === demoAccount && refused,
    set: (account, secret) =>
      demoOrKeychain(
        account,
        () => keychain.set(account, secret),
        () => {
          memory.set(account, secret);
        },
      ),
    get: (account) => demoOrKeychain(account, () => keychain.get(account), () => memory.get(account) ?? null),
    delete: (account) => demoOrKeychain(account, () => keychain.delete(account), () => memory.delete(account)),
  };
}
