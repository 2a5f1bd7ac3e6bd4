import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../../emulator/index';
import { defaultUserDataDir } from '../../core/user-data-dir';
import { startWebServer } from './web-server';

/** `npm run web`: starts browser mode on 127.0.0.1 and prints the URL to open (token in the fragment). */
export async function runWebCli(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      'user-data-dir': { type: 'string' },
      'renderer-dir': { type: 'string' },
      'max-upload-mb': { type: 'string' },
    },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a number between 0 and 65535, not ${values.port ?? ''}`);
  }
  const maxUploadMb = values['max-upload-mb'] === undefined ? undefined : Number(values['max-upload-mb']);
  if (maxUploadMb !== undefined && !(Number.isFinite(maxUploadMb) && maxUploadMb > 0)) {
    throw new Error(`--max-upload-mb must be a positive number of megabytes, not ${values['max-upload-mb'] ?? ''}`);
  }
  const userDataDir = resolve(values['user-data-dir'] ?? defaultUserDataDir());
  mkdirSync(userDataDir, { recursive: true });
  const server = await startWebServer({
    port,
    userDataDir,
    rendererDir: resolve(values['renderer-dir'] ?? 'dist/renderer'),
    version: readVersion(),
    ...(maxUploadMb === undefined ? {} : { maxUploadBytes: Math.round(maxUploadMb * 1024 * 1024) }),
    appOptions: { startLocalOrg: startEmulator },
    onInternalError: (channel, error) => console.error(`[orgdesk] ${channel} failed:`, error),
  });
  console.log(`OrgDesk is running in browser mode: open ${server.url}`);
  const database = server.context.databaseStatus();
  if (database.state === 'needs-recovery') console.warn(`${database.message} The page explains how to move it aside and start fresh.`);
  const stop = (): void => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

runWebCli(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`OrgDesk could not start browser mode: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
