import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startEmulator } from '../emulator/index';
import type { WebServer } from '../electron/web/web-server';
import { expect, startBrowserMode, test as base } from './fixtures';

/**
 * Org connections as a person makes them, against browser mode with the built-in demo org (the emulator, started in-process by
 * the app on first launch) and the OS keychain (a private gnome-keyring under `npm test`). The admin's steps in Setup (users,
 * connected app) go through the local org's admin API, as the issue asks. Every `/api/invoke` answer is recorded and searched
 * for private keys and access tokens.
 */
const test = base.extend<{ demo: WebServer; orgsPage: Page; invokeBodies: string[]; cspViolations: string[] }>({
  demo: async ({}, use) => {
    const server = await startBrowserMode({
      appOptions: {
        startLocalOrg: ({ port, host }) => startEmulator({ port, host }),
      },
    });
    await use(server);
    await server.stop();
  },
  invokeBodies: async ({}, use) => {
    await use([]);
  },
  cspViolations: async ({}, use) => {
    await use([]);
  },
  orgsPage: async ({ page, demo, invokeBodies, cspViolations }, use) => {
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/invoke') {
        invokeBodies.push(`pending:${response.url()}`);
        const index = invokeBodies.length - 1;
        response.text().then(
          (body) => {
            invokeBodies[index] = body;
          },
          () => {
            invokeBodies[index] = '';
          },
        );
      }
    });
    await page.goto(demo.url);
    await page.getByRole('tab', { name: 'Orgs' }).click();
    await use(page);
  },
});

/** An access token as Salesforce (and the local org) issues it: the org id, `!`, then the session secret. */
const ACCESS_TOKEN = /00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]{20,}/;

function orgsArea(page: Page) {
  return page.getByRole('tabpanel', { name: 'Orgs' });
}

/** The shell's error banner (Monaco keeps empty `alert` live regions of its own on the page). */
function errorBanner(page: Page) {
  return page.getByRole('alert').filter({ hasText: /\S/ });
}

/** Closes the error banner when one is showing. */
async function dismissErrorBanner(page: Page): Promise<void> {
  const banner = errorBanner(page);
  if ((await banner.count()) > 0) await banner.getByRole('button', { name: 'Dismiss' }).click();
  await expect(banner).toHaveCount(0);
}

/** Waits for the demo org to be ready and reads its URL from the Orgs area, as a person would. */
async function demoOrgUrl(page: Page): Promise<string> {
  const area = orgsArea(page);
  await expect(area.getByTestId('demo-org-state')).toHaveText('Ready', { timeout: 30_000 });
  const text = await area.getByText(/^Running at http:\/\/127\.0\.0\.1:\d+\.$/).innerText();
  const url = /http:\/\/127\.0\.0\.1:\d+/.exec(text)?.[0];
  if (url === undefined) throw new Error(`No local org URL in "${text}"`);
  return url;
}

/** An active user of the local org, from its admin API (the admin picks who logs in). */
async function activeUsername(emulatorUrl: string): Promise<string> {
  const response = await fetch(`${emulatorUrl}/__emulator/users`);
  expect(response.ok).toBe(true);
  const users = (await response.json()) as { username: string; isActive: boolean }[];
  const user = users.find((candidate) => candidate.isActive);
  if (user === undefined) throw new Error('The local org has no active user');
  return user.username;
}

/** Fills and sends the New org form for a My Domain profile. */
async function createProfile(page: Page, profile: { label: string; url: string; consumerKey: string; username: string }): Promise<void> {
  const area = orgsArea(page);
  await area.getByRole('button', { name: 'New org' }).click();
  const form = area.getByRole('form', { name: 'New org' });
  await form.getByLabel(/Label/).fill(profile.label);
  // SLDS draws its own radio over the hidden input: click the choice's label, as a person does.
  await form.getByText('My Domain URL', { exact: true }).click();
  await expect(form.getByRole('radio', { name: /My Domain URL/ })).toBeChecked();
  await form.getByRole('textbox', { name: /My Domain URL/ }).fill(profile.url);
  await form.getByLabel(/Consumer key/).fill(profile.consumerKey);
  await form.getByLabel(/Username/).fill(profile.username);
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(area.getByRole('heading', { name: profile.label })).toBeVisible();
}

