/** One entry of `GET /services/data`: the API versions an org offers. */
export type ApiVersionInfo = { label: string; url: string; version: string };

/** One limit of `GET /limits`, with per-app sub-objects left as they come. */
type OrgLimit = { Max: number; Remaining: number } & Record<string, unknown>;

/** `GET /services/data/vXX.X/limits`: limit name → Max/Remaining. */
export type OrgLimits = Record<string, OrgLimit>;

/** A Salesforce REST error entry: top-level errors use `errorCode`, per-row ones `statusCode`. */
export type SalesforceApiError = { errorCode: string; message: string; fields?: string[] };

/** The token endpoint's success body (JWT bearer grant: no refresh token, no expires_in). */
export type TokenResponse = {
  access_token: string;
  instance_url: string;
  id: string;
  token_type: string;
  scope?: string;
  issued_at?: string;
  signature?: string;
};

/** The token endpoint's error body. */
export type OAuthErrorBody = { error: string; error_description?: string };

/** The parts of the identity resource (`GET <id URL>`) OrgDesk reads. */
export type Identity = {
  user_id: string;
  organization_id: string;
  username: string;
  display_name?: string;
  email?: string;
} & Record<string, unknown>;

/** One page of a REST query: `nextRecordsUrl` only while `done` is false. */
export type QueryPage<R = Record<string, unknown>> = {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: R[];
};

/** The slice of global describe (`GET /sobjects`) callers use; the rest stays on the objects. */
export type GlobalDescribe = {
  encoding: string;
  maxBatchSize: number;
  sobjects: Array<{ name: string; label: string; labelPlural: string; custom: boolean; queryable: boolean; keyPrefix: string | null } & Record<string, unknown>>;
};

/** The slice of an object describe (`GET /sobjects/X/describe`) callers use. */
export type SObjectDescribe = {
  name: string;
  label: string;
  fields: Array<{ name: string; label: string; type: string } & Record<string, unknown>>;
} & Record<string, unknown>;
