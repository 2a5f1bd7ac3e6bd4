import type { Command } from 'commander';
import type { OrgProfile } from '../shared/salesforce/org-profile';
import { ServiceError } from '../core/errors';
import type { OrgsService } from '../core/orgs';
import type { CliServices } from './cli-services';
import type { ExitCode } from './exit-codes';
import type { JsonDocument } from './json-document';

/** The process's streams and surroundings as commands see them (tests pass their own). */
export type CliIo = {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
};

/** The options every command accepts (`orgdesk --help` lists them). */
export type GlobalOptions = { org?: string; keyFile?: string; userDataDir?: string; quiet?: boolean };

/** What a command module gets from the shell: streams, Ctrl+C, the engine (opened on first use) and the org choice. */
export type CliShell = {
  io: CliIo;
  /** Aborts on Ctrl+C or SIGTERM: long work stops (a Bulk job is aborted in the org too) and the run exits 130. */
  signal: AbortSignal;
  /** The closing JSON document of a `--json` run (disabled without `--json`): commands set their fields on it. */
  json: JsonDocument;
  /** The global options as parsed. */
  globals(): GlobalOptions;
  /** The engine on the app's database and keychain, opened once per run (main closes it). */
  services(): Promise<CliServices>;
  /** The org a command works on: `--org` (a profile's label or id), else the active one. */
  chooseOrg(orgs: OrgsService, requested?: string): OrgProfile;
  /** A line for the person on stderr (stdout carries only data). */
  note(line: string): void;
  /** Ends the run with this code although the action returned normally (a load whose rows partly failed: 10). */
  setExitCode(code: ExitCode): void;
};

/**
 * One top-level command (`orgs`, `query`, `emulator`, and later `load`, `events`): it adds itself with `program.command()`
 * (so it inherits the root's output, exitOverride and help settings), its options and help. Its actions succeed (exit 0, or
 * `shell.setExitCode`), or throw a ServiceError whose code picks the exit status.
 */
export type CliCommand = {
  /** The command's name, as typed after `orgdesk`. */
  name: string;
  /** Adds the command (and its subcommands) to the program. */
  register(program: Command, shell: CliShell): void;
};

/**
 * Picks a profile by exact id, else by label (ignoring case), else the active one. Unknown names are NOT_FOUND and point at
 * `orgdesk orgs list`; two profiles with the same label ask for the id.
 */
export function chooseOrg(orgs: OrgsService, requested: string | undefined): OrgProfile {
  const profiles = orgs.list();
  if (requested === undefined || requested.trim() === '') {
    const active = orgs.activeOrgId();
    const profile = profiles.find((p) => p.id === active);
    if (profile === undefined) {
      throw new ServiceError(
        'VALIDATION',
        profiles.length === 0 ? 'There are no org profiles yet.' : 'No org is active.',
        profiles.length === 0 ? 'Add one with orgdesk orgs add (see orgdesk orgs add --help).' : 'Pass --org with a profile label or id (orgdesk orgs list shows them).',
      );
    }
    return profile;
  }
  const byId = profiles.find((p) => p.id === requested);
  if (byId !== undefined) return byId;
  const wanted = requested.trim().toLowerCase();
  const byLabel = profiles.filter((p) => p.label.toLowerCase() === wanted);
  if (byLabel.length > 1) {
    throw new ServiceError('VALIDATION', `${byLabel.length} org profiles are labelled "${requested}".`, 'Pass the profile id instead (orgdesk orgs list shows it).');
  }
  const found = byLabel[0];
  if (found === undefined) {
    throw new ServiceError('NOT_FOUND', `No org profile is called "${requested}".`, 'Run orgdesk orgs list to see the profiles, or add one with orgdesk orgs add.');
  }
  return found;
}
