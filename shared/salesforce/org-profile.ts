/** Where an org logs in: the two global login hosts, or the org's own My Domain URL. */
export type OrgEnvironment = 'production' | 'sandbox' | 'mydomain';

/** Every environment, in the order a form offers them. */
export const ORG_ENVIRONMENTS = ['production', 'sandbox', 'mydomain'] as const satisfies readonly OrgEnvironment[];

/** The login host of the production environment (also the JWT audience). */
export const PRODUCTION_LOGIN_URL = 'https://login.salesforce.com';
/** The login host of sandboxes (also the JWT audience). */
export const SANDBOX_LOGIN_URL = 'https://test.salesforce.com';

/** The public facts of a certificate: enough to match it against the one uploaded to the connected app. */
export type CertificateInfo = {
  /** The subject's common name (from the profile's label when OrgDesk made it). */
  commonName: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex, as Setup and openssl print it. */
  fingerprintSha256: string;
  /** ISO 8601 timestamps. */
  notBefore: string;
  notAfter: string;
  /** Whole days until expiry (negative once expired). */
  daysLeft: number;
  /** True within 30 days of expiry, and after it. */
  expiresSoon: boolean;
  expired: boolean;
};

/** An org profile as stored and shown: never a key, a passphrase or a token. */
export type OrgProfile = {
  id: string;
  label: string;
  environment: OrgEnvironment;
  /** The My Domain URL (`https://acme.my.salesforce.com`) when environment is `mydomain`, else null. */
  myDomainUrl: string | null;
  /** The connected app's consumer key (the JWT `iss`); public, not a secret. */
  consumerKey: string;
  username: string;
  /** `62.0`; null means "the newest the org offers", resolved at connect time. */
  apiVersion: string | null;
  /** The Pub/Sub API endpoint, `host:port`; null or absent means Salesforce's, `api.pubsub.salesforce.com:7443`. */
  pubsubEndpoint?: string | null | undefined;
  /** A CSS colour for the org badge (`#0176d3`). */
  color: string;
  /** True for the built-in local demo org. */
  isDemo: boolean;
  /** The certificate matching the private key in the keychain, or null when no key was made or imported yet. */
  certificate: CertificateInfo | null;
  /** The instance URL of the last successful login this launch, else null. */
  instanceUrl: string | null;
  createdAt: string;
  updatedAt: string;
};

/** The fields a person fills in to create a profile. */
export type OrgProfileInput = {
  label: string;
  environment: OrgEnvironment;
  myDomainUrl: string | null;
  consumerKey: string;
  username: string;
  apiVersion: string | null;
  /** The Pub/Sub endpoint (`host:port`); null or absent: Salesforce's. */
  pubsubEndpoint?: string | null | undefined;
  color: string;
};

/** Daily API requests used and allowed (from `/limits` DailyApiRequests or `Sforce-Limit-Info`). */
export type ApiUsage = { used: number; max: number };

/** What "Test connection" shows. */
export type ConnectionTestResult = {
  orgId: string;
  userId: string;
  username: string;
  instanceUrl: string;
  apiVersion: string;
  apiUsage: ApiUsage;
};
