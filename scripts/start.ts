/**
 * `npm start`: builds, then launches Electron. Where Electron's binary is missing (it downloads from GitHub on install, which
 * offline machines cannot do), says so in one sentence and starts browser mode instead.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildAll } from './build';

const at = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** The Electron executable installed by the `electron` package, or null when its download never happened. */
export function findElectronBinary(): string | null {
  const pathFile = at('node_modules/electron/path.txt');
  if (!existsSync(at('node_modules/electron/dist')) || !existsSync(pathFile)) return null;
  const binary = at(`node_modules/electron/dist/${readFileSync(pathFile, 'utf8').trim()}`);
  return existsSync(binary) ? binary : null;
}

async function main(): Promise<void> {
  await buildAll({ quiet: true });
  const electron = findElectronBinary();
  const [command, args] =
    electron === null
      ? [process.execPath, [at('dist/web/cli.mjs'), ...process.argv.slice(2)]]
      : [electron, [at('.'), ...process.argv.slice(2)]];
  if (electron === null) {
    console.log("Electron's binary is not installed here (node_modules/electron/dist is missing, usually because it could not be downloaded), so OrgDesk starts in browser mode instead.");
  }
  const child = spawn(command, args, { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}

main().catch((error: unknown) => {
  console.error(`OrgDesk could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
