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
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.port !== '') return false;
  const host = url.hostname.toLowerCase();
  return SALESFORCE_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix) && host.length > suffix.length);
}
