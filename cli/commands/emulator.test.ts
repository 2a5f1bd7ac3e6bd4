import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, noKeychainEnv, runOrgdesk, startOrgdesk } from '../test/run-orgdesk';

const folder = mkdtempSync(join(tmpdir(), 'orgdesk-cli-emulator-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('orgdesk emulator', () => {
  it('runs the local org on the port asked for (0 picks one), answers REST, and stops cleanly on Ctrl+C', async () => {
    const child = startOrgdesk(['emulator', '--port', '0', '--no-seed'], { env: noKeychainEnv(join(folder, 'user-data')) });
    const done = collect(child, 45_000);
    let printed = '';
    child.stdout?.on('data', (chunk: string) => (printed += chunk));
    while (!/listening on (http:\/\/127\.0\.0\.1:\d+)/.test(printed)) await once(child.stdout ?? child, 'data');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1] ?? '';
    const versions = (await (await fetch(`${url}/services/data`)).json()) as Array<{ version: string }>;
    expect(versions.length).toBeGreaterThan(0);
    child.kill('SIGINT');
    const run = await done;
    expect(run.code).toBe(0);
    await expect(fetch(`${url}/services/data`)).rejects.toThrow();
  });

  it('refuses a port that is not one, with exit code 2', async () => {
    const run = await runOrgdesk(['emulator', '--port', '70000'], { env: noKeychainEnv(join(folder, 'user-data')) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/a port is a whole number from 0 to 65535/);
  });
});
