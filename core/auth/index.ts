export {
  CERTIFICATE_VALIDITY_DAYS,
  certificateFileName,
  certificateForKey,
  certificateMatchesKey,
  describeCertificate,
  EXPIRY_WARNING_DAYS,
  generateKeyAndCertificate,
} from './certificate';
export type { GeneratedKey } from './certificate';
export { ASSERTION_LIFETIME_SECONDS, signAssertion } from './jwt-assertion';
export type { AssertionClaims } from './jwt-assertion';
export { createJwtSession, parseTokenResponse } from './jwt-session';
export type { JwtCredentials, JwtSession, JwtSessionOptions } from './jwt-session';
export { loginUrlFor } from './login-url';
export { readPrivateKeyPem } from './private-key';
export { tokenError } from './token-errors';
export type { TokenErrorContext } from './token-errors';
