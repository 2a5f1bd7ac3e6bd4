import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import { startEmulator, type RunningEmulator } from '../emulator/index';
import type { WebServer } from '../electron/web/web-server';
import { areaPanel, areaTab, expect, startBrowserMode, test as base, waitForDemoOrg } from './fixtures';

/**
 * A CSV load as a person does it, against browser mode with the built-in demo org (the emulator, started in-process by the
 * app) and the OS keychain: drop the file, fix the mapping and the date order, read the pre-flight issues, load anyway,
 * watch the progress, then open the result files and check they add up to the input.
 */
const test = base.extend<{ demo: WebServer & { org: () => RunningEmulator }; loadArea: Page }>({
  demo: async ({}, use) => {
    let org: RunningEmulator | null = null;
    const server = await startBrowserMode({
      appOptions: {
        startLocalOrg: async ({ port, host }) => {
          org = await startEmulator({ port, host });
          return org;
        },
      },
    });
    await use({
      ...server,
      org: () => {
        if (org === null) throw new Error('The demo org has not started.');
        return org;
      },
    });
    await server.stop();
  },
  loadArea: async ({ page, demo }, use) => {
    await page.goto(demo.url);
    await waitForDemoOrg(page);
    await areaTab(page, 'Load').click();
    await use(page);
  },
});

const ROWS = 30;
/** Rows pre-flight must refuse: two without a last name, one with a 31 February. */
const EMPTY_NAME_ROWS = new Set([5, 12]);
const BAD_DATE_ROW = 9;
/** A row that passes pre-flight but that the org refuses: its account's external id does not exist. */
const UNKNOWN_ACCOUNT_ROW = 20;

/** The file an admin would export from a spreadsheet: a header that is not the API names, dates as day/month/year. */
function contactsCsv(): string {
  const lines = ['Last Name,First Name,Mail,Account.External_Id__c,Birthdate,Notes'];
  for (let row = 1; row <= ROWS; row += 1) {
    const lastName = EMPTY_NAME_ROWS.has(row) ? '' : `E2E Load ${row}`;
    const account = row === UNKNOWN_ACCOUNT_ROW ? 'ACC-99999' : `ACC-${String((row % 5) + 1).padStart(5, '0')}`;
    const birthdate = row === BAD_DATE_ROW ? '31/02/1990' : `${String((row % 28) + 1).padStart(2, '0')}/0${(row % 9) + 1}/1990`;
    lines.push(`${lastName},Ada,ada.${row}@load.example,${account},${birthdate},"note ${row}, kept out"`);
  }
  return `${lines.join('\n')}\n`;
}

/** Drops a file on the drop zone the way a browser does: a drop event carrying a DataTransfer with the file. */
async function dropCsv(page: Page, name: string, text: string): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ fileName, content }) => {
      const data = new DataTransfer();
      data.items.add(new File([content], fileName, { type: 'text/csv' }));
      return data;
    },
    { fileName: name, content: text },
  );
  const zone = page.getByTestId('load-drop-zone');
  await zone.dispatchEvent('dragenter', { dataTransfer: transfer });
  await zone.dispatchEvent('drop', { dataTransfer: transfer });
}

/** The data rows of a result file, by its header. */
async function resultRows(path: string): Promise<Record<string, string>[]> {
  return parse<Record<string, string>>(await readFile(path, 'utf8'), { columns: true, skip_empty_lines: true });
}

