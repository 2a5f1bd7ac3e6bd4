import { request as httpRequest } from 'node:http';
import { areaTab, expect, test } from './fixtures';

/** POSTs app:info to browser mode from Node, with whatever headers a forger likes (a browser would not let a page set Origin). */
function postFromNode(port: number, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ channel: 'app:info', args: {} });
    const request = httpRequest(
      { host: '127.0.0.1', port, path: '/api/invoke', method: 'POST', headers: { 'content-type': 'application/json', host: `127.0.0.1:${port}`, ...headers } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

test.describe('security baseline in the page', () => {
  // The Electron preload's exposure (no require, no process, exactly { invoke, on }) is tested in electron/preload/preload.test.ts:
  // browser mode has no preload, so checking the page here would prove nothing about Electron.

  test('the launch token is exchanged for an HttpOnly, SameSite=Strict cookie and kept nowhere the page can read', async ({ app, server, context }) => {
    expect(app.url()).toBe(`${server.origin}/`);
    const seen = await app.evaluate(() => ({
      cookie: document.cookie,
      session: JSON.stringify({ ...sessionStorage }),
      local: JSON.stringify({ ...localStorage }),
      entries: history.length,
    }));
    expect(seen.cookie).toBe('');
    expect(seen.session).not.toContain(server.token);
    expect(seen.local).not.toContain(server.token);
    // about:blank, then the app: the fragment was replaced in place, never left behind as an entry of its own.
    expect(seen.entries).toBe(2);
    const cookies = await context.cookies(server.origin);
    expect(cookies.map(({ name, domain, path, httpOnly, sameSite }) => ({ name, domain, path, httpOnly, sameSite }))).toEqual([
      { name: `orgdesk-session-${server.port}`, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Strict' },
    ]);
    expect(cookies[0]?.value).not.toBe(server.token);

    // The event socket is authenticated by that cookie alone (the page no longer holds the token): an event gets through.
    const seenEvent = app.evaluate(
      () =>
        new Promise<unknown>((resolve) => {
          const bridge = (window as unknown as { orgdesk: { on: (channel: string, listener: (payload: unknown) => void) => void } }).orgdesk;
          bridge.on('orgs:changed', resolve);
        }),
    );
    await expect.poll(async () => {
      server.context.events.emit('orgs:changed', { activeOrgId: 'from-main' });
      return Promise.race([seenEvent, new Promise((resolve) => setTimeout(() => resolve('nothing yet'), 200))]);
    }).toEqual({ activeOrgId: 'from-main' });
    await app.goBack();
    expect(app.url()).not.toContain(server.token);
  });

  test('a tab opened without the token, and without the cookie, is not connected', async ({ browser, server }) => {
    const stranger = await browser.newContext();
    try {
      const page = await stranger.newPage();
      await page.goto(`${server.origin}/`);
      await expect(page.getByText(/not connected to OrgDesk/)).toBeVisible();
    } finally {
      await stranger.close();
    }
  });

  test('window.orgdesk has exactly invoke, on and fileRef, and cannot be replaced', async ({ app }) => {
    const shape = await app.evaluate(() => {
      const bridge = (window as unknown as { orgdesk: Record<string, unknown> }).orgdesk;
      const keys = Reflect.ownKeys(bridge).map(String).sort();
      const types = keys.map((key) => typeof bridge[key]);
      try {
        (window as unknown as { orgdesk: unknown }).orgdesk = { invoke: () => 'evil' };
      } catch {
        // Strict-mode code throws on the read-only property; either way it must stay the same object.
      }
      const replaced = (window as unknown as { orgdesk: unknown }).orgdesk !== bridge;
      return { keys, types, frozen: Object.isFrozen(bridge), replaced };
    });
    expect(shape).toEqual({ keys: ['fileRef', 'invoke', 'on'], types: ['function', 'function', 'function'], frozen: true, replaced: false });
  });

  test('fileRef takes only a file the page holds, never a path typed by the page', async ({ app }) => {
    const result = await app.evaluate(() =>
      (window as unknown as { orgdesk: { fileRef: (file: unknown) => Promise<unknown> } }).orgdesk.fileRef('/etc/passwd'),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  test('an upload without the token gets 401', async ({ request, server }) => {
    const response = await request.post(`${server.origin}/api/upload`, { data: { name: 'a.csv', sizeBytes: 1 } });
    expect(response.status()).toBe(401);
  });

  test('an unknown channel is refused', async ({ app }) => {
    const result = await app.evaluate(() =>
      (window as unknown as { orgdesk: { invoke: (channel: string, args: unknown) => Promise<unknown> } }).orgdesk.invoke('fs:read', {
        path: '/etc/passwd',
      }),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('Unknown channel') } });
  });

  test('a request without the token gets 401', async ({ request, server }) => {
    const response = await request.post(`${server.origin}/api/invoke`, { data: { channel: 'app:info', args: {} } });
    expect(response.status()).toBe(401);
  });

  test('a request forged from Node with a foreign Origin gets 403, even with the session cookie and the token', async ({ app, server, context }) => {
    await expect(areaTab(app, 'Query')).toBeVisible();
    const [cookie] = await context.cookies(server.origin);
    const forged = await postFromNode(server.port, { origin: 'http://evil.example', cookie: `${cookie?.name}=${cookie?.value}`, 'x-orgdesk-token': server.token });
    expect(forged.status).toBe(403);
    expect(forged.body).not.toContain('"ok":true');
    // The same request with the app's own Origin is answered, so the 403 above is the Origin check and nothing else.
    const own = await postFromNode(server.port, { origin: server.origin, 'x-orgdesk-token': server.token });
    expect(own.status).toBe(200);
    // The page's cookie alone names no sender: a call must name the event connection main gave the tab.
    const cookieOnly = await postFromNode(server.port, { origin: server.origin, cookie: `${cookie?.name}=${cookie?.value}` });
    expect(cookieOnly.status).toBe(401);
  });

  test('the page names no file: load:open of a path (the SSH key, /etc/passwd) and an output folder path are refused', async ({ app }) => {
    await expect(areaTab(app, 'Query')).toBeVisible();
    const answers = await app.evaluate(async () => {
      const { invoke } = (window as unknown as { orgdesk: { invoke: (channel: string, args: unknown) => Promise<unknown> } }).orgdesk;
      const plan = { objectName: 'Account', operation: 'insert', mappings: [], dates: { dateOrder: 'ymd', timeZone: 'UTC' } };
      return Promise.all([
        invoke('load:open', { file: { kind: 'path', path: '~/.ssh/id_rsa' } }),
        invoke('load:open', { file: { kind: 'path', path: '/etc/passwd' } }),
        invoke('load:open', { file: { kind: 'ref', ref: '/etc/passwd' } }),
        invoke('load:open', { file: { kind: 'upload', uploadId: '../../../etc/passwd' } }),
        invoke('load:start', { orgId: 'o', fileId: 'f', plan, options: { excludeInvalid: true, outputDir: '/tmp' } }),
      ]);
    });
    for (const answer of answers) expect(answer).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(JSON.stringify(answers)).not.toContain('root:');
  });

  test('a call naming a connection the page made up is refused, even with the session cookie', async ({ app }) => {
    await expect(areaTab(app, 'Query')).toBeVisible();
    const status = await app.evaluate(async () => {
      const response = await fetch('/api/invoke', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-orgdesk-connection': 'another-tab' },
        body: JSON.stringify({ channel: 'app:info', args: {} }),
      });
      return response.status;
    });
    expect(status).toBe(401);
  });

  test('a link to an external site does not navigate the app', async ({ app, context }) => {
    let externalRequests = 0;
    await context.route('https://example.com/**', (route) => {
      externalRequests += 1;
      return route.fulfill({ contentType: 'text/html', body: '<p>outside</p>' });
    });
    const appUrl = app.url();
    await app.evaluate(() => {
      const link = document.createElement('a');
      link.href = 'https://example.com/phish';
      link.textContent = 'external link';
      link.id = 'external-link';
      document.body.append(link);
    });
    await app.locator('#external-link').click();
    await app.waitForTimeout(300);
    expect(app.url()).toBe(appUrl);
    expect(externalRequests).toBe(0);
    await expect(areaTab(app, 'Query')).toBeVisible();
  });
});
