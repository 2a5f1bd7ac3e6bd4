/** Helpers for tests that drive a real emulator over HTTP (started on 127.0.0.1:0). */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { SignJWT } from 'jose';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from './index';

/** The seeded admin every test logs in as. */
export const ADMIN_USERNAME = 'admin@orgdesk.example';

/** A running emulator with an admin session. */
export type TestOrg = {
  emulator: RunningEmulator;
  url: string;
  /** The admin's access token (replace it after expiring sessions). */
  token: string;
  /** `fetch` under the emulator URL with the admin's bearer token (unless the init sets Authorization). */
  call(path: string, init?: RequestInit & { json?: unknown }): Promise<{ status: number; headers: Headers; text: string; body: unknown }>;
};

/** Starts an emulator (small seed unless told otherwise) and opens an admin session. */
export async function startTestOrg(options: EmulatorOptions = {}): Promise<TestOrg> {
  const emulator = await startEmulator({ seedSize: { accounts: 50, contacts: 300, opportunities: 50, cases: 40, leads: 40, invoices: 60 }, ...options });
  const token = emulator.admin.createSession(ADMIN_USERNAME).access_token;
  const testOrg: TestOrg = {
    emulator,
    url: emulator.url,
    token,
    async call(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('Authorization')) headers.set('Authorization', `Bearer ${testOrg.token}`);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set('Content-Type', 'application/json');
        body = JSON.stringify(init.json);
      }
      const { json: _json, ...rest } = init;
      const response = await fetch(`${emulator.url}${path}`, { ...rest, headers, body: body ?? null });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = text;
      }
      return { status: response.status, headers: response.headers, text, body: parsed };
    },
  };
  return testOrg;
}

/** A fresh RSA key pair with a self-signed X.509 certificate (PEM), as OrgDesk makes for a connected app. */
export async function makeKeyAndCertificate(): Promise<{ privateKey: CryptoKeyLike; certificatePem: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as unknown as { privateKey: CryptoKeyLike; publicKey: CryptoKeyLike };
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=OrgDesk test',
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 365 * 86_400_000),
    keys: keys,
    signingAlgorithm: algorithm,
  });
  return { privateKey: keys.privateKey, certificatePem: cert.toString('pem') };
}

/** Web Crypto key type, without depending on DOM lib typings. */
export type CryptoKeyLike = Parameters<SignJWT['sign']>[0];

/** Signs a JWT bearer assertion with the given claims (exp defaults to now + 3 minutes). */
export async function signAssertion(privateKey: CryptoKeyLike, claims: { iss: string; sub: string; aud: string; exp?: number | string }): Promise<string> {
  const payload: Record<string, unknown> = { iss: claims.iss, sub: claims.sub, aud: claims.aud, exp: claims.exp ?? Math.floor(Date.now() / 1000) + 180 };
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
}
