import { z } from 'zod';
import type { ChannelSchemas, EventSchemas } from '../channel';
import type {
  CertificateInfo,
  ConnectionTestResult,
  OrgProfile,
  OrgProfileInput,
} from '../../salesforce/org-profile';
import { ORG_ENVIRONMENTS } from '../../salesforce/org-profile';

export type { CertificateInfo, ConnectionTestResult, OrgProfileInput } from '../../salesforce/org-profile';

/** An org profile as the renderer sees it: never a key or a token. */
export type OrgSummary = OrgProfile;

/** The built-in local org: stopped, starting, ready (with its URL and profile), or failed with a reason. */
export type DemoOrgStatus = {
  state: 'stopped' | 'starting' | 'ready' | 'failed';
  url: string | null;
  profileId: string | null;
  error: { message: string; hint?: string | undefined } | null;
  /** True when no OS keychain answered, so the demo key lives in main's memory for this launch (a new one each start). */
  keyInMemory: boolean;
};

/** A certificate as the renderer may hold it: public PEM plus its facts (the private key never crosses). */
export type CertificateView = { pem: string; info: CertificateInfo; fileName: string };

/** The fields an edit may change; absent ones stay as they are. */
export type OrgProfileChanges = { [K in keyof OrgProfileInput]?: OrgProfileInput[K] | undefined };

/** Invoke channels of the orgs domain. */
export type OrgsInvoke = {
  'orgs:list': { args: Record<string, never>; result: OrgSummary[] };
  'orgs:get': { args: { id: string }; result: OrgSummary };
  'orgs:create': { args: OrgProfileInput; result: OrgSummary };
  'orgs:update': { args: { id: string; changes: OrgProfileChanges }; result: OrgSummary };
  'orgs:delete': { args: { id: string }; result: { id: string } };
  'orgs:active': { args: Record<string, never>; result: { activeOrgId: string | null } };
  'orgs:set-active': { args: { id: string | null }; result: { activeOrgId: string | null } };
  'orgs:generate-key': { args: { id: string }; result: CertificateInfo };
  /**
   * Without `path`, main asks with a native open dialog (closed → CANCELLED). `path` is for browser mode only (it has no
   * dialog): Electron refuses it with VALIDATION, and a path that holds no readable key answers the same whether it exists or not.
   */
  'orgs:import-key': { args: { id: string; path?: string | undefined; passphrase?: string | undefined }; result: CertificateInfo };
  'orgs:certificate': { args: { id: string }; result: CertificateView };
  /**
   * Without `path`, main asks with a native save dialog, which confirms replacing a file (closed → CANCELLED). `path` is for
   * browser mode only: Electron refuses it with VALIDATION, and an existing file there is never replaced.
   */
  'orgs:save-certificate': { args: { id: string; path?: string | undefined }; result: { path: string } };
  'orgs:test-connection': { args: { id: string }; result: ConnectionTestResult };
  'orgs:demo-status': { args: Record<string, never>; result: DemoOrgStatus };
  'orgs:demo-start': { args: Record<string, never>; result: DemoOrgStatus };
  'orgs:demo-reset': { args: Record<string, never>; result: DemoOrgStatus };
};

const id = z.string().min(1).max(100);
/** https anywhere; plain http only on loopback (the local demo org). */
const httpsUrl = z
  .string()
  .max(2000)
  .regex(
    /^(https:\/\/[a-zA-Z0-9.-]+(:\d+)?|http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+)\/?$/,
    'Enter the My Domain URL with https://, such as https://acme.my.salesforce.com',
  );
const apiVersion = z.string().regex(/^\d{2,3}\.0$/, 'An API version looks like 62.0');
const pubsubEndpoint = z
  .string()
  .trim()
  .max(300)
  .regex(/^[a-zA-Z0-9.-]+:\d{1,5}$|^\[::1\]:\d{1,5}$/, 'A Pub/Sub endpoint is host:port, such as api.pubsub.salesforce.com:7443');
const filePath = z.string().min(1).max(4096);

const profileFields = {
  label: z.string().trim().min(1).max(80),
  environment: z.enum(ORG_ENVIRONMENTS),
  myDomainUrl: httpsUrl.nullable(),
  consumerKey: z.string().trim().min(1).max(256),
  username: z.string().trim().min(1).max(256),
  apiVersion: apiVersion.nullable(),
  pubsubEndpoint: pubsubEndpoint.nullable().optional(),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'A colour looks like #0176d3'),
};

const profileInput = z
  .object(profileFields)
  .strict()
  .refine((p) => p.environment !== 'mydomain' || p.myDomainUrl !== null, {
    message: 'A My Domain profile needs its URL',
    path: ['myDomainUrl'],
  });

const none = z.object({}).strict();

/** Argument schemas of the orgs domain's channels. */
export const orgsSchemas = {
  'orgs:list': none,
  'orgs:get': z.object({ id }).strict(),
  'orgs:create': profileInput,
  'orgs:update': z.object({ id, changes: z.object(profileFields).partial().strict() }).strict(),
  'orgs:delete': z.object({ id }).strict(),
  'orgs:active': none,
  'orgs:set-active': z.object({ id: id.nullable() }).strict(),
  'orgs:generate-key': z.object({ id }).strict(),
  'orgs:import-key': z.object({ id, path: filePath.optional(), passphrase: z.string().max(1024).optional() }).strict(),
  'orgs:certificate': z.object({ id }).strict(),
  'orgs:save-certificate': z.object({ id, path: filePath.optional() }).strict(),
  'orgs:test-connection': z.object({ id }).strict(),
  'orgs:demo-status': none,
  'orgs:demo-start': none,
  'orgs:demo-reset': none,
} satisfies ChannelSchemas<OrgsInvoke>;

/** Events of the orgs domain. */
export type OrgsEvents = {
  /** A profile was created, edited or deleted, or the active org changed: re-read `orgs:list`. */
  'orgs:changed': { activeOrgId: string | null };
  /** The demo org's status moved (starting → ready, reset, failed). */
  'orgs:demo-status': DemoOrgStatus;
};

const demoStatus = z.object({
  state: z.enum(['stopped', 'starting', 'ready', 'failed']),
  url: z.string().nullable(),
  profileId: z.string().nullable(),
  error: z.object({ message: z.string(), hint: z.string().optional() }).nullable(),
  keyInMemory: z.boolean(),
});

/** Payload schemas of the orgs domain's events. */
export const orgsEventSchemas = {
  'orgs:changed': z.object({ activeOrgId: z.string().nullable() }),
  'orgs:demo-status': demoStatus,
} satisfies EventSchemas<OrgsEvents>;
