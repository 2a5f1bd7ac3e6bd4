import type { OAuthErrorBody, TokenResponse } from '../../shared/salesforce/rest';
import { ServiceError } from '../errors';
import type { SecretStore } from '../secrets/secret-store';
import type { Clock } from '../salesforce/clock';
import { networkError } from '../salesforce/http-transport';
import type { HttpTransport } from '../salesforce/http-transport';
import type { SalesforceSession, SessionAccess } from '../salesforce/salesforce-session';
import { signAssertion } from './jwt-assertion';
import { readPrivateKeyPem } from './private-key';
import { tokenError } from './token-errors';

/** Who logs in where: the JWT claims' sources, and the keychain account holding the private key. */
type JwtCredentials = {
  /** The keychain account of the private key (the profile id). */
  keyAccount: string;
  /** Login URL and JWT audience (`https://login.salesforce.com`, `https://test.salesforce.com`, or a My Domain URL). */
  loginUrl: string;
  consumerKey: string;
  username: string;
  /** For the certificate-mismatch hint. */
  certificateFileName: string;
};

/** A JWT bearer session: the SalesforceSession the client uses, plus sign-out and counters for diagnostics. */
export type JwtSession = SalesforceSession & {
  /** The current access without logging in, or null. */
  current(): SessionAccess | null;
  /** Forgets the access token (it was only ever in memory). */
  signOut(): void;
  /** How many token requests this session has sent. */
  readonly logins: number;
};

/** Ports of a session. */
export type JwtSessionOptions = { credentials: JwtCredentials; secrets: SecretStore; transport: HttpTransport; clock: Clock };

/**
 * Logs in with the OAuth 2.0 JWT bearer grant and keeps the token in memory. Logins are single-flight: however many requests
 * need a (new) token at once, one assertion is signed and one token request sent.
 */
export function createJwtSession(options: JwtSessionOptions): JwtSession {
  const { credentials, secrets, transport, clock } = options;
  let current: SessionAccess | null = null;
  let inFlight: Promise<SessionAccess> | null = null;
  let logins = 0;

  function login(): Promise<SessionAccess> {
    inFlight ??= requestToken()
      .then((access) => {
        current = access;
        return access;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  }

  async function requestToken(): Promise<SessionAccess> {
    const pem = await secrets.get(credentials.keyAccount);
    if (pem === null) {
      throw new ServiceError('AUTH', 'This org has no private key in the keychain.', 'Generate a key (and upload its certificate to the connected app) or import an existing key in the Orgs area.');
    }
    const { key } = readPrivateKeyPem(pem);
    const assertion = await signAssertion(
      key,
      { consumerKey: credentials.consumerKey, username: credentials.username, audience: credentials.loginUrl },
      clock.now(),
    );
    const url = `${credentials.loginUrl}/services/oauth2/token`;
    logins += 1;
    let response: Response;
    try {
      response = await transport.fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
      });
    } catch (error) {
      throw networkError(error, url);
    }
    const text = await response.text();
    if (!response.ok) {
      throw tokenError({
        status: response.status,
        bodyText: text,
        contentType: response.headers.get('content-type'),
        serverDate: response.headers.get('date'),
        localNow: clock.now(),
        loginUrl: credentials.loginUrl,
        username: credentials.username,
        certificateFileName: credentials.certificateFileName,
      });
    }
    return parseTokenResponse(text);
  }

  return {
    loginUrl: credentials.loginUrl,
    access: () => (current !== null ? Promise.resolve(current) : login()),
    renew: (stale) => {
      if (current !== null && current.accessToken !== stale.accessToken) return Promise.resolve(current);
      if (inFlight !== null) return inFlight;
      current = null;
      return login();
    },
    current: () => current,
    signOut: () => {
      current = null;
    },
    get logins() {
      return logins;
    },
  };
}

/** Reads the token response: access token, instance URL, and the org and user ids from the identity URL's last two segments. */
function parseTokenResponse(text: string): SessionAccess {
  let body: Partial<TokenResponse> & Partial<OAuthErrorBody>;
  try {
    body = JSON.parse(text) as Partial<TokenResponse>;
  } catch (error) {
    throw new ServiceError('AUTH', 'The login service sent a token response that is not JSON.', 'Check the login URL in the profile.', { cause: error });
  }
  const { access_token: accessToken, instance_url: instanceUrl, id } = body;
  if (typeof accessToken !== 'string' || typeof instanceUrl !== 'string' || typeof id !== 'string') {
    throw new ServiceError('AUTH', 'The login service sent an incomplete token response.', 'Check the login URL in the profile.');
  }
  const [orgId, userId] = new URL(id).pathname.split('/').filter(Boolean).slice(-2);
  if (orgId === undefined || userId === undefined) {
    throw new ServiceError('AUTH', 'The login service sent an identity URL without org and user ids.', 'Check the login URL in the profile.');
  }
  return { accessToken, instanceUrl: instanceUrl.replace(/\/+$/, ''), identityUrl: id, orgId, userId };
}
