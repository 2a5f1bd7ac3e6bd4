import type { SecretStore } from './secret-store';

/** A SecretStore kept in a Map, for unit tests only (the app always uses the keychain). */
export function createMemorySecretStore(): SecretStore & { readonly size: number } {
  const secrets = new Map<string, string>();
  return {
    set: async (account, secret) => {
      secrets.set(account, secret);
    },
    get: async (account) => secrets.get(account) ?? null,
    delete: async (account) => secrets.delete(account),
    get size() {
      return secrets.size;
    },
  };
}
