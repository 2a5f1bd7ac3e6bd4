import type { ApiUsage } from '../../shared/salesforce/org-profile';

/** Parses `Sforce-Limit-Info: api-usage=51/100000; per-app-api-usage=17/250(appName=x)` into the org-wide usage. */
export function parseLimitInfo(header: string | null): ApiUsage | null {
  if (header === null) return null;
  const match = /(?:^|[;,\s])api-usage=(\d+)\/(\d+)/.exec(header);
  if (match === null) return null;
  return { used: Number(match[1]), max: Number(match[2]) };
}
