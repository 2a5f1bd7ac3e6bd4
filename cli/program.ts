import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { CliServices } from './cli-services';
import { chooseOrg, type CliCommand, type CliIo, type CliShell, type GlobalOptions } from './cli-shell';
import { CLI_COMMANDS } from './commands';
import { EXIT, type ExitCode } from './exit-codes';
import { createJsonDocument, type JsonError } from './json-document';
import { describeFailure } from './report-error';
import { PRIVATE_KEY_ENV } from './run-key';
import { resolveUserDataDir, USER_DATA_ENV } from './user-data';

/** One run of the CLI: the arguments after `orgdesk`, the streams, and the signal Ctrl+C aborts. */
export type CliRun = { argv: readonly string[]; io: CliIo; signal: AbortSignal; commands?: readonly CliCommand[] };

/**
 * Parses the arguments with commander, runs the command and answers its exit code: 0, the code of the error it threw (see
 * exit-codes.ts), 2 for a usage error (commander prints it), 130 when cancelled. Never throws; the engine is closed before
 * it returns.
 */
export async function runCli(run: CliRun): Promise<ExitCode> {
  const { io } = run;
  let services: CliServices | null = null;
  let opening: Promise<CliServices> | null = null;
  let exitCode: ExitCode | null = null;
  let jsonError: JsonError | null = null;
  // Known before commander parses anything, so a refused argument still ends with the document (see json-document.ts).
  const json = createJsonDocument(io.stdout, jsonRequested(run.argv));

  const program = new Command('orgdesk');
  const shell: CliShell = {
    io,
    signal: run.signal,
    json,
    globals: () => program.opts<GlobalOptions>(),
    services: () => {
      opening ??= (async () => {
        const globals = program.opts<GlobalOptions>();
        const { readRunKey } = await import('./run-key');
        const runKey = await readRunKey(globals.keyFile, io.env, io.cwd);
        // Loaded on first use, so --help and the emulator never pay for the engine's modules.
        const { openCliServices } = await import('./cli-services');
        services = openCliServices({ userDataDir: resolveUserDataDir(globals.userDataDir, io.env), runKey });
        return services;
      })();
      return opening;
    },
    chooseOrg: (orgs, requested) => chooseOrg(orgs, requested ?? program.opts<GlobalOptions>().org),
    note: (line) => {
      io.stderr.write(`${line}\n`);
    },
    setExitCode: (code) => {
      exitCode = code;
    },
  };

  program
    .description('OrgDesk on the command line: the same org profiles, keychain entries and engine as the app, for scripts and CI.')
    .version(readVersion(), '-V, --version', 'print the OrgDesk version')
    .addOption(new Option('--org <label-or-id>', 'the org profile to use (default: the active one)'))
    .addOption(new Option('--key-file <path>', `a PEM private key for this run only, instead of the keychain (or set ${PRIVATE_KEY_ENV}); never stored`))
    .addOption(new Option('--user-data-dir <dir>', `where orgdesk.db lives (default: the app's folder, or $${USER_DATA_ENV})`))
    .addOption(new Option('-q, --quiet', 'no progress on stderr, only errors and closing lines'))
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  // Commands add themselves with program.command(), so they inherit the output, exitOverride and help settings above.
  for (const command of run.commands ?? CLI_COMMANDS) command.register(program, shell);

  // The shell scripts of `orgdesk completion` call this hidden helper on every Tab: candidates one a line, never an error.
  if (run.argv[0] === COMPLETE_HELPER) {
    const { completeWords } = await import('./completion/complete-words');
    const { createCompletionLookups } = await import('./completion/completion-lookups');
    const words = run.argv.slice(1);
    const dirAt = words.indexOf('--user-data-dir');
    const lookups = createCompletionLookups(resolveUserDataDir(dirAt >= 0 ? words[dirAt + 1] : undefined, io.env));
    const candidates = await completeWords(program, words, lookups).catch(() => []);
    io.stdout.write(candidates.map((candidate) => `${candidate}\n`).join(''));
    return EXIT.ok;
  }

  try {
    await program.parseAsync([...run.argv], { from: 'user' });
    exitCode ??= run.signal.aborted ? EXIT.cancelled : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed it already: help and --version end 0; a bad argument, or no command at all, is a usage error.
      exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      if (exitCode === EXIT.ok) json.printed();
      else jsonError = usageError(error, run.argv);
    } else {
      const failure = describeFailure(error, io.env);
      for (const line of failure.lines) io.stderr.write(`${line}\n`);
      exitCode = failure.exitCode;
      jsonError = failure.error;
    }
  } finally {
    (services as CliServices | null)?.dispose();
  }
  const code = exitCode ?? EXIT.internal;
  json.finish({ exitCode: code, error: jsonError });
  return code;
}

/** The hidden command the completion scripts call (not in --help). */
const COMPLETE_HELPER = '__complete';

/** Whether the run asked for JSON: `--json` among the arguments before a `--`. */
function jsonRequested(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

/** A usage error commander raised, as the document's error (commander's own text, without its `error: ` prefix). */
function usageError(error: CommanderError, argv: readonly string[]): JsonError {
  const text = error.message.replace(/^error:\s*/i, '');
  const command = argv.find((arg) => !arg.startsWith('-'));
  return {
    code: 'VALIDATION',
    message: `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`,
    hint: `Run orgdesk ${command === undefined ? '' : `${command} `}--help for the usage.`,
  };
}

/** The version the build writes into the bundle (scripts/build.ts); undefined when run from the sources. */
declare const ORGDESK_BUNDLED_VERSION: string | undefined;

function readVersion(): string {
  if (typeof ORGDESK_BUNDLED_VERSION === 'string') return ORGDESK_BUNDLED_VERSION;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
