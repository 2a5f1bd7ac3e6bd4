import { readFile, stat } from 'node:fs/promises';
import { ServiceError } from '../errors';

/** A private key file is small: anything bigger is not one (and is not read into memory). */
const MAX_KEY_FILE_BYTES = 64 * 1024;

/** Reads a PEM key file the person named, refusing what cannot be a key file with a VALIDATION error saying what to pick. */
export async function readKeyFile(path: string): Promise<string> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_KEY_FILE_BYTES) {
      throw new ServiceError('VALIDATION', `${path} is not a private key file.`, 'Pick the .key or .pem file holding the private key.');
    }
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    throw new ServiceError('VALIDATION', `The key file ${path} could not be read.`, 'Check that the file exists and you can read it.', { cause: error });
  }
}
