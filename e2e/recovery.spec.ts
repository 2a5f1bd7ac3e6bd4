import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { areaTab, expect, startBrowserMode, test } from './fixtures';

const garbage = 'this is not a SQLite database, just some bytes '.repeat(200);

test.describe('a damaged local database', () => {
  test('shows the recovery screen, moves the file aside when asked, and the app then loads beside the kept old file', async ({ page }) => {
    const server = await startBrowserMode({ prepareUserData: (dir) => writeFileSync(join(dir, 'orgdesk.db'), garbage) });
    try {
      const path = join(server.userDataDir, 'orgdesk.db');
      await page.goto(server.url);
      await expect(page.getByRole('heading', { name: "OrgDesk can't open its local database" })).toBeVisible();
      await expect(page.getByText(path, { exact: true })).toBeVisible();
      await expect(page.getByText(/Nothing has been deleted/)).toBeVisible();
      await expect(page.getByRole('tablist', { name: 'Areas' })).toHaveCount(0);

      await page.getByRole('button', { name: 'Move it aside and start fresh' }).click();
      const dialog = page.getByRole('alertdialog', { name: 'Move the database aside?' });
      await expect(dialog).toBeVisible();
      await dialog.getByRole('button', { name: 'Move it aside', exact: true }).click();

      await expect(areaTab(page, 'Query')).toBeVisible();
      const notice = page.getByRole('status').filter({ hasText: 'OrgDesk started with a fresh database.' });
      await expect(notice).toContainText(`${path}.damaged-`);

      const names = readdirSync(server.userDataDir);
      const movedAside = names.filter((name) => name.startsWith('orgdesk.db.damaged-'));
      expect(names).toContain('orgdesk.db');
      expect(movedAside).toHaveLength(1);
      expect(readFileSync(join(server.userDataDir, movedAside[0] ?? ''), 'utf8')).toBe(garbage);
      await expect(notice).toContainText(join(server.userDataDir, movedAside[0] ?? ''));

      await areaTab(page, 'Orgs').click();
      await expect(areaTab(page, 'Orgs')).toHaveAttribute('aria-selected', 'true');
      await page.reload();
      await expect(areaTab(page, 'Query')).toBeVisible();
      await expect(page.getByRole('heading', { name: "OrgDesk can't open its local database" })).toHaveCount(0);
    } finally {
      await server.stop();
    }
  });
});
