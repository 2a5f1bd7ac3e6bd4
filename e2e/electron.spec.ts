import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
import { areaTab } from './fixtures';

const root = fileURLToPath(new URL('..', import.meta.url));
const hasElectron = existsSync(`${root}node_modules/electron/dist`) && existsSync(`${root}dist/electron/main.cjs`);

test.describe('the Electron app', () => {
  test.skip(!hasElectron, "Skipped: Electron's binary (node_modules/electron/dist) or the main bundle (npm run build) is missing on this machine.");

  test('opens the shell from app:// with exactly window.orgdesk = { invoke, on, fileRef } and no Node in the page', async () => {
    const app = await electron.launch({ args: [root], cwd: root });
    try {
      const page = await app.firstWindow();
      await expect(areaTab(page, 'Query')).toBeVisible();
      expect(page.url()).toMatch(/^app:\/\/orgdesk\//);
      const facts = await page.evaluate(async () => ({
        keys: Object.keys((window as unknown as { orgdesk: object }).orgdesk).sort(),
        require: typeof (globalThis as Record<string, unknown>)['require'],
        process: typeof (globalThis as Record<string, unknown>)['process'],
        info: await (window as unknown as { orgdesk: { invoke: (c: string, a: unknown) => Promise<unknown> } }).orgdesk.invoke('app:info', {}),
      }));
      expect(facts).toMatchObject({ keys: ['fileRef', 'invoke', 'on'], require: 'undefined', process: 'undefined', info: { ok: true, value: { mode: 'electron' } } });
    } finally {
      await app.close();
    }
  });
});
