import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { startWebServer, type WebServer, type WebServerOptions } from '../electron/web/web-server';
import { keychainWithoutSecretService } from '../core/test-support/no-secret-service';

/** The renderer build global-setup.ts made (or `dist/renderer` when the run was started without it). */
export const RENDERER_DIR = process.env['ORGDESK_E2E_RENDERER_DIR'] ?? fileURLToPath(new URL('../dist/renderer', import.meta.url));

/**
 * What startBrowserMode may do beyond the server options: fill the fresh user data folder before the app opens it, and
 * choose the keychain: the OS one (default; a private gnome-keyring under `npm run test:e2e`), or `none`, where keytar fails
 * as on a machine with no Secret Service (a container, CI), whether or not this machine has one.
 */
export type BrowserModeOptions = Partial<WebServerOptions> & { prepareUserData?: (userDataDir: string) => Promise<void> | void; keychain?: 'os' | 'none' };

/** Starts browser mode on a free port with a fresh user data folder (named in `userDataDir`); `stop` also removes the folder. */
export async function startBrowserMode(options: BrowserModeOptions = {}): Promise<WebServer & { userDataDir: string }> {
  const { prepareUserData, keychain = 'os', ...serverOptions } = options;
  const userDataDir = await mkdtemp(join(tmpdir(), 'orgdesk-e2e-'));
  await prepareUserData?.(userDataDir);
  if (keychain === 'none') serverOptions.appOptions = { ...serverOptions.appOptions, secrets: keychainWithoutSecretService() };
  const server = await startWebServer({ rendererDir: RENDERER_DIR, version: '0.0.0-e2e', ...serverOptions, userDataDir });
  return {
    ...server,
    userDataDir,
    stop: async () => {
      await server.stop();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The tab of one of the four areas in the shell's nav (features may have tabs of their own). */
export function areaTab(page: Page, name: 'Query' | 'Load' | 'Events' | 'Orgs'): Locator {
  return page.getByRole('tablist', { name: 'Areas' }).getByRole('tab', { name, exact: true });
}

/** The panel of one of the four areas. */
export function areaPanel(page: Page, name: 'Query' | 'Load' | 'Events' | 'Orgs'): Locator {
  return page.locator(`#orgdesk-area-${name.toLowerCase()}`);
}

/** Fixtures: `server` (browser mode, one per test) and `app` (a page opened on its URL with the shell loaded). */
export const test = base.extend<{ server: WebServer; app: Page }>({
  server: async ({}, use) => {
    const server = await startBrowserMode();
    await use(server);
    await server.stop();
  },
  app: async ({ page, server }, use) => {
    await page.goto(server.url);
    await expect(areaTab(page, 'Query')).toBeVisible();
    await use(page);
  },
});

/** Waits until the page's demo org is connected (`orgs:demo-status` answers ready), as a person waits for the green dot. */
export async function waitForDemoOrg(page: Page): Promise<void> {
  await expect(areaTab(page, 'Query')).toBeVisible();
  await expect
    .poll(
      async () =>
        page.evaluate(async () => {
          const bridge = (window as unknown as { orgdesk: { invoke: (c: string, a: unknown) => Promise<{ ok: boolean; value?: { state: string } }> } }).orgdesk;
          const result = await bridge.invoke('orgs:demo-status', {});
          return result.ok ? (result.value?.state ?? 'unknown') : 'unknown';
        }),
      { timeout: 30_000 },
    )
    .toBe('ready');
}

export { expect };