test.describe('a CSV load', () => {
  test('drops a file, fixes the mapping, reads the pre-flight issues, loads anyway, watches progress and gets files that add up', async ({ loadArea: page, demo }) => {
    const area = areaPanel(page, 'Load');
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await dropCsv(page, 'contacts-e2e.csv', contactsCsv());

    // What main read, streaming: 30 records, comma, LF, UTF-8 without BOM, and the first rows.
    const facts = area.getByLabel('About contacts-e2e.csv');
    await expect(facts).toContainText('Rows30');
    await expect(facts).toContainText('DelimiterComma');
    await expect(facts).toContainText('Line endingsLF');
    await expect(facts).toContainText('EncodingUTF-8');
    await expect(area.getByRole('region', { name: /rows of contacts-e2e\.csv/ })).toContainText('ada.1@load.example');

    // Map it to Contact: Last Name and First Name match by label, the lookup by its header; "Mail" needs a hand.
    await area.getByLabel('Object', { exact: true }).selectOption('Contact');
    await expect(area.getByLabel('Field for Last Name')).toHaveValue('LastName');
    await expect(area.getByLabel('Field for Account.External_Id__c')).toHaveValue('lookup:Account');
    await expect(area.getByLabel('Field for Mail')).toHaveValue('');
    await area.getByLabel('Field for Mail').selectOption('Email');
    await expect(area.getByText('Left out (1)')).toBeVisible();
    await expect(area.getByText('These columns are not loaded: Notes')).toBeVisible();

    // The first check reads the dates year first: every birthdate is refused, with examples.
    await area.getByRole('button', { name: 'Check the whole file' }).click();
    await expect(area.getByText(/of 30 rows have issues/)).toBeVisible({ timeout: 20_000 });
    await expect(area.getByRole('region', { name: /date/i }).first()).toBeVisible();

    // The file writes day/month/year: say so and check again. What is left is what is really wrong.
    await area.getByLabel('Dates are written').selectOption('dmy');
    await expect(area.getByText(/The plan changed since the last check/)).toBeVisible();
    await area.getByRole('button', { name: 'Re-check' }).click();
    await expect(area.getByText('3 of 30 rows have issues; 27 are valid.', { exact: false })).toBeVisible({ timeout: 20_000 });
    const report = area.locator('.orgdesk-load-report');
    const required = report.getByRole('region').filter({ hasText: 'Last Name' }).first();
    await expect(required.locator('.orgdesk-load-issue__count')).toHaveText('2');
    await expect(required.getByRole('row')).toHaveCount(3);
    await expect(required.getByRole('cell', { name: '5', exact: true })).toBeVisible();
    await expect(required.getByRole('cell', { name: '12', exact: true })).toBeVisible();
    const dates = report.getByRole('region').filter({ hasText: '31/02/1990' });
    await expect(dates.locator('.orgdesk-load-issue__count')).toHaveText('1');
    await expect(dates.getByRole('cell', { name: String(BAD_DATE_ROW), exact: true })).toBeVisible();
    await expect(area.getByText(/API calls of [\d,]+ left/)).toBeVisible();

    // One job for the 27 rows (grouping by parent record would spread them over parallel lanes), held by the org after
    // 10 rows, so the progress can be watched before it finishes.
    const grouping = area.getByRole('checkbox', { name: 'Group rows by parent record' });
    await expect(grouping).toBeChecked();
    await area.getByText('Group rows by parent record', { exact: true }).click();
    await expect(grouping).not.toBeChecked();
    demo.org().admin.addFault({ kind: 'bulk-stall-ingest', afterRows: 10 });
    await area.getByRole('button', { name: 'Load anyway: 27 valid rows (exclude 3 invalid)' }).click();
    const loading = area.getByRole('article', { name: 'Loading' });
    await expect(loading.getByRole('button', { name: 'Cancel load' })).toBeVisible();
    const stats = loading.getByLabel('Load progress');
    await expect(stats).toContainText('Uploaded27 / 27', { timeout: 20_000 });
    await expect(stats).toContainText('Processed10');
    await expect(loading.getByRole('progressbar', { name: 'Rows processed' })).toHaveAttribute('aria-valuenow', '37');
    await expect(loading.getByRole('img', { name: 'Rows processed over time' }).locator('canvas')).toBeVisible();
    await expect(loading.getByRole('table', { name: 'Bulk API jobs' })).toContainText('InProgress');
    demo.org().admin.addFault({ kind: 'bulk-release-stall' });

    // The results: every input row is in exactly one file, and the screen says so.
    const files = area.getByRole('table', { name: 'Result files' });
    await expect(files).toBeVisible({ timeout: 30_000 });
    await expect(files).toContainText('✓ 26 + 1 + 0 + 3 = 30: every row is in exactly one file');
    const pathOf = async (label: string): Promise<string> => (await files.getByRole('row', { name: new RegExp(`^${label}`) }).locator('code').innerText()).trim();
    const success = await resultRows(await pathOf('Succeeded'));
    const failure = await resultRows(await pathOf('Failed'));
    const unprocessed = await resultRows(await pathOf('Not processed'));
    const excluded = await resultRows(await pathOf('Left out by pre-flight'));

    expect(success).toHaveLength(26);
    expect(success.every((row) => /^003[0-9A-Za-z]{15}$/.test(row['sf__Id'] ?? ''))).toBe(true);
    expect(success.every((row) => row['sf__Created'] === 'true')).toBe(true);
    expect(failure.map((row) => Number(row['row']))).toEqual([UNKNOWN_ACCOUNT_ROW]);
    expect(failure[0]?.['sf__Error']).toMatch(/ACC-99999/);
    expect(unprocessed).toHaveLength(0);
    expect(excluded.map((row) => Number(Object.values(row)[0])).sort((a, b) => a - b)).toEqual([5, BAD_DATE_ROW, 12]);
    const seen = [...success, ...failure, ...unprocessed, ...excluded].map((row) => Number(Object.values(row)[0])).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: ROWS }, (_, index) => index + 1));

    // The org has the 26 contacts, once each, with the birthdate as written (day first, not shifted by a day).
    const inOrg = await page.evaluate(async () => {
      type Bridge = {
        invoke: (c: string, a: unknown) => Promise<{ ok: boolean; value?: unknown }>;
        on: (c: string, listener: (payload: { runId: string; state: string }) => void) => () => void;
      };
      const bridge = (window as unknown as { orgdesk: Bridge }).orgdesk;
      const active = (await bridge.invoke('orgs:active', {})) as { value?: { activeOrgId: string } };
      const ended = new Map<string, string>();
      const stop = bridge.on('query:progress', (progress) => {
        if (progress.state !== 'running') ended.set(progress.runId, progress.state);
      });
      const run = (await bridge.invoke('query:run', {
        orgId: active.value?.activeOrgId,
        soql: "SELECT LastName, Birthdate FROM Contact WHERE LastName LIKE 'E2E Load%' ORDER BY LastName",
        includeDeleted: false,
        mode: 'rest',
      })) as { value?: { runId: string } };
      const runId = run.value?.runId ?? '';
      for (let attempt = 0; attempt < 100 && !ended.has(runId); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      stop();
      const rows = (await bridge.invoke('query:rows', { runId, offset: 0, limit: 100, sort: [], filter: '' })) as { value?: { rows: unknown[][] } };
      return { state: ended.get(runId), rows: rows.value?.rows ?? [] };
    });
    expect(inOrg.state).toBe('done');
    expect(inOrg.rows).toHaveLength(26);
    expect(inOrg.rows).toContainEqual(['E2E Load 1', '1990-02-02']);

    // The chart (uPlot, loaded on first show) and the inline widths of the bars stay inside the page's CSP.
    expect(violations).toEqual([]);

    // The history lists it with its state.
    await expect(area.getByRole('list', { name: 'Load history' })).toContainText('contacts-e2e.csv');

    // "Retry failed rows" opens the failure file as a new load, with the same plan offered again.
    await area.getByRole('button', { name: 'Retry 1 failed row' }).click();
    const retry = area.getByLabel(/^About contacts-e2e.*failure/);
    await expect(retry).toContainText('Rows1');
    await expect(area.getByLabel('Object', { exact: true })).toHaveValue('Contact');
    await expect(area.getByLabel('Dates are written')).toHaveValue('dmy');
    await expect(area.getByRole('region', { name: /rows of contacts-e2e/ })).toContainText('ACC-99999');
  });

  test('refuses a file that is not UTF-8 naming its line, then reads it as Windows-1252 when asked', async ({ loadArea: page }) => {
    const area = areaPanel(page, 'Load');
    const transfer = await page.evaluateHandle(() => {
      // "Müller,Jérôme" as an older Excel saves it: Windows-1252 bytes, not UTF-8.
      const bytes = new Uint8Array([...'Last Name,First Name\n'].map((c) => c.charCodeAt(0)).concat([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x2c, 0x4a, 0xe9, 0x72, 0xf4, 0x6d, 0x65, 0x0a]));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'legacy.csv', { type: 'text/csv' }));
      return data;
    });
    await page.getByTestId('load-drop-zone').dispatchEvent('drop', { dataTransfer: transfer });
    await expect(area.getByRole('alert')).toContainText('legacy.csv: Line 2 is not valid UTF-8');
    await area.getByRole('button', { name: 'Read it as Windows-1252' }).click();
    await expect(area.getByLabel('About legacy.csv')).toContainText('EncodingWINDOWS-1252');
    await expect(area.getByRole('region', { name: /rows of legacy\.csv/ })).toContainText('Jérôme');
  });
});
