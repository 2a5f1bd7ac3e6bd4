/** The scripts `orgdesk completion bash|zsh|fish` prints: each asks `orgdesk __complete <words>` for the candidates. */
import { assertNever } from '../../shared/ipc/result';

/** The shells there is a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;

/** One of them. */
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

const BASH = `# orgdesk completion for bash: eval "$(orgdesk completion bash)" (or save it in ~/.local/share/bash-completion/completions/orgdesk)
_orgdesk_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(orgdesk __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _orgdesk_complete orgdesk
`;

const ZSH = `#compdef orgdesk
# orgdesk completion for zsh: eval "$(orgdesk completion zsh)" (or save it as _orgdesk in a folder of $fpath)
_orgdesk() {
  local -a candidates
  candidates=("\${(@f)$(orgdesk __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ -n "\${candidates[1]}" ]]; then
    compadd -Q -- "\${candidates[@]}"
  else
    _files
  fi
}
compdef _orgdesk orgdesk
`;

const FISH = `# orgdesk completion for fish: orgdesk completion fish > ~/.config/fish/completions/orgdesk.fish
function __orgdesk_complete
  set -l words (commandline -opc) (commandline -ct)
  orgdesk __complete $words[2..-1] 2>/dev/null
end
complete -c orgdesk -a '(__orgdesk_complete)'
`;

/** The script for a shell. */
export function completionScript(shell: CompletionShell): string {
  switch (shell) {
    case 'bash':
      return BASH;
    case 'zsh':
      return ZSH;
    case 'fish':
      return FISH;
    default:
      return assertNever(shell);
  }
}
