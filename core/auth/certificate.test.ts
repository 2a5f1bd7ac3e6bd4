import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { importX509, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { certificateFileName, certificateForKey, certificateMatchesKey, describeCertificate, generateKeyAndCertificate } from './certificate';
import { signAssertion } from './jwt-assertion';

const now = new Date('2026-11-28T12:00:00Z');

describe('generateKeyAndCertificate', () => {
  it('makes an RSA 2048 key and a self-signed certificate with the label as CN, valid about two years', async () => {
    const { privateKeyPem, certificatePem } = await generateKeyAndCertificate({ commonName: 'Acme Prod', now });
    expect(privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const key = createPrivateKey(privateKeyPem);
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const info = describeCertificate(certificatePem, now);
    expect(info.commonName).toBe('Acme Prod');
    expect(info.daysLeft).toBeGreaterThanOrEqual(729);
    expect(info.expiresSoon).toBe(false);
    expect(info.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(certificateMatchesKey(certificatePem, key)).toBe(true);
  });

  it('signs assertions that verify against the certificate with jose, as the token endpoint does', async () => {
    const { privateKeyPem, certificatePem } = await generateKeyAndCertificate({ commonName: 'Verify', now: new Date() });
    const jwt = await signAssertion(createPrivateKey(privateKeyPem), { consumerKey: 'CK', username: 'u@x.com', audience: 'https://login.salesforce.com' }, Date.now());
    const { payload, protectedHeader } = await jwtVerify(jwt, await importX509(certificatePem, 'RS256'), { audience: 'https://login.salesforce.com' });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ iss: 'CK', sub: 'u@x.com', aud: 'https://login.salesforce.com' });
    expect((payload.exp ?? 0) - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(180);
    expect((payload.exp ?? 0) - Math.floor(Date.now() / 1000)).toBeGreaterThan(170);
  });
});

describe('describeCertificate', () => {
  it('warns within 30 days of expiry and marks an expired certificate', async () => {
    const { certificatePem } = await generateKeyAndCertificate({ commonName: 'Short', now, validityDays: 40 });
    expect(describeCertificate(certificatePem, now).expiresSoon).toBe(false);
    const soon = describeCertificate(certificatePem, new Date(now.getTime() + 15 * 86_400_000));
    expect(soon).toMatchObject({ expiresSoon: true, expired: false });
    expect(describeCertificate(certificatePem, new Date(now.getTime() + 41 * 86_400_000))).toMatchObject({ expiresSoon: true, expired: true });
  });

  it('rejects something that is not a certificate with VALIDATION', () => {
    expect(() => describeCertificate('not a cert', now)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});

describe('certificateForKey', () => {
  it('makes a certificate for an imported key that matches it and no other', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const pem = await certificateForKey(privateKey, { commonName: 'Imported', now });
    expect(certificateMatchesKey(pem, privateKey)).toBe(true);
    expect(certificateMatchesKey(pem, other)).toBe(false);
  });
});

describe('certificateFileName', () => {
  it('names the file after the label', () => {
    expect(certificateFileName('Acme Prod (EU)')).toBe('orgdesk-acme-prod-eu.crt');
    expect(certificateFileName('***')).toBe('orgdesk-org.crt');
  });
});
