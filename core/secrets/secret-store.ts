/**
 * Where private keys live: the OS keychain in the app, a Map in unit tests. Never a file (architecture.md, "Data that must
 * never be lost or leaked").
 */
export interface SecretStore {
  /** Stores a secret for an account (an org profile id), replacing any previous one. */
  set(account: string, secret: string): Promise<void>;
  /** The secret for an account, or null when there is none. */
  get(account: string): Promise<string | null>;
  /** Removes an account's secret; true when there was one. */
  delete(account: string): Promise<boolean>;
}
