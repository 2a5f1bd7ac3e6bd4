/** A logged-in session's access: the bearer token and where to use it. Main-process memory only, never persisted or sent to the renderer. */
export type SessionAccess = {
  accessToken: string;
  instanceUrl: string;
  /** The identity URL from the token response (`https://…/id/<orgId>/<userId>`). */
  identityUrl: string;
  orgId: string;
  userId: string;
};

/** What the HTTP client needs from a login: current access, and a single-flight renewal when Salesforce rejects it. */
export interface SalesforceSession {
  /** The current access, logging in first when there is none; concurrent callers share one login. */
  access(): Promise<SessionAccess>;
  /**
   * Replaces `stale` after Salesforce answered 401 INVALID_SESSION_ID. Callers holding the same stale access share one login;
   * a caller whose stale access was already replaced gets the new one at once.
   */
  renew(stale: SessionAccess): Promise<SessionAccess>;
  /** The origin the session logs in at (identity URLs live there), for the client's same-origin check. */
  readonly loginUrl: string;
}
