import { ServiceError } from '../errors';
import { createKeytarSecretStore } from '../secrets/keytar-secret-store';

/** Child-process probe: saves one secret through keytar and prints the outcome as JSON (used where DBus must be absent). */
async function main(): Promise<void> {
  try {
    await createKeytarSecretStore({ service: 'OrgDeskProbe' }).set('probe-account', 'probe-secret');
    process.stdout.write(JSON.stringify({ ok: true }));
  } catch (error) {
    const e = error instanceof ServiceError ? { code: error.code, message: error.message, hint: error.hint } : { code: 'UNEXPECTED', message: String(error) };
    process.stdout.write(JSON.stringify({ ok: false, error: e }));
  }
}

void main();
