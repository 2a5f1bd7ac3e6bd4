import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import { startEmulator, type RunningEmulator } from '../emulator/index';
import type { WebServer } from '../electron/web/web-server';
import { areaPanel, areaTab, expect, startBrowserMode, test as base, waitForDemoOrg } from './fixtures';

/** The demo org as the test reaches it from outside the app: the emulator the app started, and browser mode. */
type DemoOrg = { server: WebServer; emulator: () => RunningEmulator };

/**
 * The event viewer as a person uses it, against browser mode with the built-in demo org (the emulator, started in-process
 * by the app itself): records are changed in the org through its REST API, as another user or an integration would.
 */
const test = base.extend<{ demo: DemoOrg; eventsPage: Page }>({
  demo: async ({}, use) => {
    let running: RunningEmulator | null = null;
    const server = await startBrowserMode({
      appOptions: {
        startLocalOrg: async ({ port, host }) => {
          running = await startEmulator({ port, host });
          return running;
        },
      },
    });
    await use({
      server,
      emulator: () => {
        if (running === null) throw new Error('The demo org has not started.');
        return running;
      },
    });
    await server.stop();
  },
  eventsPage: async ({ page, demo }, use) => {
    await page.goto(demo.server.url);
    await waitForDemoOrg(page);
    await areaTab(page, 'Events').click();
    await expect(areaPanel(page, 'Events').getByRole('button', { name: 'Subscribe' })).toBeEnabled({ timeout: 15_000 });
    await use(page);
  },
});


/** A REST client of the org, as another user: its own session from the emulator's admin API. */
function orgRest(emulator: RunningEmulator): {
  query: (soql: string) => Promise<Record<string, unknown>[]>;
  update: (object: string, id: string, fields: Record<string, unknown>) => Promise<void>;
} {
  const { access_token: token } = emulator.admin.createSession('admin@orgdesk.example');
  const base = `${emulator.url}/services/data/v62.0`;
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  return {
    query: async (soql) => {
      const response = await fetch(`${base}/query?q=${encodeURIComponent(soql)}`, { headers });
      expect(response.status).toBe(200);
      return ((await response.json()) as { records: Record<string, unknown>[] }).records;
    },
    update: async (object, id, fields) => {
      const response = await fetch(`${base}/sobjects/${object}/${id}`, { method: 'PATCH', headers, body: JSON.stringify(fields) });
      expect(response.status).toBe(204);
    },
  };
}

const eventRows = (panel: Locator): Locator => panel.getByRole('grid', { name: 'Events' }).locator('[role=row][aria-rowindex]');
const rowOf = (panel: Locator, text: string): Locator => eventRows(panel).filter({ hasText: text });

