import { areaTab, expect, test } from './fixtures';

test.describe('security baseline in the page', () => {
  test('the page has no require and no process', async ({ app }) => {
    const globals = await app.evaluate(() => ({
      require: typeof (globalThis as Record<string, unknown>)['require'],
      process: typeof (globalThis as Record<string, unknown>)['process'],
      module: typeof (globalThis as Record<string, unknown>)['module'],
    }));
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined' });
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

  test('a request with a foreign Origin gets 403, even with the token', async ({ request, server }) => {
    const response = await request.post(`${server.origin}/api/invoke`, {
      data: { channel: 'app:info', args: {} },
      headers: { origin: 'https://evil.example', 'x-orgdesk-token': server.token },
    });
    expect(response.status()).toBe(403);
  });

  test('a page on another site cannot call OrgDesk', async ({ page, server, context }) => {
    // Serve a foreign page through routing, then let it try to reach the app's API with the real token.
    await context.route('http://evil.example/**', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><p>evil</p>' }));
    await page.goto('http://evil.example/');
    const outcome = await page.evaluate(
      async ({ origin, token }) => {
        try {
          const response = await fetch(`${origin}/api/invoke`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-orgdesk-token': token },
            body: JSON.stringify({ channel: 'app:info', args: {} }),
          });
          return `status ${response.status}`;
        } catch {
          return 'blocked';
        }
      },
      { origin: server.origin, token: server.token },
    );
    expect(outcome).not.toBe('status 200');
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
