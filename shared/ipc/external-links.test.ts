import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl } from './external-links';

describe('isAllowedExternalUrl', () => {
  it("allows https links to Salesforce's login hosts and an org's own My Domain, Lightning and Setup hosts", () => {
    expect(isAllowedExternalUrl('https://acme.my.salesforce.com/lightning/setup/ConnectedApplication/home')).toBe(true);
    expect(isAllowedExternalUrl('https://acme--uat.sandbox.my.salesforce.com/001000000000001')).toBe(true);
    expect(isAllowedExternalUrl('https://acme.lightning.force.com/')).toBe(true);
    expect(isAllowedExternalUrl('https://acme--uat.sandbox.lightning.force.com/')).toBe(true);
    expect(isAllowedExternalUrl('https://acme.my.salesforce-setup.com/')).toBe(true);
    expect(isAllowedExternalUrl('https://login.salesforce.com/')).toBe(true);
    expect(isAllowedExternalUrl('https://test.salesforce.com/')).toBe(true);
    expect(isAllowedExternalUrl('https://na15.salesforce.com/001')).toBe(true);
    expect(isAllowedExternalUrl('https://trust.salesforce.com/')).toBe(true);
  });

  it('refuses customer sites on Salesforce domains: Sites, Experience Cloud, Visualforce', () => {
    expect(isAllowedExternalUrl('https://acme.force.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://acme.secure.force.com/login')).toBe(false);
    expect(isAllowedExternalUrl('https://acme.my.site.com/s/')).toBe(false);
    expect(isAllowedExternalUrl('https://shop.site.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://acme--c.vf.force.com/apex/page')).toBe(false);
    expect(isAllowedExternalUrl('https://acme--c.visualforce.com/apex/page')).toBe(false);
    expect(isAllowedExternalUrl('https://acme.cloudforce.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://phish.acme.my.salesforce.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://anything.salesforce.com/')).toBe(false);
  });

  it('refuses http, other schemes, look-alike hosts and credentials in the URL', () => {
    expect(isAllowedExternalUrl('http://login.salesforce.com/')).toBe(false);
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternalUrl('https://evilsalesforce.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://salesforce.com.evil.example/')).toBe(false);
    expect(isAllowedExternalUrl('https://user:pass@login.salesforce.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://.my.salesforce.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://.lightning.force.com/')).toBe(false);
    expect(isAllowedExternalUrl('not a url')).toBe(false);
  });
});

describe('isAllowedExternalUrl on tricky spellings', () => {
  it('refuses a backslash trick, a port and an empty label', () => {
    expect(isAllowedExternalUrl('https://evil.example\\@login.salesforce.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://login.salesforce.com:8443/')).toBe(false);
    expect(isAllowedExternalUrl('https://acme..my.salesforce.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://-acme.my.salesforce.com/')).toBe(false);
  });

  it('accepts an upper-case host and a bare host without a path', () => {
    expect(isAllowedExternalUrl('https://ACME.my.salesforce.com')).toBe(true);
  });
});
