import { ServiceError } from '../errors';

/** What the error mapping knows about the failed login, to make its hints concrete. */
export type TokenErrorContext = {
  status: number;
  bodyText: string;
  contentType: string | null;
  /** The server's `Date` header, used to measure clock skew. */
  serverDate: string | null;
  /** The local clock when the response arrived (ms). */
  localNow: number;
  loginUrl: string;
  username: string;
  /** The file name of the profile's certificate (`orgdesk-acme.crt`), for the certificate-mismatch hint. */
  certificateFileName: string;
};

/** Skew beyond this between the local clock and Salesforce's is named in the hint. */
const SKEW_TOLERANCE_MS = 60_000;

/**
 * Maps a failed token request to an AUTH ServiceError a person can act on: every invalid_grant description, invalid_client_id,
 * invalid_app_access, audience errors and clock skew (Salesforce answers 400 `{error, error_description}`).
 */
export function tokenError(context: TokenErrorContext): ServiceError {
  const body = parseOAuthError(context.bodyText);
  if (body === null) {
    if (context.status >= 500) {
      return new ServiceError('NETWORK', `Salesforce's login service answered HTTP ${context.status}.`, 'Salesforce may be under maintenance: try again in a few minutes.');
    }
    return new ServiceError(
      'AUTH',
      `${new URL(context.loginUrl).host} did not answer like a Salesforce login service (HTTP ${context.status}).`,
      'Check the environment and the My Domain URL in the profile.',
    );
  }
  const description = (body.description ?? '').toLowerCase();
  const said = body.description === undefined ? body.error : `${body.error}: ${body.description}`;
  switch (body.error) {
    case 'invalid_client_id':
    case 'invalid_client':
      return new ServiceError(
        'AUTH',
        `Salesforce does not recognise the consumer key (${said}).`,
        "Copy the consumer key from the connected app (Setup → App Manager → View → Manage Consumer Details). A new connected app can take up to 10 minutes to work.",
      );
    case 'invalid_app_access':
      return new ServiceError(
        'AUTH',
        `${context.username} is not allowed to use this connected app (${said}).`,
        "Pre-authorize this user's profile or permission set on the connected app (Manage → Profiles or Permission Sets).",
      );
    case 'invalid_grant':
      return invalidGrant(description, said, context);
    default:
      return new ServiceError('AUTH', `Salesforce refused the login (${said}).`, 'Check the profile and the connected app settings, then test the connection again.');
  }
}

function invalidGrant(description: string, said: string, context: TokenErrorContext): ServiceError {
  if (description.includes("hasn't approved") || description.includes('has not approved')) {
    return new ServiceError(
      'AUTH',
      `${context.username} has not approved this connected app (${said}).`,
      "Pre-authorize this user's profile or permission set on the connected app (Admin approved users are pre-authorized).",
    );
  }
  if (description.includes('invalid assertion') || description.includes('signature')) {
    return new ServiceError(
      'AUTH',
      `The connected app has no certificate matching this key (${said}).`,
      `Upload ${context.certificateFileName} to the connected app ("Use digital signatures"), or import the private key that matches the certificate already there.`,
    );
  }
  if (description.includes('audience')) {
    return new ServiceError(
      'AUTH',
      `Salesforce rejected the login URL as audience (${said}).`,
      'Check the environment: production orgs use login.salesforce.com, sandboxes test.salesforce.com; for My Domain enter the org\'s own https://<domain>.my.salesforce.com URL.',
    );
  }
  if (description.includes('expired')) {
    return new ServiceError('AUTH', `Salesforce says the login assertion has expired (${said}).`, clockHint(context));
  }
  if (description.includes('locked')) {
    return new ServiceError(
      'AUTH',
      `The user ${context.username} is locked out (${said}).`,
      'Unlock the user in Setup → Users, or wait until the lockout period ends.',
    );
  }
  if (description.includes('authentication failure')) {
    return new ServiceError(
      'AUTH',
      `Salesforce could not authenticate ${context.username} (${said}).`,
      "Check the username (sandbox usernames end in .<sandbox name>), that the user is active and has 'API Enabled', and the org's login IP ranges.",
    );
  }
  if (description.includes('inactive') || description.includes('frozen')) {
    return new ServiceError('AUTH', `The user ${context.username} cannot log in (${said}).`, 'Activate or unfreeze the user in Setup → Users.');
  }
  return new ServiceError('AUTH', `Salesforce refused the login (${said}).`, 'Check the username, the consumer key and the connected app\'s certificate, then test again.');
}

function clockHint(context: TokenErrorContext): string {
  const serverMs = context.serverDate === null ? Number.NaN : Date.parse(context.serverDate);
  if (Number.isNaN(serverMs)) {
    return "Your computer's clock may be wrong: turn on automatic date and time, then test the connection again.";
  }
  const skew = context.localNow - serverMs;
  if (Math.abs(skew) <= SKEW_TOLERANCE_MS) {
    return 'Your clock agrees with Salesforce, so the assertion took too long: check your network and try again.';
  }
  const minutes = Math.round(Math.abs(skew) / 60_000);
  return `Your computer's clock is ${minutes} minute${minutes === 1 ? '' : 's'} ${skew > 0 ? 'ahead of' : 'behind'} Salesforce's: turn on automatic date and time (or sync with an NTP server), then test the connection again.`;
}

function parseOAuthError(text: string): { error: string; description: string | undefined } | null {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === 'object' && typeof (parsed as { error?: unknown }).error === 'string') {
      const p = parsed as { error: string; error_description?: unknown };
      return { error: p.error, description: typeof p.error_description === 'string' ? p.error_description : undefined };
    }
  } catch {
    // Not JSON: the caller reports an unexpected answer.
  }
  return null;
}
