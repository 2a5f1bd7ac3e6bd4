import { createPrivateKey, type KeyObject } from 'node:crypto';
import { ServiceError } from '../errors';

/**
 * Reads a PEM private key the person imports: PKCS#1 (`BEGIN RSA PRIVATE KEY`), PKCS#8 (`BEGIN PRIVATE KEY`) or encrypted
 * (`BEGIN ENCRYPTED PRIVATE KEY`, or PKCS#1 with `Proc-Type: 4,ENCRYPTED`) with its passphrase. Returns the key object and its
 * unencrypted PKCS#8 PEM, which only ever goes to the keychain.
 */
export function readPrivateKeyPem(pem: string, passphrase?: string): { key: KeyObject; pkcs8Pem: string } {
  if (!pem.includes('PRIVATE KEY-----')) {
    throw new ServiceError(
      'VALIDATION',
      'That file does not contain a PEM private key.',
      'Pick the key file that begins with -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY----- (the .key file, not the .crt).',
    );
  }
  const encrypted = pem.includes('ENCRYPTED');
  let key: KeyObject;
  try {
    key = createPrivateKey(passphrase === undefined ? { key: pem, format: 'pem' } : { key: pem, format: 'pem', passphrase });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MISSING_PASSPHRASE' || (encrypted && passphrase === undefined)) {
      throw new ServiceError('VALIDATION', 'This private key is encrypted.', 'Enter the passphrase it was saved with.', { cause: error });
    }
    if (encrypted) {
      throw new ServiceError('VALIDATION', 'The passphrase does not unlock this private key.', 'Check the passphrase (it is case-sensitive) and try again.', { cause: error });
    }
    throw new ServiceError('VALIDATION', 'The private key could not be read.', 'Check that the file is a complete, unmodified PEM key.', { cause: error });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new ServiceError(
      'VALIDATION',
      `This is a ${key.asymmetricKeyType ?? 'non-RSA'} key; Salesforce's JWT bearer flow signs with RSA (RS256).`,
      'Import an RSA private key, or generate a new key pair in OrgDesk.',
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) {
    throw new ServiceError('VALIDATION', `This RSA key has ${bits} bits; OrgDesk needs at least 2048.`, 'Generate a new key pair in OrgDesk and upload its certificate to the connected app.');
  }
  return { key, pkcs8Pem: key.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
