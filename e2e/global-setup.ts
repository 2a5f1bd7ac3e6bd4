import { buildAll } from '../scripts/build';

/** Builds the renderer once before the e2e run, so every worker's browser-mode server serves the current code. */
export default async function globalSetup(): Promise<void> {
  if (process.env['ORGDESK_E2E_SKIP_BUILD'] === '1') return;
  await buildAll({ rendererOnly: true, quiet: true });
}
