import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAll } from '../scripts/build';

/**
 * Builds the renderer once for this e2e run into its own folder (so a parallel `npm run build` cannot empty it mid-run),
 * and hands the folder to the workers through ORGDESK_E2E_RENDERER_DIR. Returns the teardown that removes it.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env['ORGDESK_E2E_RENDERER_DIR'] !== undefined) return async () => undefined;
  const outDir = join(tmpdir(), `orgdesk-e2e-renderer-${process.pid}`);
  await buildAll({ rendererOnly: true, quiet: true, rendererOutDir: outDir });
  process.env['ORGDESK_E2E_RENDERER_DIR'] = outDir;
  return () => rm(outDir, { recursive: true, force: true });
}
