import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { startEmulator } from '../emulator/index';
import type { WebServer } from '../electron/web/web-server';
import { expect, startBrowserMode, test as base, waitForDemoOrg } from './fixtures';

/**
 * The SOQL workbench as a person uses it, against browser mode with the built-in demo org (the emulator, started in-process 
 * by the app itself) and the OS keychain (a private gnome-keyring under `npm test`).
 */
const test = base.extend<{ demo: WebServer; workbench: Page }>({
  demo: async ({}, use) => {
    const server = await startBrowserMode({
      appOptions: {
        startLocalOrg: ({ port, host }) => startEmulator({ port, host }),
      },
    });
    await use(server);
    await server.stop();
  },
  workbench: async ({ page, demo }, use) => {
    await page.goto(demo.url);
    await waitForDemoOrg(page);
    await expect(page.getByRole('button', { name: /Run/ })).toBeEnabled({ timeout: 15_000 });
    await expect(page.locator('.monaco-editor')).toBeVisible({ timeout: 15_000 });
    await use(page);
  },
});

/** Replaces the editor's text by typing (insertText: plain typing races the suggest widget). */
async function typeQuery(page: Page, text: string): Promise<void> {
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/**
 * Where one character of an editor line is drawn: the line is found by its text, the character by its 0-based index in it
 * (Monaco splits a line into token spans, so the text nodes are walked to find the one holding it).
 */
async function characterBox(page: Page, lineText: string, index: number): Promise<{ x: number; y: number; width: number; height: number }> {
  return page.locator('.monaco-editor .view-lines').evaluate(
    (lines, [text, at]) => {
      const line = Array.from(lines.querySelectorAll('.view-line')).find((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ') === text);
      if (line === undefined) throw new Error(`No editor line reads ${text}`);
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      let left = at;
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        const length = node.textContent?.length ?? 0;
        if (left < length) {
          const range = document.createRange();
          range.setStart(node, left);
          range.setEnd(node, left + 1);
          const box = range.getBoundingClientRect();
          const row = line.getBoundingClientRect();
          return { x: box.x, y: row.y, width: box.width, height: row.height };
        }
        left -= length;
      }
      throw new Error(`The line is shorter than ${at + 1} characters`);
    },
    [lineText, index] as const,
  );
}

/** The editor's text as shown (Monaco renders spaces as non-breaking). */
async function editorText(page: Page): Promise<string> {
  return (await page.locator('.monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');
}

test.describe('the SOQL workbench', () => {
  test('completes a child relationship inside a subquery, runs with the keyboard, expands, sorts and exports', async ({ workbench: page }) => {
    // The outer FROM first, as completion inside a subquery needs the parent object; then the subquery in the SELECT list.
    await typeQuery(page, 'SELECT Id, Name FROM Account ORDER BY Name LIMIT 50');
    await page.keyboard.press('Home');
    for (let i = 0; i < 'SELECT Id, Name'.length; i += 1) await page.keyboard.press('ArrowRight');
    await page.keyboard.insertText(', (SELECT LastName FROM Co');
    await page.keyboard.insertText('n');
    const suggest = page.locator('.editor-widget.suggest-widget');
    const contacts = suggest.getByRole('option', { name: /^Contacts/ });
    // Monaco opens the popup as you type; when Account's describe was still on its way it opens empty and stays shut, so
    // ask again as a person would (Ctrl+Space). What it then offers is checked the same way.
    await contacts.waitFor({ timeout: 3000 }).catch(() => page.keyboard.press('ControlOrMeta+Space'));
    await expect(contacts).toBeVisible();
    await expect(suggest.getByRole('option', { name: /^Contact\b(?!s)/ })).toHaveCount(0);
    await page.keyboard.press('Enter');
    if (!(await editorText(page)).includes('Contacts)')) await page.keyboard.insertText(')');
    await expect.poll(() => editorText(page)).toBe('SELECT Id, Name, (SELECT LastName FROM Contacts) FROM Account ORDER BY Name LIMIT 50');

    await page.keyboard.press('ControlOrMeta+Enter');
    const grid = page.getByRole('grid', { name: 'Query results' });
    await expect(page.getByText('50 rows', { exact: true })).toBeVisible();
    await expect(grid.getByRole('columnheader')).toHaveText(['#', 'Id', 'Name', 'Contacts']);

    const expand = grid.getByRole('button', { name: /^▸ [1-9]\d* records?$/ }).first();
    await expand.click();
    const nested = page.getByRole('region', { name: /^Contacts of row \d+$/ });
    await expect(nested.getByRole('columnheader', { name: 'LastName' })).toBeVisible();
    await expect(nested.getByRole('gridcell').first()).not.toBeEmpty();

    await grid.getByRole('button', { name: /^▾ / }).click();
    await expect(nested).toHaveCount(0);

    const nameHeader = grid.getByRole('columnheader', { name: /^Name / });
    await grid.getByTitle(/^Sort by Name/).click();
    await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
    await grid.getByTitle(/^Sort by Name/).click();
    await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
    const names = async (): Promise<string[]> => grid.locator('[role=row] [role=gridcell]:nth-child(3)').allInnerTexts();
    await expect.poll(async () => {
      const shown = (await names()).slice(0, 10);
      return shown.length > 1 && shown.every((n, i) => i === 0 || shown[i - 1]!.localeCompare(n) >= 0);
    }).toBe(true);

    await page.getByRole('button', { name: 'Export CSV' }).click();
    const notice = page.getByRole('status').filter({ hasText: /^Exported/ });
    await expect(notice).toBeVisible();
    const text = (await notice.innerText()).replace(/Dismiss$/, '').trim();
    const files = /^Exported 50 rows to (.+)$/.exec(text)?.[1]?.split(', ') ?? [];
    expect(files.length).toBeGreaterThanOrEqual(1);
    const csv = await readFile(files[0]!, 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^"?Id"?,"?Name"?/);
    expect(lines).toHaveLength(51);
  });

  test('completes child fields in a subquery whose FROM comes after the cursor, and parent paths in WHERE', async ({ workbench: page }) => {
    await typeQuery(page, 'SELECT Id, (SELECT  FROM Contacts) FROM Account');
    await page.keyboard.press('Home');
    for (let i = 0; i < 'SELECT Id, (SELECT '.length; i += 1) await page.keyboard.press('ArrowRight');
    await page.keyboard.insertText('Last');
    await page.keyboard.press('ControlOrMeta+Space');
    const suggest = page.locator('.editor-widget.suggest-widget');
    const lastName = suggest.getByRole('option', { name: /^LastName/ });
    await expect(lastName).toBeVisible();
    await lastName.click();
    await expect.poll(() => editorText(page)).toBe('SELECT Id, (SELECT LastName FROM Contacts) FROM Account');

    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.insertText(' WHERE Owner.');
    await page.keyboard.insertText('User');
    await page.keyboard.press('ControlOrMeta+Space');
    await expect(suggest.getByRole('option', { name: /^Username/ })).toBeVisible();
  });

  test('marks a misspelt field while typing and fixes it with the quick fix', async ({ workbench: page }) => {
    await typeQuery(page, 'SELECT Id, Nmae FROM Account LIMIT 5');
    const squiggle = page.locator('.monaco-editor .squiggly-error');
    await expect(squiggle).toHaveCount(1);
    await page.keyboard.press('Home');
    for (let i = 0; i < 'SELECT Id, N'.length; i += 1) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ControlOrMeta+.');
    await page.getByText("Change to 'Name'").click();
    await expect.poll(() => editorText(page)).toBe('SELECT Id, Name FROM Account LIMIT 5');
    await expect(squiggle).toHaveCount(0);
  });

  test('places the error Salesforce returns at its row and column', async ({ workbench: page }) => {
    // The statement that runs is the second one, on lines 3-4: Salesforce answers Row:2:Column:38 (the quote before
    // 'not a number'), which is line 4, column 38 of the editor.
    await typeQuery(page, "SELECT Id FROM Contact LIMIT 1;\n\nSELECT Id FROM Account\nWHERE Name = 'x' AND AnnualRevenue = 'not a number'");
    const squiggles = page.locator('.monaco-editor .squiggly-error');
    await page.waitForTimeout(600); // past the diagnostics' debounce: the client itself finds nothing wrong here
    await expect(squiggles).toHaveCount(0);
    await page.keyboard.press('ControlOrMeta+Enter');
    await expect(page.locator('.orgdesk-query__error')).toContainText("must be of type double");
    await expect(squiggles).toHaveCount(1);

    const expected = await characterBox(page, "WHERE Name = 'x' AND AnnualRevenue = 'not a number'", 37);
    const squiggle = await squiggles.boundingBox();
    expect(squiggle).not.toBeNull();
    expect(Math.abs(squiggle!.x - expected.x)).toBeLessThanOrEqual(2);
    expect(Math.abs(squiggle!.width - expected.width)).toBeLessThanOrEqual(2);
    expect(squiggle!.y).toBeGreaterThanOrEqual(expected.y - 1);
    expect(squiggle!.y + squiggle!.height).toBeLessThanOrEqual(expected.y + expected.height + 1);

    await page.mouse.move(squiggle!.x + squiggle!.width / 2, squiggle!.y + squiggle!.height / 2);
    await expect(page.locator('.monaco-hover').filter({ hasText: /^Salesforce: value of filter criterion for field 'AnnualRevenue'/ })).toBeVisible();
  });

  test('explores the FROM object beside the editor and inserts a clicked field and picklist value at the cursor', async ({ workbench: page }) => {
    await typeQuery(page, 'SELECT Id,  FROM Account WHERE Rating = ');
    await page.getByRole('button', { name: 'Fields' }).click();
    const explorer = page.getByRole('complementary', { name: 'Object explorer' });
    const fields = explorer.getByRole('list', { name: 'Fields of Account' });
    await expect(fields).toBeVisible();
    await explorer.getByLabel('Search fields').fill('rating');
    const rating = fields.locator('li').filter({ has: page.getByRole('button', { name: 'Rating', exact: true }) });
    await expect(rating).toContainText('picklist');
    await expect(rating).toContainText('Account Rating');

    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Home');
    for (let i = 0; i < 'SELECT Id, '.length; i += 1) await page.keyboard.press('ArrowRight');
    await rating.getByRole('button', { name: 'Rating', exact: true }).click();
    await expect.poll(() => editorText(page)).toBe('SELECT Id, Rating FROM Account WHERE Rating = ');
    await page.keyboard.press('End');
    await rating.locator('summary').click();
    await rating.getByRole('button', { name: 'Hot', exact: true }).click();
    await expect.poll(() => editorText(page)).toBe("SELECT Id, Rating FROM Account WHERE Rating = 'Hot'");
    await page.keyboard.press('ControlOrMeta+Enter');
    await expect(page.getByRole('grid', { name: 'Query results' }).getByRole('gridcell', { name: 'Hot' }).first()).toBeVisible();
  });

  test('closes the suggestion popup when the query runs', async ({ workbench: page }) => {
    await typeQuery(page, 'SELECT Id FROM Account LIMIT 5');
    await page.keyboard.press('Home');
    for (let i = 0; i < 'SELECT Id'.length; i += 1) await page.keyboard.press('ArrowRight');
    await page.keyboard.insertText(', Ratin');
    await page.keyboard.insertText('g');
    const suggest = page.locator('.editor-widget.suggest-widget');
    await expect(suggest.getByRole('option', { name: /^Rating/ })).toBeVisible();
    await page.keyboard.press('ControlOrMeta+Enter');
    await expect(page.getByText('5 rows', { exact: true })).toBeVisible();
    await expect(suggest).toBeHidden();
    expect(await editorText(page)).toBe('SELECT Id, Rating FROM Account LIMIT 5');
  });
});
