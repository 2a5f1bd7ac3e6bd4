/**
 * Salesforce's own hosts that OrgDesk may open in the system browser, by exact name: login, sandbox login, help, trust and
 * developer docs (salesforce-api.md §1 names the login hosts).
 */
const SALESFORCE_HOSTS = [
  'login.salesforce.com',
  'test.salesforce.com',
  'help.salesforce.com',
  'trust.salesforce.com',
  'developer.salesforce.com',
] as const;

/**
 * The host forms Salesforce serves an org's own UI on, as suffixes after a My Domain name: the API and classic UI
 * (`<MyDomain>.my.salesforce.com`, sandboxes `<MyDomain>--<sbx>.sandbox.my.salesforce.com`), Lightning
 * (`<MyDomain>.lightning.force.com`, `.sandbox.lightning.force.com`) and Setup (`<MyDomain>.my.salesforce-setup.com`).
 *
 * Deliberately absent: `*.force.com`, `*.site.com` and `*.my.site.com` (Salesforce Sites and Experience Cloud: pages any
 * customer publishes), and `*.visualforce.com`/`*.vf.force.com` (an org's own Visualforce code).
 */
const SALESFORCE_ORG_HOST_SUFFIXES = ['.my.salesforce.com', '.lightning.force.com', '.my.salesforce-setup.com'] as const;

/** A legacy instance host (`na15.salesforce.com`, `cs42.salesforce.com`): letters, then digits, nothing else. */
const INSTANCE_HOST = /^[a-z]{2,4}\d{1,3}\.salesforce\.com$/;

/** One DNS label of a My Domain name: letters, digits, hyphens (`acme`, `acme--uat`). */
const MY_DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Tells whether a URL may be handed to `shell.openExternal`: https only, no credentials or port, and a host that is
 * Salesforce's own, never a customer site (Electron security checklist: "Do not use shell.openExternal with untrusted content").
 */
export function isAllowedExternalUrl(raw: string): boolean {
  // Parsed by hand because shared/ has no URL global (ES lib only); anything unusual (credentials, a port, odd characters
  // before the path) fails the match and is refused.
  const match = /^https:\/\/([a-z0-9.-]+)(?:[/?#]|$)/i.exec(raw);
  const host = match?.[1]?.toLowerCase();
  if (host === undefined) return false;
  return isSalesforceHost(host);
}

/** Whether a lower-case host name is one of Salesforce's own (see SALESFORCE_HOSTS and SALESFORCE_ORG_HOST_SUFFIXES). */
function isSalesforceHost(host: string): boolean {
  if ((SALESFORCE_HOSTS as readonly string[]).includes(host) || INSTANCE_HOST.test(host)) return true;
  return SALESFORCE_ORG_HOST_SUFFIXES.some((suffix) => {
    if (!host.endsWith(suffix)) return false;
    const labels = host.slice(0, -suffix.length).split('.');
    // `<MyDomain>` or `<MyDomain>--<sandbox>.sandbox`: nothing deeper.
    const sandbox = labels.length === 2 && labels[1] === 'sandbox';
    return (labels.length === 1 || sandbox) && MY_DOMAIN_LABEL.test(labels[0] ?? '');
  });
}
