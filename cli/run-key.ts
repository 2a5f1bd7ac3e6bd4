import { homedir } from 'node:os';
import { readKeyFile } from '../core/auth/key-file';
import { readPrivateKeyPem } from '../core/auth/private-key';
import { resolveUserPath } from '../core/orgs/user-path';
import type { SecretStore } from '../core/secrets/secret-store';

/** The environment variable holding a PEM private key for one run (CI without a keychain). */
export const PRIVATE_KEY_ENV = 'ORGDESK_PRIVATE_KEY';
/** The environment variable holding the passphrase of an encrypted key given by file or environment. */
export const KEY_PASSPHRASE_ENV = 'ORGDESK_PRIVATE_KEY_PASSPHRASE';

/** A private key supplied for this run only, and where it came from (for messages; never the key itself). */
export type RunKey = { pkcs8Pem: string; source: string };


/**
 * Reads the key `--key-file PATH` or `$ORGDESK_PRIVATE_KEY` supplies (the file wins), checked like an imported key
 * (RSA, 2048 bits or more; decrypted with `$ORGDESK_PRIVATE_KEY_PASSPHRASE` when encrypted). Null when neither is given.
 * The key stays in this process's memory: OrgDesk never writes it anywhere.
 */
export async function readRunKey(keyFile: string | undefined, env: NodeJS.ProcessEnv, cwd: string): Promise<RunKey | null> {
  const passphrase = env[KEY_PASSPHRASE_ENV] === undefined || env[KEY_PASSPHRASE_ENV] === '' ? undefined : env[KEY_PASSPHRASE_ENV];
  if (keyFile !== undefined) {
    const path = resolveUserPath(keyFile, homedir(), cwd);
    const pem = await readKeyFile(path);
    return { pkcs8Pem: readPrivateKeyPem(pem, passphrase).pkcs8Pem, source: `--key-file ${path}` };
  }
  const fromEnv = env[PRIVATE_KEY_ENV];
  if (fromEnv === undefined || fromEnv.trim() === '') return null;
  // CI settings often flatten a multi-line secret into one line with literal \n escapes.
  const pem = fromEnv.includes('\n') ? fromEnv : fromEnv.replace(/\\n/g, '\n');
  return { pkcs8Pem: readPrivateKeyPem(pem, passphrase).pkcs8Pem, source: `$${PRIVATE_KEY_ENV}` };
}

/**
 * The SecretStore of one run: with a run key, every login signs with it and the keychain is never asked for it; writes and
 * deletes (a generated or imported key, a removed profile) still go to the keychain.
 */
export function createRunSecretStore(keychain: SecretStore, runKey: RunKey | null): SecretStore {
  if (runKey === null) return keychain;
  return {
    get: async () => runKey.pkcs8Pem,
    set: (account, secret) => keychain.set(account, secret),
    delete: (account) => keychain.delete(account),
  };
}

