/** The Salesforce host suffixes OrgDesk may open in the system browser. */
export const SALESFORCE_HOST_SUFFIXES = [
  '.salesforce.com',
  '.force.com',
  '.my.salesforce.com',
  '.lightning.force.com',
  '.salesforce-setup.com',
  '.my.salesforce-setup.com',
  '.cloudforce.com',
  '.visualforce.com',
  '.site.com',
] as const;

/**
 * Tells whether a URL may be handed to `shell.openExternal`: https only, on a Salesforce host, no credentials in it
 * (Electron security checklist: "Do not use shell.openExternal with untrusted content").
 */
export function isAllowedExternalUrl(raw: string): boolean {
  // Parsed by hand because shared/ has no URL global (ES lib only); anything unusual (credentials, a port, odd characters
  // before the path) fails the match and is refused.
  const match = /^https:\/\/([a-z0-9.-]+)(?:[/?#]|$)/i.exec(raw);
  const host = match?.[1]?.toLowerCase();
  if (host === undefined || host.includes('..')) return false;
  return SALESFORCE_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix) && host.length > suffix.length && !host.startsWith('.'));
}
