import 'reflect-metadata';
import { createPublicKey, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CertificateInfo } from '../../shared/salesforce/org-profile';
import { ServiceError } from '../errors';

/** A new key pair: the private key as PKCS#8 PEM (for the keychain only) and its self-signed certificate (public). */
export type GeneratedKey = { privateKeyPem: string; certificatePem: string };

/** Days a generated certificate is valid: about two years, well inside what connected apps accept. */
const CERTIFICATE_VALIDITY_DAYS = 730;
/** How close to expiry a certificate starts to warn. */
const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 86_400_000;
const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
/** Node's WebCrypto key pair (the electron tsconfig has no DOM lib, so @peculiar/x509's global types are Node's here). */
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** Generates an RSA 2048 key pair and a self-signed X.509 certificate with CN = `commonName`. */
export async function generateKeyAndCertificate(options: { commonName: string; now: Date; validityDays?: number }): Promise<GeneratedKey> {
  const keys = await webcrypto.subtle.generateKey(
    { ...RSA_SHA256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  );
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const certificatePem = await selfSign(keys, options);
  return { privateKeyPem: toPem(Buffer.from(pkcs8), 'PRIVATE KEY'), certificatePem };
}

/** Makes a self-signed certificate for an existing RSA private key (an imported key), so the person can upload it. */
export async function certificateForKey(privateKey: KeyObject, options: { commonName: string; now: Date; validityDays?: number }): Promise<string> {
  const privateDer = privateKey.export({ type: 'pkcs8', format: 'der' });
  const publicDer = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const keys: CryptoKeyPair = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', privateDer, RSA_SHA256, true, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', publicDer, RSA_SHA256, true, ['verify']),
  };
  return selfSign(keys, options);
}

async function selfSign(keys: CryptoKeyPair, options: { commonName: string; now: Date; validityDays?: number }): Promise<string> {
  const days = options.validityDays ?? CERTIFICATE_VALIDITY_DAYS;
  const notBefore = new Date(options.now.getTime() - 5 * 60_000);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1'),
      name: [{ CN: [options.commonName] }, { O: ['OrgDesk'] }],
      notBefore,
      notAfter: new Date(options.now.getTime() + days * DAY_MS),
      signingAlgorithm: RSA_SHA256,
      keys,
      extensions: [new x509.BasicConstraintsExtension(false, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
    },
    // The provider is passed per call instead of x509.cryptoProvider.set, so this module keeps no global state.
    webcrypto,
  );
  return `${certificate.toString('pem').trim()}\n`;
}

/** Reads a certificate's CN, SHA-256 fingerprint and validity, and whether it is about to expire as of `now`. */
export function describeCertificate(certificatePem: string, now: Date): CertificateInfo {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch (error) {
    throw new ServiceError('VALIDATION', 'That file is not a PEM certificate.', 'Pick the .crt file that begins with -----BEGIN CERTIFICATE-----.', { cause: error });
  }
  const notAfter = new Date(certificate.validTo);
  const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  const commonName = /(?:^|\n)CN=([^\n]*)/.exec(certificate.subject)?.[1] ?? certificate.subject;
  return {
    commonName,
    fingerprintSha256: certificate.fingerprint256,
    notBefore: new Date(certificate.validFrom).toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft,
    expiresSoon: daysLeft < EXPIRY_WARNING_DAYS,
    expired: notAfter.getTime() <= now.getTime(),
  };
}

/** Tells whether a certificate carries the public half of a private key. */
export function certificateMatchesKey(certificatePem: string, privateKey: KeyObject): boolean {
  const fromCertificate = new X509Certificate(certificatePem).publicKey.export({ type: 'spki', format: 'der' });
  const fromKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return fromCertificate.equals(fromKey);
}

/** The file name offered when saving a profile's certificate: `orgdesk-<label>.crt`. */
export function certificateFileName(label: string): string {
  const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return `orgdesk-${slug === '' ? 'org' : slug}.crt`;
}

function toPem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