test.describe('the event viewer', () => {
  test('follows Contact changes live: highlighted fields, filters, pause and resume, capture after a reload, export', async ({ eventsPage: page, demo }, testInfo) => {
    const panel = areaPanel(page, 'Events');
    const rest = orgRest(demo.emulator());
    const [first, second] = await rest.query('SELECT Id, LastName FROM Contact ORDER BY LastName LIMIT 2');
    const firstId = String(first?.['Id']);
    const secondId = String(second?.['Id']);

    // Subscribe to Contact changes, new events only, over the Pub/Sub API (the default).
    await panel.getByLabel('Channel').fill('/data/ContactChangeEvent');
    await expect(panel.getByLabel('API')).toHaveValue('pubsub');
    await expect(panel.getByLabel('Replay')).toHaveValue('new');
    await panel.getByRole('button', { name: 'Subscribe' }).click();
    const subscriptions = panel.getByRole('list', { name: 'Subscriptions' });
    await expect(subscriptions.getByText('live')).toBeVisible({ timeout: 15_000 });
    await expect(subscriptions).toContainText('/data/ContactChangeEvent');
    await expect(subscriptions).toContainText('Pub/Sub');

    // A change in the org appears with its changed field marked.
    await rest.update('Contact', firstId, { Title: 'Chief Event Officer' });
    const update = rowOf(panel, firstId);
    await expect(update).toHaveCount(1, { timeout: 15_000 });
    await expect(update).toContainText('UPDATE');
    await expect(update).toContainText('Contact');
    await expect(update.locator('.orgdesk-events__field', { hasText: 'Title' })).toBeVisible();

    // The detail panel shows the new value of the changed field and the payload.
    await update.click();
    const detail = panel.getByRole('complementary', { name: 'Event detail' });
    const changes = detail.getByRole('table', { name: 'Changed fields' });
    await expect(changes.getByRole('row').filter({ hasText: 'Title' })).toContainText('"Chief Event Officer"');
    await expect(detail.getByRole('tree', { name: 'Payload' })).toContainText('ChangeEventHeader');

    // A second contact, then filters: by record id, by text, by change type.
    await rest.update('Contact', secondId, { Department: 'Streaming' });
    await expect(eventRows(panel)).toHaveCount(2, { timeout: 15_000 });
    await panel.getByLabel('Record id').fill(secondId);
    await expect(eventRows(panel)).toHaveCount(1);
    await expect(eventRows(panel).first()).toContainText(secondId);
    await panel.getByLabel('Record id').fill('');
    await panel.getByLabel('Search events').fill('Chief');
    await expect(eventRows(panel)).toHaveCount(1);
    await expect(eventRows(panel).first()).toContainText(firstId);
    await panel.getByLabel('Search events').fill('');
    await panel.getByLabel('Change type').selectOption('DELETE');
    await expect(eventRows(panel)).toHaveCount(0);
    await expect(panel.getByText('0 of 2 events')).toBeVisible();
    await panel.getByRole('button', { name: 'Clear filters' }).click();
    await expect(eventRows(panel)).toHaveCount(2);

    // Paused, the table holds still and counts what waits; capture goes on, and resume shows it.
    await panel.getByRole('button', { name: 'Pause' }).click();
    await rest.update('Contact', firstId, { Title: 'Chief Streaming Officer' });
    await expect(panel.getByRole('button', { name: 'Resume (1 waiting)' })).toBeVisible({ timeout: 15_000 });
    await expect(eventRows(panel)).toHaveCount(2);
    await panel.getByRole('button', { name: 'Resume (1 waiting)' }).click();
    await expect(eventRows(panel)).toHaveCount(3);
    await expect(panel.getByRole('button', { name: 'Pause' })).toBeVisible();

    // The later change of the first contact knows the previous value from the earlier event.
    await rowOf(panel, firstId).last().click();
    await expect(changes.getByRole('row').filter({ hasText: 'Title' })).toContainText('"Chief Streaming Officer"');
    await expect(changes.getByRole('row').filter({ hasText: 'Title' })).toContainText('"Chief Event Officer"');

    await page.setViewportSize({ width: 1600, height: 900 });
    await page.screenshot({ path: testInfo.outputPath('events-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    // SLDS fields fade their colours in: let them settle before the picture.
    await page.waitForTimeout(400);
    await page.screenshot({ path: testInfo.outputPath('events-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // After a reload the captured events are still there, and the subscription still runs.
    await page.reload();
    await expect(areaTab(page, 'Query')).toBeVisible();
    await areaTab(page, 'Events').click();
    await expect(eventRows(panel)).toHaveCount(3, { timeout: 15_000 });
    await expect(subscriptions.getByText('live')).toBeVisible();
    await expect(rowOf(panel, secondId)).toContainText('Department');

    // Export all as NDJSON and read the file back.
    await panel.getByRole('button', { name: 'Export all' }).click();
    const status = panel.getByRole('status').filter({ hasText: 'Exported' });
    await expect(status).toContainText('Exported 3 events to');
    const file = (await status.locator('code').innerText()).trim();
    expect(file).toMatch(/\.ndjson$/);
    const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(3);
    const messages = lines.map((line) => JSON.parse(line) as { channel: string; data: { payload: { ChangeEventHeader: { recordIds: string[] }; Title?: string } } });
    expect(messages.every((m) => m.channel === '/data/ContactChangeEvent')).toBe(true);
    expect(messages.map((m) => m.data.payload.ChangeEventHeader.recordIds[0])).toEqual([firstId, secondId, firstId]);
    expect(messages[2]?.data.payload.Title).toBe('Chief Streaming Officer');
  });

  test('highlights a gap event with what it means and re-queries its record in the workbench', async ({ eventsPage: page, demo }, testInfo) => {
    const panel = areaPanel(page, 'Events');
    const emulator = demo.emulator();
    const [contact] = await orgRest(emulator).query('SELECT Id FROM Contact ORDER BY LastName LIMIT 1');
    const contactId = String(contact?.['Id']);

    await panel.getByLabel('Channel').fill('/data/ContactChangeEvent');
    await panel.getByRole('button', { name: 'Subscribe' }).click();
    await expect(panel.getByRole('list', { name: 'Subscriptions' }).getByText('live')).toBeVisible({ timeout: 15_000 });

    // The org could not build the change event (an admin fault of the local org), so it sends a gap event instead.
    emulator.admin.streaming.emitGap('GAP_UPDATE', [contactId], 'Contact');
    const gap = rowOf(panel, contactId);
    await expect(gap).toHaveCount(1, { timeout: 15_000 });
    await expect(gap).toContainText('GAP_UPDATE');
    await expect(gap).toHaveClass(/orgdesk-events__row_alert/);

    await gap.click();
    const detail = panel.getByRole('complementary', { name: 'Event detail' });
    await expect(detail.getByRole('alert')).toBeVisible();
    await page.setViewportSize({ width: 1600, height: 900 });
    await page.screenshot({ path: testInfo.outputPath('events-gap.png') });

    await detail.getByRole('button', { name: 'Re-query in the workbench' }).click();
    const query = areaPanel(page, 'Query');
    await expect(query).toBeVisible();
    await expect(query.getByRole('grid').first()).toContainText(contactId, { timeout: 15_000 });
  });

  test('publishes a platform event from the form and watches it arrive', async ({ eventsPage: page }) => {
    const panel = areaPanel(page, 'Events');
    await panel.getByLabel('Channel').fill('/event/Order_Event__e');
    // Discovered from the org's global describe, so the picker offers it.
    await expect(panel.locator('#orgdesk-events-channels option[value="/event/Order_Event__e"]')).toHaveCount(1);
    await panel.getByRole('button', { name: 'Subscribe' }).click();
    await expect(panel.getByRole('list', { name: 'Subscriptions' }).getByText('live')).toBeVisible({ timeout: 15_000 });

    await panel.getByRole('button', { name: 'Publish' }).click();
    const form = panel.getByRole('form', { name: 'Publish a platform event' });
    await form.getByLabel(/Order Number/).fill('ORD-4242');
    await form.getByLabel(/Amount/).fill('99.5');
    await form.getByRole('button', { name: 'Publish' }).click();
    await expect(form.getByRole('status')).toContainText('Published');

    const row = rowOf(panel, 'Order_Event__e');
    await expect(row).toHaveCount(1, { timeout: 15_000 });
    await expect(row).toContainText('/event/Order_Event__e');
    await row.click();
    await expect(panel.getByRole('tree', { name: 'Payload' })).toContainText('"ORD-4242"');
    await panel.getByLabel('Search events').fill('ORD-4242');
    await expect(eventRows(panel)).toHaveCount(1);
    await panel.getByLabel('Search events').fill('ORD-9999');
    await expect(eventRows(panel)).toHaveCount(0);
  });

  test('shows a field set to null as nulled (∅) in the table and the detail, over Pub/Sub', async ({ eventsPage: page, demo }) => {
    const panel = areaPanel(page, 'Events');
    const rest = orgRest(demo.emulator());
    const [contact] = await rest.query('SELECT Id FROM Contact ORDER BY LastName DESC LIMIT 1');
    const contactId = String(contact?.['Id']);
    await panel.getByLabel('Channel').fill('/data/ContactChangeEvent');
    await panel.getByRole('button', { name: 'Subscribe' }).click();
    await expect(panel.getByRole('list', { name: 'Subscriptions' }).getByText('live')).toBeVisible({ timeout: 15_000 });
    await rest.update('Contact', contactId, { Title: 'Temporary' });
    await rest.update('Contact', contactId, { Title: null });
    await expect(rowOf(panel, contactId)).toHaveCount(2, { timeout: 15_000 });
    const nulled = rowOf(panel, contactId).last();
    await expect(nulled.locator('.orgdesk-events__field_nulled', { hasText: '∅ Title' })).toBeVisible();
    await nulled.click();
    await expect(panel.getByRole('complementary', { name: 'Event detail' }).getByLabel('Nulled (∅) fields')).toHaveText('Title');
  });

  // The CometD case: the same refusal and fall-back over the Streaming API.
  test('refuses a replay id the org does not know and starts again from every retained event, over CometD', async ({ eventsPage: page, demo }) => {
    const panel = areaPanel(page, 'Events');
    const rest = orgRest(demo.emulator());
    const [contact] = await rest.query('SELECT Id FROM Contact ORDER BY LastName LIMIT 1');
    const contactId = String(contact?.['Id']);
    // A change made before anyone listens: only replay -2 brings it.
    await rest.update('Contact', contactId, { Title: 'Retained' });

    await panel.getByLabel('Channel').fill('/data/ContactChangeEvent');
    await panel.getByLabel('API').selectOption('cometd');
    await panel.getByLabel('Replay', { exact: true }).selectOption('id');
    await panel.getByLabel('Replay id').fill('987654');
    await panel.getByRole('button', { name: 'Subscribe' }).click();
    const subscriptions = panel.getByRole('list', { name: 'Subscriptions' });
    await expect(subscriptions.getByText('failed')).toBeVisible({ timeout: 15_000 });
    await expect(subscriptions.getByRole('alert')).toContainText('refused the replay id');

    await subscriptions.getByRole('button', { name: 'Replay all retained (-2)' }).click();
    await expect(subscriptions.getByText('live')).toBeVisible({ timeout: 15_000 });
    await expect(subscriptions).toContainText('CometD · all retained (-2)');
    // The local org hands over the replayed backlog with the next delivery (its held long-poll is not woken by a
    // subscribe), so a second change brings both: the retained one first.
    await rest.update('Contact', contactId, { Title: 'Live again' });
    await expect(rowOf(panel, contactId)).toHaveCount(2, { timeout: 15_000 });
    await rowOf(panel, contactId).first().click();
    await expect(panel.getByRole('table', { name: 'Changed fields' })).toContainText('"Retained"');
    await subscriptions.getByRole('button', { name: 'Dismiss /data/ContactChangeEvent' }).click();
    await expect(subscriptions.getByText('failed')).toHaveCount(0);
  });

  test('after a reload, scrolls through more captured events than one read brings, newest at the bottom', async ({ eventsPage: page, demo }) => {
    const panel = areaPanel(page, 'Events');
    const emulator = demo.emulator();
    const { access_token: token } = emulator.admin.createSession('admin@orgdesk.example');
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const ids = (await orgRest(emulator).query('SELECT Id FROM Contact ORDER BY LastName LIMIT 600')).map((r) => String(r['Id']));
    await panel.getByLabel('Channel').fill('/data/ContactChangeEvent');
    await panel.getByRole('button', { name: 'Subscribe' }).click();
    await expect(panel.getByRole('list', { name: 'Subscriptions' }).getByText('live')).toBeVisible({ timeout: 15_000 });

    // 600 changes in three sObject Collections calls of 200, each value its own: the same change to several records in
    // one transaction would be one change event with several recordIds.
    for (let chunk = 0; chunk < 3; chunk += 1) {
      const records = ids.slice(chunk * 200, chunk * 200 + 200).map((id, i) => ({ attributes: { type: 'Contact' }, id, Department: `Wave ${chunk}-${i}` }));
      const response = await fetch(`${emulator.url}/services/data/v62.0/composite/sobjects`, { method: 'PATCH', headers, body: JSON.stringify({ allOrNone: false, records }) });
      expect(response.status).toBe(200);
    }
    await expect(panel.getByText('600 events', { exact: true })).toBeVisible({ timeout: 15_000 });

    await page.reload();
    await areaTab(page, 'Events').click();
    await expect(panel.getByText('600 events', { exact: true })).toBeVisible({ timeout: 15_000 });
    const grid = panel.getByRole('grid', { name: 'Events' });
    await expect(grid.locator('[role=row][aria-rowindex="601"]')).toContainText(ids[599] ?? '', { timeout: 15_000 });
    await grid.locator('.orgdesk-events__scroller').evaluate((element) => {
      element.scrollTop = 0;
    });
    await expect(grid.locator('[role=row][aria-rowindex="2"]')).toContainText(ids[0] ?? '');
    await grid.locator('.orgdesk-events__scroller').evaluate((element) => {
      element.scrollTop = 28 * 520;
    });
    await expect(grid.locator('[role=row][aria-rowindex="522"]')).toContainText(ids[520] ?? '');
  });
});
