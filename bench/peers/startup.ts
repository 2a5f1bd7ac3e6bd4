/**
 * `npm run bench -- peers/startup`: the start-up of each command-line tool as its own process, the first of the peer
 * benchmark's jobs (issue 22): `orgdesk --version` from the bundle (built first), from the sources through tsx, Salesforce's
 * `sf --version` and `node -e "require('jsforce')"` (a jsforce 3 script's start). Wall time (median of 7 runs) and peak RSS
 * of the process; prints, never asserts. The sf CLI is found as bench/peers/lib/peer-tools.ts says ($ORGDESK_PEER_SF,
 * $ORGDESK_PEER_NODE22) and skipped, saying so, when missing. The Bulk jobs against one local org are bench/peers/jobs.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findSf, sfEnvironment } from './lib/peer-tools';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = 7;

type Tool = { name: string; command: string; args: string[]; env?: NodeJS.ProcessEnv };

/** Median wall seconds and largest peak RSS (MB) of `RUNS` runs, from /usr/bin/time. */
function measure(tool: Tool): { seconds: number; rssMb: number } | string {
  const walls: number[] = [];
  let rss = 0;
  for (let i = 0; i < RUNS; i += 1) {
    const run = spawnSync('/usr/bin/time', ['-f', '%e %M', tool.command, ...tool.args], { cwd: root, env: tool.env ?? process.env, encoding: 'utf8' });
    if (run.status !== 0) return `exit ${String(run.status)}: ${run.stderr.trim().split('\n').slice(-2).join(' ')}`;
    const [wall = 'NaN', kb = '0'] = run.stderr.trim().split('\n').pop()?.split(' ') ?? [];
    walls.push(Number(wall));
    rss = Math.max(rss, Number(kb) / 1024);
  }
  walls.sort((a, b) => a - b);
  return { seconds: walls[Math.floor(RUNS / 2)] ?? Number.NaN, rssMb: rss };
}

spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts/build.ts'), '--cli-only'], { cwd: root, stdio: 'inherit' });
const bin = join(root, 'cli/orgdesk.mjs');
const tools: Tool[] = [
  { name: 'orgdesk (bundle)', command: process.execPath, args: [bin, '--version'] },
  { name: 'orgdesk (tsx)', command: process.execPath, args: [bin, '--version'], env: { ...process.env, ORGDESK_FROM_SOURCE: '1' } },
  { name: 'jsforce 3 require', command: process.execPath, args: ['-e', "require('jsforce')"] },
];
const sf = findSf();
if ('sf' in sf) {
  tools.push({ name: 'sf CLI 2', command: sf.sf, args: ['--version'], env: sfEnvironment(sf, mkdtempSync(join(tmpdir(), 'orgdesk-sf-home-'))) });
} else {
  console.log(`sf CLI skipped: ${sf.missing}.`);
}

const results = tools.map((tool) => ({ tool, result: measure(tool) }));
const ours = results[0]?.result;
console.log(`start-up, median of ${RUNS} runs (wall s, peak RSS MB):`);
for (const { tool, result } of results) {
  if (typeof result === 'string') {
    console.log(`  ${tool.name.padEnd(20)} failed: ${result}`);
    continue;
  }
  const ratio = typeof ours === 'object' ? `  orgdesk bundle ÷ this: ${(ours.seconds / result.seconds).toFixed(2)}× time, ${(ours.rssMb / result.rssMb).toFixed(2)}× memory` : '';
  console.log(`  ${tool.name.padEnd(20)} ${result.seconds.toFixed(2)} s  ${result.rssMb.toFixed(0)} MB${ratio}`);
}
