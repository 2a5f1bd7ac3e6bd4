import { areaPanel, areaTab, expect, test } from './fixtures';

test.describe('the app shell in browser mode', () => {
  test('clicks through the four areas', async ({ app }) => {
    const areas = ['Query', 'Load', 'Events', 'Orgs'] as const;
    for (const area of [...areas, 'Query' as const]) {
      await areaTab(app, area).click();
      await expect(areaTab(app, area)).toHaveAttribute('aria-selected', 'true');
      await expect(areaPanel(app, area)).toBeVisible();
      for (const other of areas.filter((candidate) => candidate !== area)) {
        await expect(areaTab(app, other)).toHaveAttribute('aria-selected', 'false');
        await expect(areaPanel(app, other)).toBeHidden();
      }
    }
  });

  test('shows that it runs in browser mode, and an org switcher', async ({ app }) => {
    await expect(app.getByText(/Browser mode · v0\.0\.0-e2e/)).toBeVisible();
    await expect(app.getByRole('combobox', { name: 'Org' })).toBeVisible();
  });

  test('removes the token from the address bar and keeps working after a reload', async ({ app }) => {
    expect(app.url()).not.toContain('token');
    await app.reload();
    await expect(app.getByText(/Browser mode/)).toBeVisible();
  });

  test('loads with no Content-Security-Policy violation', async ({ page, server }) => {
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(server.url);
    await expect(areaTab(page, 'Orgs')).toBeVisible();
    await areaTab(page, 'Orgs').click();
    expect(violations).toEqual([]);
  });

  // Headless Chromium never asks for /favicon.ico, so the 404 a desktop browser logged is checked through its cause: the page
  // declares its icon (a browser asks for /favicon.ico only when it does not), and that icon is served.
  test('declares its own icon, serves it as SVG, and loads no missing file', async ({ page, server }) => {
    const missing: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) missing.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    await page.goto(server.url);
    await expect(areaTab(page, 'Query')).toBeVisible();
    await expect.poll(() => page.locator('.orgdesk-header img.orgdesk-logo').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    await page.waitForLoadState('networkidle');
    expect(missing).toEqual([]);
    const icon = await page.locator('link[rel="icon"]').getAttribute('href', { timeout: 1000 });
    expect(icon).not.toBeNull();
    const served = await page.request.get(new URL(icon!, server.url.replace(/#.*$/, '')).toString());
    expect(served.status()).toBe(200);
    expect(served.headers()['content-type']).toBe('image/svg+xml');
  });

  test('follows the OS colour scheme', async ({ page, server }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(server.url);
    const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(dark).not.toBe(light);
  });
});
