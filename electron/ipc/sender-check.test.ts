import { describe, expect, it } from 'vitest';
import { isTrustedSender } from './sender-check';

describe('isTrustedSender', () => {
  it('trusts the main frame of the app:// page', () => {
    expect(isTrustedSender({ url: 'app://orgdesk/index.html#/query', isMainFrame: true })).toBe(true);
  });

  it('refuses a subframe of the app page', () => {
    expect(isTrustedSender({ url: 'app://orgdesk/index.html', isMainFrame: false })).toBe(false);
  });

  it('refuses other origins, file:// and unparsable URLs', () => {
    expect(isTrustedSender({ url: 'https://evil.example/', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/index.html', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'app://other/index.html', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'not a url', isMainFrame: true })).toBe(false);
  });

  it('refuses a missing frame (destroyed before the message was handled)', () => {
    expect(isTrustedSender(null)).toBe(false);
  });
});
