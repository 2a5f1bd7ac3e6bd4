import { startEmulator } from '../emulator/index';
import type { WebServer } from '../electron/web/web-server';
import { areaPanel, areaTab, expect, startBrowserMode, test as base } from './fixtures';

/**
 * A new user on a machine with no Secret Service (a container, a fresh server, CI): the demo org still gets ready, with its
 * key in main's memory for the launch and one line saying so; the editor marks nothing against a schema it does not have
 * while no org is chosen. Runs the same with or without a keyring (`keychain: 'none'` makes keytar fail as it does there).
 */
const test = base.extend<{ bare: WebServer }>({
  bare: async ({}, use) => {
    const server = await startBrowserMode({
      keychain: 'none',
      appOptions: { startLocalOrg: ({ port, host }) => startEmulator({ port, host }), demoOnLaunch: false },
    });
    await use(server);
    await server.stop();
  },
});

test('the demo org works without a keychain, and the editor marks no field while no org is chosen', async ({ page, bare }) => {
  await page.goto(bare.url);
  await expect(areaTab(page, 'Query')).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Org' })).toHaveValue('');

  // No org: syntax is still checked, but `Account` is not marked as unknown.
  const editor = page.locator('.monaco-editor .view-lines');
  await expect(editor).toBeVisible({ timeout: 15_000 });
  const squiggles = page.locator('.monaco-editor .squiggly-error');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText('SELECT Id, Name FROM Account WHERE');
  await expect(squiggles).toHaveCount(1);
  await page.keyboard.insertText(' Name != null ORDER BY Name LIMIT 5');
  await expect(squiggles).toHaveCount(0);

  await areaTab(page, 'Orgs').click();
  const orgs = areaPanel(page, 'Orgs');
  await orgs.getByRole('button', { name: 'Start demo org' }).click();
  await expect(orgs.getByTestId('demo-org-state')).toHaveText('Ready', { timeout: 30_000 });
  await expect(orgs.getByTestId('demo-org-key-in-memory')).toHaveText(/no OS keychain.*kept in memory until OrgDesk closes/i);
  await expect(orgs.getByTestId('demo-org-dot')).toHaveAttribute('title', 'Demo org: ready');

  await areaTab(page, 'Query').click();
  await expect(page.getByRole('combobox', { name: 'Org' })).not.toHaveValue('');
  await page.getByRole('button', { name: /Run/ }).click();
  const grid = page.getByRole('grid', { name: 'Query results' });
  await expect(page.getByText('5 rows', { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(grid.getByRole('columnheader')).toHaveText(['#', 'Id', 'Name']);
  await expect(grid.getByRole('gridcell').nth(2)).not.toBeEmpty();
  await expect(squiggles).toHaveCount(0);
});