/** Every recorded `/api/invoke` answer, once all have been read. */
async function settledBodies(bodies: string[]): Promise<string[]> {
  await expect.poll(() => bodies.filter((body) => body.startsWith('pending:')).length).toBe(0);
  return bodies;
}

test.describe('org connections', () => {
  test('the demo org is ready on first launch and its connection test shows an org id', async ({ orgsPage: page, invokeBodies, cspViolations }) => {
    await demoOrgUrl(page);
    await expect(page.getByRole('combobox', { name: 'Org' })).toHaveValue(/.+/);
    await expect(page.getByRole('combobox', { name: 'Org' }).locator('option:checked')).toHaveText(/^Demo org \(local\) \(/);
    const area = orgsArea(page);
    await expect(area.getByRole('heading', { name: 'Demo org (local)' })).toBeVisible();
    await expect(area.getByRole('list', { name: 'Org profiles' })).toContainText('Demo');
    await expect(area.getByRole('list', { name: 'Org profiles' })).toContainText('Active');
    await area.getByRole('button', { name: 'Test connection' }).click();
    await expect(area.getByTestId('connection-org-id')).toHaveText(/^00D[A-Za-z0-9]{12,15}$/);
    await expect(area.getByRole('progressbar', { name: 'Daily API requests used' })).toBeVisible();

    const bodies = await settledBodies(invokeBodies);
    expect(bodies.length).toBeGreaterThan(3);
    expect(cspViolations).toEqual([]);
    expect(bodies.filter((body) => body.includes('PRIVATE KEY'))).toEqual([]);
    expect(bodies.filter((body) => ACCESS_TOKEN.test(body))).toEqual([]);
  });

  test('connects a new profile to the local org: key, certificate file, the admin registers it, test connection; a wrong consumer key shows the hint', async ({
    orgsPage: page,
    invokeBodies,
  }) => {
    const emulatorUrl = await demoOrgUrl(page);
    const username = await activeUsername(emulatorUrl);
    const consumerKey = `3MVG9e2e${Date.now().toString(36)}`;
    const area = orgsArea(page);

    await createProfile(page, { label: 'Local org (e2e)', url: emulatorUrl, consumerKey, username });
    await area.getByRole('button', { name: 'Generate key & certificate' }).click();
    await expect(area.getByTestId('certificate-fingerprint')).toHaveText(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

    const folder = await mkdtemp(join(tmpdir(), 'orgdesk-e2e-cert-'));
    try {
      await area.getByRole('button', { name: 'Save certificate (.crt)' }).click();
      const dialog = page.getByRole('dialog', { name: 'Save certificate' });
      const pathField = dialog.getByLabel('Save to');
      await expect(pathField).toHaveValue(/^~\/orgdesk-.+\.crt$/);
      const target = join(folder, 'local-org.crt');
      await pathField.fill(target);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await expect(area.getByText(target)).toBeVisible();
      const certificate = await readFile(target, 'utf8');
      expect(certificate).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n?$/);
      expect(certificate).not.toContain('PRIVATE KEY');

      // The admin step: upload the certificate to a connected app with this consumer key, the user pre-authorized.
      const registered = await fetch(`${emulatorUrl}/__emulator/connected-apps`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ consumerKey, certificate, preAuthorizedUsernames: [username] }),
      });
      expect(registered.status).toBe(201);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }

    // Another area may have reported something while the demo org was starting; start this step with a clear banner.
    await dismissErrorBanner(page);
    await area.getByRole('button', { name: 'Test connection' }).click();
    const result = area.getByRole('status', { name: 'Connection test result' });
    await expect(result.getByTestId('connection-org-id')).toHaveText(/^00D[A-Za-z0-9]{12,15}$/);
    await expect(result).toContainText(username);
    await expect(result).toContainText(emulatorUrl);
    await expect(errorBanner(page)).toHaveCount(0);

    // A profile whose consumer key no connected app has: the login fails with a hint saying where to copy the right one.
    await createProfile(page, { label: 'Wrong key (e2e)', url: emulatorUrl, consumerKey: '3MVG9NoSuchConnectedApp', username });
    await area.getByRole('button', { name: 'Generate key & certificate' }).click();
    await expect(area.getByTestId('certificate-fingerprint')).toBeVisible();
    await area.getByRole('button', { name: 'Test connection' }).click();
    const alert = errorBanner(page);
    await expect(alert).toContainText('consumer key');
    await expect(alert).toContainText('Copy the consumer key from the connected app');
    await expect(area.getByRole('status', { name: 'Connection test result' })).toHaveCount(0);

    // The security check: no answer of any channel carried a private key or an access token. The pattern must catch a real
    // token of this org, so it is checked against one the admin API issues.
    const session = await fetch(`${emulatorUrl}/__emulator/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username }),
    });
    const { access_token: realToken } = (await session.json()) as { access_token: string };
    expect(realToken).toMatch(ACCESS_TOKEN);
    const bodies = await settledBodies(invokeBodies);
    expect(bodies.length).toBeGreaterThan(10);
    expect(bodies.some((body) => body.includes('BEGIN CERTIFICATE'))).toBe(true);
    expect(bodies.filter((body) => body.includes('PRIVATE KEY'))).toEqual([]);
    expect(bodies.filter((body) => ACCESS_TOKEN.test(body) || body.includes(realToken))).toEqual([]);
  });

  test('imports an encrypted private key after asking for its passphrase, then deletes the profile with its key', async ({
    orgsPage: page,
    invokeBodies,
  }) => {
    const emulatorUrl = await demoOrgUrl(page);
    const area = orgsArea(page);
    const folder = await mkdtemp(join(tmpdir(), 'orgdesk-e2e-key-'));
    try {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const keyFile = join(folder, 'server.key');
      await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'correct horse' }));

      await createProfile(page, { label: 'Imported key (e2e)', url: emulatorUrl, consumerKey: '3MVG9ImportedKey', username: 'someone@example.com' });
      await area.getByRole('button', { name: 'Import private key' }).click();
      const dialog = page.getByRole('dialog', { name: 'Import private key' });
      await dialog.getByLabel('Key file').fill(keyFile);
      await dialog.getByRole('button', { name: 'Import' }).click();
      await expect(dialog.getByRole('alert')).toContainText('This private key is encrypted.');
      await dialog.getByLabel('Passphrase').fill('correct horse');
      await dialog.getByRole('button', { name: 'Import' }).click();
      await expect(dialog).toHaveCount(0);
      await expect(area.getByTestId('certificate-fingerprint')).toHaveText(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

      // The certificate OrgDesk made is for the imported key.
      await area.getByRole('button', { name: 'Save certificate (.crt)' }).click();
      const save = page.getByRole('dialog', { name: 'Save certificate' });
      const target = join(folder, 'imported.crt');
      await save.getByLabel('Save to').fill(target);
      await save.getByRole('button', { name: 'Save' }).click();
      await expect(area.getByText(target)).toBeVisible();
      const certificate = new X509Certificate(await readFile(target, 'utf8'));
      expect(certificate.publicKey.export({ type: 'spki', format: 'pem' })).toBe(publicKey.export({ type: 'spki', format: 'pem' }));
      await expect(area.getByTestId('certificate-fingerprint')).toHaveText(certificate.fingerprint256);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }

    await area.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete Imported key (e2e)?' });
    await expect(confirm).toContainText('private key from the OS keychain');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(area.getByRole('list', { name: 'Org profiles' })).not.toContainText('Imported key (e2e)');
    await expect(page.getByRole('combobox', { name: 'Org' }).locator('option', { hasText: 'Imported key (e2e)' })).toHaveCount(0);

    const bodies = await settledBodies(invokeBodies);
    expect(bodies.filter((body) => body.includes('PRIVATE KEY') || body.includes('correct horse'))).toEqual([]);
  });
});
