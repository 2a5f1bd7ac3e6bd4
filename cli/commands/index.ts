import type { CliCommand } from '../cli-shell';
import { completionCommand } from './completion';
import { emulatorCommand } from './emulator';
import { eventsCommand } from './events';
import { loadCommand } from './load';
import { orgsCommand } from './orgs';
import { queryCommand } from './query';

/**
 * Every top-level command, in the order `orgdesk --help` lists them. A new engine's command is one module in this folder
 * exporting a CliCommand (`load.ts` → `loadCommand`, `events.ts` → `eventsCommand`) and one line here.
 */
export const CLI_COMMANDS: readonly CliCommand[] = [orgsCommand, queryCommand, loadCommand, eventsCommand, emulatorCommand, completionCommand];
