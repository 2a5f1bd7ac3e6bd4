import { Argument } from 'commander';
import type { CliCommand } from '../cli-shell';
import { COMPLETION_SHELLS, completionScript, type CompletionShell } from '../completion/shell-scripts';

const HELP = `
Load it into the running shell, or save it where the shell looks for completions:
  eval "$(orgdesk completion bash)"          # or >> ~/.bashrc
  eval "$(orgdesk completion zsh)"           # or save as _orgdesk in a folder of $fpath
  orgdesk completion fish > ~/.config/fish/completions/orgdesk.fish

It completes commands, options and their choices, org labels after --org and, after --object, the object names of the
org that orgdesk orgs test (or a query or load) last read.`;

/** `orgdesk completion bash|zsh|fish`: prints the shell's completion script (which calls the hidden `orgdesk __complete`). */
export const completionCommand: CliCommand = {
  name: 'completion',
  register(program, shell) {
    program
      .command('completion')
      .description('print a shell completion script (commands, options, org labels, object names)')
      .addArgument(new Argument('<shell>', 'the shell').choices(COMPLETION_SHELLS))
      .addHelpText('after', HELP)
      .action((name: CompletionShell) => {
        shell.io.stdout.write(completionScript(name));
      });
  },
};
