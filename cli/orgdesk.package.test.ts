/**
 * The packed CLI as a user gets it: `npm pack` (its prepack builds the bundle), `npm install -g` of the tarball into a
 * temporary prefix (the registry or npm's cache supplies the dependencies; the native ones build from source), then the
 * installed `orgdesk` run from a folder outside the project, with a PATH holding only Node: `--version`, `orgdesk emulator`
 * in the background, a profile, a load and a query against it. Slow (the natives compile: minutes, bounded below), so it is
 * its own vitest project, `package` (`npm run test:package`, and part of `npm test`), not one of the unit projects.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyAndCertificate } from '../core/auth/certificate';
import { collect, noKeychainEnv, type OrgdeskRun } from './test/run-orgdesk';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INSTALL_MS = 9 * 60_000;
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let folder: string;
let orgdesk: string;
let env: NodeJS.ProcessEnv;
let emulator: ChildProcess | null = null;

/** Runs a command to its end, failing the test with its output when it does not exit 0. */
function mustRun(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): string {
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', timeout: INSTALL_MS });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} ended ${String(result.status ?? result.signal)}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function run(args: string[]): Promise<OrgdeskRun> {
  return collect(spawn(orgdesk, args, { cwd: folder, env, stdio: ['ignore', 'pipe', 'pipe'] }), 60_000);
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'orgdesk-pack-'));
  const packed = mustRun('npm', ['pack', '--silent', '--pack-destination', folder], { cwd: ROOT }).trim().split('\n').pop() ?? '';
  const prefix = join(folder, 'prefix');
  // npm 11 runs no install script it was not told to allow; the two native modules need theirs (a build from source here).
  mustRun('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--allow-scripts=better-sqlite3,keytar', join(folder, packed)], {
    cwd: folder,
  });
  orgdesk = join(prefix, 'bin', 'orgdesk');
  // Only Node on the PATH: nothing of the project (tsx, its node_modules) can help the installed CLI.
  env = noKeychainEnv(join(folder, 'user-data'), { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: folder });
}, INSTALL_MS + 60_000);

afterAll(() => {
  emulator?.kill('SIGINT');
  rmSync(folder, { recursive: true, force: true });
});

describe('the packed orgdesk', () => {
  it('installs with npm install -g and runs --version, the local org, a load and a query from the bundle', async () => {
    const version = await run(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` });

    emulator = spawn(orgdesk, ['emulator', '--port', '0'], { cwd: folder, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    const url = await new Promise<string>((resolve, reject) => {
      emulator?.stdout?.setEncoding('utf8').on('data', (text: string) => {
        said += text;
        const match = /listening on (http:\/\/\S+)/.exec(said);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      emulator?.once('exit', (code) => reject(new Error(`orgdesk emulator ended ${String(code)}: ${said}`)));
    });

    const { privateKeyPem, certificatePem } = await generateKeyAndCertificate({ commonName: 'Packed CLI', now: new Date() });
    const keyFile = join(folder, 'server.key');
    writeFileSync(keyFile, privateKeyPem, { mode: 0o600 });
    const registered = await fetch(`${url}/__emulator/connected-apps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ consumerKey: 'CKpacked', certificate: certificatePem, preAuthorizedUsernames: ['admin@orgdesk.example'] }),
    });
    expect(registered.status).toBe(201);

    const added = await run(['orgs', 'add', '--label', 'Packed', '--username', 'admin@orgdesk.example', '--consumer-key', 'CKpacked', '--my-domain-url', url, '--key-file', keyFile]);
    expect(added.code, added.stderr).toBe(0);

    const csv = join(folder, 'accounts.csv');
    writeFileSync(csv, ['Name', ...Array.from({ length: 30 }, (_, i) => `Packed Account ${i + 1}`)].join('\n'));
    const loaded = await run(['load', csv, '--object', 'Account', '--operation', 'insert', '--key-file', keyFile, '--json']);
    expect(loaded.code).toBe(0);
    expect(JSON.parse(loaded.stdout)).toMatchObject({ state: 'done', counts: { input: 30, success: 30 }, exitCode: 0 });

    const queried = await run(['query', "SELECT Name FROM Account WHERE Name LIKE 'Packed Account %'", '--key-file', keyFile, '--json']);
    expect(queried.code).toBe(0);
    const document = JSON.parse(queried.stdout) as { state: string; rows: number; records: { Name: string }[] };
    expect(document).toMatchObject({ state: 'done', rows: 30 });
    expect(new Set(document.records.map((record) => record.Name)).size).toBe(30);
  });
});
