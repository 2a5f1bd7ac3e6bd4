export { createKeytarSecretStore } from './keytar-secret-store';
export { createMemorySecretStore } from './memory-secret-store';
export type { SecretStore } from './secret-store';
