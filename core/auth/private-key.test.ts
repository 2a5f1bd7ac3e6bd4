import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readPrivateKeyPem } from './private-key';
import { matching } from '../test-support/matchers';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const encryptedPkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'correct horse' }).toString();
const encryptedPkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'correct horse' }).toString();

describe('readPrivateKeyPem', () => {
  it.each([
    ['PKCS#1', pkcs1, undefined],
    ['PKCS#8', pkcs8, undefined],
    ['encrypted PKCS#8', encryptedPkcs8, 'correct horse'],
    ['encrypted PKCS#1', encryptedPkcs1, 'correct horse'],
  ])('reads a %s key and returns it as unencrypted PKCS#8', (_name, pem, passphrase) => {
    const { pkcs8Pem } = readPrivateKeyPem(pem, passphrase);
    expect(pkcs8Pem).toBe(pkcs8);
  });

  it('asks for the passphrase when an encrypted key comes without one', () => {
    expect(() => readPrivateKeyPem(encryptedPkcs8)).toThrow(expect.objectContaining({ code: 'VALIDATION', hint: matching(/passphrase/) }));
  });

  it.each([['PKCS#8', encryptedPkcs8], ['PKCS#1', encryptedPkcs1]])('says a wrong passphrase for an encrypted %s key is wrong', (_name, pem) => {
    expect(() => readPrivateKeyPem(pem, 'wrong')).toThrow(
      expect.objectContaining({ code: 'VALIDATION', message: matching(/passphrase does not unlock/) }),
    );
  });

  it('refuses a certificate, an EC key and a short RSA key with VALIDATION', () => {
    expect(() => readPrivateKeyPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => readPrivateKeyPem(ec)).toThrow(expect.objectContaining({ code: 'VALIDATION', message: matching(/RSA/) }));
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => readPrivateKeyPem(short)).toThrow(expect.objectContaining({ code: 'VALIDATION', message: matching(/1024/) }));
  });
});
