/**
 * `npm run bench [name-filter]`: runs every benchmark under bench/ one after another (each prints its own figures and
 * ratios; nothing is asserted). A filter runs only the files whose path contains it.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every benchmark file (`bench/**\/*.ts`, helpers excluded: `*.test.ts`, files under a `lib/` folder). */
export function findBenchmarks(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'lib') found.push(...findBenchmarks(path));
    else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) found.push(path);
  }
  return found.sort();
}

const filter = process.argv[2] ?? '';
const benches = findBenchmarks(join(root, 'bench')).filter((path) => relative(root, path).includes(filter));
let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${relative(root, bench)} ===`);
  const run = spawnSync(join(root, 'node_modules/.bin/tsx'), [bench], { stdio: 'inherit', cwd: root });
  if (run.status !== 0) failed += 1;
}
console.log(`\n${benches.length - failed} of ${benches.length} benchmarks ran to completion.`);
process.exit(failed > 0 ? 1 : 0);
