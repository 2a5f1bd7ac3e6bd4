import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Page } from '@playwright/test';
import { startWebServer, type WebServer, type WebServerOptions } from '../electron/web/web-server';

/** The renderer build global-setup.ts made. */
export const RENDERER_DIR = fileURLToPath(new URL('../dist/renderer', import.meta.url));

/** Starts browser mode on a free port with a fresh user data folder; `stop` also removes the folder. */
export async function startBrowserMode(options: Partial<WebServerOptions> = {}): Promise<WebServer> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'orgdesk-e2e-'));
  const server = await startWebServer({ rendererDir: RENDERER_DIR, version: '0.0.0-e2e', ...options, userDataDir });
  return {
    ...server,
    stop: async () => {
      await server.stop();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
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
    await expect(page.getByRole('tab', { name: 'Query' })).toBeVisible();
    await use(page);
  },
});

export { expect };
