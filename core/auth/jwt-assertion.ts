import type { KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

/** The claims of a JWT bearer assertion. */
export type AssertionClaims = { consumerKey: string; username: string; audience: string };

/** Lifetime of an assertion: Salesforce asks for an `exp` within about three minutes of now. */
const ASSERTION_LIFETIME_SECONDS = 180;

/** Signs a JWT bearer assertion (RS256; iss = consumer key, sub = username, aud = login URL, exp = now + 3 min). */
export function signAssertion(privateKey: KeyObject, claims: AssertionClaims, nowMs: number): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(claims.consumerKey)
    .setSubject(claims.username)
    .setAudience(claims.audience)
    .setExpirationTime(now + ASSERTION_LIFETIME_SECONDS)
    .sign(privateKey);
}
