/**
 * The OAuth 2.0 JWT bearer grant of `POST /services/oauth2/token`: RS256 verified against the connected app's certificate,
 * `iss`/`sub`/`aud`/`exp` checked, and every error answered as real orgs do (salesforce-api.md 1.4, 1.5).
 */
import { compactVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import type { ConnectedAppRegistry } from './connected-apps';
import type { SessionStore } from './sessions';

/** A user as the token endpoint needs to see it. */
type TokenUser = { id: string; username: string; isActive: boolean };

/** Ports of the token endpoint. */
export type TokenEndpointDeps = {
  apps: ConnectedAppRegistry;
  sessions: SessionStore;
  findUser: (username: string) => TokenUser | undefined;
  /** The emulator's own URL (instance URL and accepted audience). */
  instanceUrl: () => string;
  orgId18: string;
  now: () => number;
};

/** The answer of the token endpoint. */
export type TokenResponse = { status: number; body: Record<string, string> };

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const AUDIENCES = ['https://login.salesforce.com', 'https://test.salesforce.com'];

function oauthError(error: string, description: string): TokenResponse {
  return { status: 400, body: { error, error_description: description } };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Handles a token request whose body is the url-encoded form. */
export async function handleTokenRequest(form: URLSearchParams, deps: TokenEndpointDeps): Promise<TokenResponse> {
  const grantType = form.get('grant_type');
  if (grantType === null || grantType === '') return oauthError('unsupported_grant_type', 'grant type not supported');
  if (grantType !== JWT_GRANT) return oauthError('unsupported_grant_type', 'grant type not supported');
  if (form.has('scope')) return oauthError('invalid_request', 'scope parameter not supported');
  const assertion = form.get('assertion');
  if (assertion === null || assertion === '') return oauthError('invalid_grant', 'invalid assertion');

  let claims: Record<string, unknown>;
  try {
    const header = decodeProtectedHeader(assertion);
    if (header.alg !== 'RS256') return oauthError('invalid_grant', 'invalid assertion');
    claims = decodeJwt(assertion);
  } catch {
    return oauthError('invalid_grant', 'invalid assertion');
  }

  const iss = claims.iss;
  const app = typeof iss === 'string' ? deps.apps.find(iss) : undefined;
  const key = typeof iss === 'string' ? deps.apps.key(iss) : undefined;
  if (!app || !key) return oauthError('invalid_client_id', 'client identifier invalid');

  try {
    await compactVerify(assertion, key, { algorithms: ['RS256'] });
  } catch {
    return oauthError('invalid_grant', 'invalid assertion');
  }

  const own = trimSlash(deps.instanceUrl());
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const audienceOk = audiences.some((aud) => typeof aud === 'string' && (AUDIENCES.includes(trimSlash(aud)) || trimSlash(aud) === own));
  if (!audienceOk) return oauthError('invalid_grant', 'audience is invalid');

  // simple-salesforce sends exp as a numeric string, and the documentation's example does too.
  const exp = typeof claims.exp === 'number' ? claims.exp : typeof claims.exp === 'string' && /^\d+$/.test(claims.exp.trim()) ? Number(claims.exp.trim()) : Number.NaN;
  if (!Number.isFinite(exp)) return oauthError('invalid_grant', 'invalid assertion');
  if (exp * 1000 <= deps.now()) return oauthError('invalid_grant', 'expired authorization code');

  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  const user = deps.findUser(sub);
  if (!user) return oauthError('invalid_grant', 'user hasn\'t approved this consumer');
  if (!user.isActive) return oauthError('invalid_grant', 'authentication failure');
  const preAuthorized = app.preAuthorizedUsernames.some((u) => u.toLowerCase() === user.username.toLowerCase());
  if (!preAuthorized) {
    return app.permittedUsers === 'admin_approved'
      ? { status: 400, body: { error: 'invalid_app_access', error_description: 'user is not admin approved to access this app' } }
      : oauthError('invalid_grant', 'user hasn\'t approved this consumer');
  }

  const session = deps.sessions.create(user.id, user.username);
  return {
    status: 200,
    body: {
      access_token: session.token,
      scope: 'web openid api id',
      instance_url: own,
      id: `${own}/id/${deps.orgId18}/${user.id}`,
      token_type: 'Bearer',
    },
  };
}
