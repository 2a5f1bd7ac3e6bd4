export { createKeytarSecretStore, KEYCHAIN_SERVICE, keychainError } from './keytar-secret-store';
export type { KeytarApi, KeytarSecretStoreOptions } from './keytar-secret-store';
export { createMemorySecretStore } from './memory-secret-store';
export type { SecretStore } from './secret-store';
