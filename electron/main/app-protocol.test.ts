import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Protocol } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRequestPath, handleAppProtocol } from './app-protocol';

let root: string;
let rendererDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'orgdesk-app-protocol-'));
  rendererDir = join(root, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>OrgDesk</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(root, 'secret.txt'), 'outside the build');
  await mkdir(join(root, 'renderer-evil'), { recursive: true });
  await writeFile(join(root, 'renderer-evil', 'x.js'), 'a sibling whose name starts like the build');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('appRequestPath', () => {
  it('maps app://orgdesk/ paths to files inside the renderer build', () => {
    expect(appRequestPath('app://orgdesk/', rendererDir)).toBe(join(rendererDir, 'index.html'));
    expect(appRequestPath('app://orgdesk/index.html', rendererDir)).toBe(join(rendererDir, 'index.html'));
    expect(appRequestPath('app://orgdesk/assets/app.js?v=1#x', rendererDir)).toBe(join(rendererDir, 'assets', 'app.js'));
  });

  it('refuses every way of climbing out of the build', () => {
    for (const url of [
      'app://orgdesk/%2e%2e/secret.txt',
      'app://orgdesk/%2E%2E%2Fsecret.txt',
      'app://orgdesk/assets/%2e%2e/%2e%2e/secret.txt',
      'app://orgdesk/..%2fsecret.txt',
      'app://orgdesk/..%5csecret.txt',
      'app://orgdesk/%5c..%5csecret.txt',
      'app://orgdesk/%2e%2e/renderer-evil/x.js',
      'app://orgdesk/index.html%00.js',
      'app://orgdesk/%E0%A4%A',
    ]) {
      // The URL parser already folds `%2e%2e` segments (WHATWG URL), so some of these land inside the build: never outside.
      const path = appRequestPath(url, rendererDir);
      expect(path === null || path.startsWith(join(rendererDir, '/')), `${url} -> ${String(path)}`).toBe(true);
    }
    for (const url of ['app://orgdesk/..%2fsecret.txt', 'app://orgdesk/..%5csecret.txt', 'app://orgdesk/%2e%2e%2fsecret.txt', 'app://orgdesk/index.html%00.js']) {
      expect(appRequestPath(url, rendererDir), url).toBeNull();
    }
  });

  it('keeps a plain ../ inside the build (the URL parser resolves it before the handler sees it)', () => {
    expect(appRequestPath('app://orgdesk/../secret.txt', rendererDir)).toBe(join(rendererDir, 'secret.txt'));
  });

  it('refuses another host, another scheme and an unparsable URL', () => {
    expect(appRequestPath('app://other/index.html', rendererDir)).toBeNull();
    expect(appRequestPath('file:///etc/passwd', rendererDir)).toBeNull();
    expect(appRequestPath('https://orgdesk/index.html', rendererDir)).toBeNull();
    expect(appRequestPath('not a url', rendererDir)).toBeNull();
  });
});

describe('handleAppProtocol', () => {
  it('answers build files with the CSP, and 404 for anything outside the build', async () => {
    let handler: (request: Request) => Promise<Response> = () => Promise.reject(new Error('not registered'));
    const protocol = { handle: (_scheme: string, registered: typeof handler) => (handler = registered) } as unknown as Protocol;
    handleAppProtocol(protocol, rendererDir);

    const page = await handler(new Request('app://orgdesk/index.html'));
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(await readFile(join(rendererDir, 'index.html'), 'utf8'));
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const outside = await handler(new Request('app://orgdesk/%2e%2e/secret.txt'));
    expect(outside.status).toBe(404);
    expect(await outside.text()).not.toContain('outside the build');
  });
});
