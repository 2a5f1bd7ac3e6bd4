import { z } from 'zod';
import type { ChannelSchemas, EventSchemas } from '../channel';

/** An org profile as the renderer sees it: never a key or a token. */
export type OrgSummary = {
  id: string;
  label: string;
  username: string;
  instanceUrl: string | null;
  color: string;
  isDemo: boolean;
};

/** Invoke channels of the orgs domain. */
export type OrgsInvoke = {
  'orgs:list': { args: Record<string, never>; result: OrgSummary[] };
};

/** Argument schemas of the orgs domain's channels. */
export const orgsSchemas = {
  'orgs:list': z.object({}).strict(),
} satisfies ChannelSchemas<OrgsInvoke>;

/** Events of the orgs domain. */
export type OrgsEvents = {
  'orgs:changed': { activeOrgId: string | null };
};

/** Payload schemas of the orgs domain's events. */
export const orgsEventSchemas = {
  'orgs:changed': z.object({ activeOrgId: z.string().nullable() }),
} satisfies EventSchemas<OrgsEvents>;
