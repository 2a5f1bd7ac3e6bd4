/** The `orgdesk` process (run by cli/orgdesk.mjs): Ctrl+C handling around runCli, then exit with its code once stdout drained. */
import { EXIT } from './exit-codes';
import { runCli } from './program';

const controller = new AbortController();
const interrupt = (): void => {
  // The first Ctrl+C stops the work cleanly (a Bulk job is aborted in the org); a second one leaves at once.
  if (controller.signal.aborted) process.exit(EXIT.cancelled);
  controller.abort();
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);
// A closed pipe downstream (`orgdesk query … | head`) ends the run quietly instead of crashing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
});

const code = await runCli({ argv: process.argv.slice(2), io: { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }, signal: controller.signal });
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
process.exit(code);
