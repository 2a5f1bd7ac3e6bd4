import { afterEach, describe, expect, it } from 'vitest';
import { installLinkGuard } from './link-guard';

let uninstall: () => void = () => undefined;
afterEach(() => {
  uninstall();
  document.body.innerHTML = '';
});

function clickLink(href: string): { defaultPrevented: boolean } {
  const link = document.createElement('a');
  link.href = href;
  document.body.append(link);
  const event = new MouseEvent('click', { bubbles: true, cancelable: true });
  link.dispatchEvent(event);
  return { defaultPrevented: event.defaultPrevented };
}

describe('installLinkGuard', () => {
  it('stops a link to another site from navigating the app, and does not open it', () => {
    const opened: string[] = [];
    uninstall = installLinkGuard(document, (url) => opened.push(url));
    expect(clickLink('https://example.com/phish').defaultPrevented).toBe(true);
    expect(opened).toEqual([]);
  });

  it('opens an https Salesforce link outside the app instead of navigating', () => {
    const opened: string[] = [];
    uninstall = installLinkGuard(document, (url) => opened.push(url));
    expect(clickLink('https://acme.my.salesforce.com/lightning/setup/SetupOneHome/home').defaultPrevented).toBe(true);
    expect(opened).toEqual(['https://acme.my.salesforce.com/lightning/setup/SetupOneHome/home']);
  });

  it('leaves links inside the app alone', () => {
    uninstall = installLinkGuard(document, () => undefined);
    expect(clickLink('#section').defaultPrevented).toBe(false);
  });
});
