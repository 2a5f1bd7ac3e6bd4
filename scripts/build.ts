/**
 * `npm run build`: the renderer with Vite to dist/renderer, then esbuild bundles of Electron main (dist/electron/main.cjs),
 * the preload (dist/electron/preload.cjs, one CJS file as a sandboxed preload needs), browser mode (dist/web/cli.mjs) and
 * the command line (dist/cli/orgdesk.mjs, see buildCli), with the Pub/Sub proto copied beside the main, web and CLI
 * bundles and the Bulk page parser worker (bulk-page-worker.mjs) beside each. `--renderer-only` skips the bundles (the e2e setup needs only the renderer); `--cli-only` builds only the
 * command line (what `npm pack` needs).
 */
import { copyFile, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** Native modules and Electron itself are loaded at run time, never bundled. */
const NATIVE = ['electron', 'better-sqlite3', 'keytar'];

/** The Bulk page parser worker (core/query/bulk-page-worker.ts) as one ESM file in each folder a bundle runs it from. */
async function buildParserWorker(dirs: string[]): Promise<void> {
  await Promise.all(
    dirs.map((dir) =>
      esbuild({
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'esm',
        logLevel: 'warning',
        absWorkingDir: root,
        entryPoints: [at('core/query/bulk-page-worker.ts')],
        outfile: at(`${dir}/bulk-page-worker.mjs`),
      }),
    ),
  );
}

/**
 * The `orgdesk` bundle: ESM for Node 20 with the dependencies inside (an installed CLI needs only the native modules and
 * nothing of the dev tools), split at the commands' dynamic imports so `orgdesk --version` and `--help` load commander and
 * the command table (about 150 kB) and a load, a query or the emulator load their engine when they run. The CommonJS
 * packages inside call `require`, which an ESM file lacks: the banner makes one.
 */
export async function buildCli(outDir = 'dist/cli'): Promise<void> {
  const pkg = JSON.parse(await readFile(at('package.json'), 'utf8')) as { version: string };
  await rm(at(outDir), { recursive: true, force: true });
  await esbuild({
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
    absWorkingDir: root,
    entryPoints: { orgdesk: at('cli/main.ts') },
    outdir: at(outDir),
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    external: NATIVE,
    define: { ORGDESK_BUNDLED_VERSION: JSON.stringify(pkg.version) },
    banner: { js: "import { createRequire as __orgdeskCreateRequire } from 'node:module'; const require = __orgdeskCreateRequire(import.meta.url);" },
  });
  // `orgdesk emulator` starts the local org's Pub/Sub server, which loads the proto from beside the chunk that holds it.
  await Promise.all([outDir, `${outDir}/chunks`].map((dir) => copyFile(at('emulator/pubsub/pubsub_api.proto'), at(`${dir}/pubsub_api.proto`))));
  // A Bulk query starts its page parser from beside the chunk that holds the query code.
  await buildParserWorker([outDir, `${outDir}/chunks`]);
}

/** Builds the renderer and, unless asked not to, the four Node bundles. */
export async function buildAll(options: { rendererOnly?: boolean; quiet?: boolean; rendererOutDir?: string } = {}): Promise<void> {
  await viteBuild({
    configFile: at('vite.config.ts'),
    logLevel: options.quiet === true ? 'warn' : 'info',
    ...(options.rendererOutDir === undefined ? {} : { build: { outDir: options.rendererOutDir, emptyOutDir: true } }),
  });
  if (options.rendererOnly === true) return;
  await rm(at('dist/electron'), { recursive: true, force: true });
  await rm(at('dist/web'), { recursive: true, force: true });
  const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', absWorkingDir: root } as const;
  await Promise.all([
    esbuild({
      ...common,
      entryPoints: [at('electron/main/main.ts')],
      outfile: at('dist/electron/main.cjs'),
      format: 'cjs',
      external: NATIVE,
      // Services use createRequire(import.meta.url) for native modules; in a CJS bundle import.meta is empty, so supply it.
      define: { 'import.meta.url': '__orgdeskImportMetaUrl' },
      banner: { js: "const __orgdeskImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    }),
    esbuild({ ...common, entryPoints: [at('electron/preload/preload.ts')], outfile: at('dist/electron/preload.cjs'), format: 'cjs', external: ['electron'] }),
    esbuild({ ...common, entryPoints: [at('electron/web/cli.ts')], outfile: at('dist/web/cli.mjs'), format: 'esm', packages: 'external' }),
    buildCli(),
  ]);
  // The local org's Pub/Sub server loads Salesforce's proto at run time from beside the bundle.
  await Promise.all(['dist/electron', 'dist/web'].map((dir) => copyFile(at('emulator/pubsub/pubsub_api.proto'), at(`${dir}/pubsub_api.proto`))));
  // Bulk queries parse their result pages in a worker thread started from beside the bundle (on main if it is missing).
  await buildParserWorker(['dist/electron', 'dist/web']);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const building = process.argv.includes('--cli-only') ? buildCli() : buildAll({ rendererOnly: process.argv.includes('--renderer-only') });
  building.catch((error: unknown) => {
    console.error(`The build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
