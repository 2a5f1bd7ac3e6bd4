import { expect, test } from './fixtures';

test.describe('the app shell in browser mode', () => {
  test('clicks through the four areas', async ({ app }) => {
    for (const area of ['Query', 'Load', 'Events', 'Orgs', 'Query']) {
      await app.getByRole('tab', { name: area }).click();
      await expect(app.getByRole('tab', { name: area })).toHaveAttribute('aria-selected', 'true');
      await expect(app.getByRole('tabpanel', { name: area })).toBeVisible();
      await expect(app.getByRole('tabpanel')).toHaveCount(1);
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
    await expect(page.getByRole('tab', { name: 'Orgs' })).toBeVisible();
    await page.getByRole('tab', { name: 'Orgs' }).click();
    expect(violations).toEqual([]);
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
