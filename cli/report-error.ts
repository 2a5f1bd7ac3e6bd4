import type { AppError } from '../shared/ipc/result';
import { toAppError } from '../core/errors';
import { exitCodeFor, type ExitCode } from './exit-codes';
import type { JsonError } from './json-document';
import { PRIVATE_KEY_ENV } from './run-key';

/** How a failed run ends: the lines for stderr, the error for a `--json` document and the exit code. */
export type Failure = { lines: string[]; error: JsonError; exitCode: ExitCode };

const NO_KEYCHAIN_ADVICE = `Without a keychain (CI), pass --key-file PATH or set ${PRIVATE_KEY_ENV} to log in with a key for this run only.`;

/**
 * Turns anything a command threw into what the person reads: the app's own message and hint (the same AppError the app
 * shows), the error code, and where the CLI has another way out (a run key instead of the keychain) a line saying so.
 * INTERNAL errors also print their cause when ORGDESK_DEBUG is set; never a key or token (services never put one in a message).
 */
export function describeFailure(error: unknown, env: NodeJS.ProcessEnv): Failure {
  const app = toAppError(error);
  const lines = [`orgdesk: ${app.message} [${app.code}]`];
  const hint = cliHint(app, error);
  if (hint !== undefined) lines.push(`  ${hint}`);
  if (app.code === 'INTERNAL' && env['ORGDESK_DEBUG'] !== undefined && error instanceof Error) lines.push(error.stack ?? error.message);
  const jsonError: JsonError = hint === undefined ? { code: app.code, message: app.message } : { code: app.code, message: app.message, hint };
  return { lines, error: jsonError, exitCode: exitCodeFor(app.code) };
}

function cliHint(app: AppError, error: unknown): string | undefined {
  // The recovery the app's hint offers (move the file aside) is the app's recovery screen: say where to find it.
  if (error instanceof Error && error.name === 'DamagedDatabaseError') return `${app.hint ?? ''} Open the OrgDesk app to do it from its recovery screen.`.trim();
  const needsKey = app.code === 'KEYCHAIN' || (app.code === 'AUTH' && /no private key in the keychain/i.test(app.message));
  if (!needsKey) return app.hint;
  return app.hint === undefined ? NO_KEYCHAIN_ADVICE : `${app.hint} ${NO_KEYCHAIN_ADVICE}`;
}
