import type { Command, Option } from 'commander';

/** What completion looks up besides the command tree: the profiles' labels and an org's kept object names. */
export type CompletionLookups = {
  orgLabels(): Promise<string[]>;
  /** The object names kept for the org `--org` names (the active one when undefined). */
  objectNames(org: string | undefined): Promise<string[]>;
};

/** The options `command` accepts, its own then its parents' (the global ones). */
function optionsOf(command: Command): Option[] {
  const own: Option[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) own.push(...at.options.filter((option) => !option.hidden));
  return own;
}

function findOption(command: Command, flag: string): Option | undefined {
  return optionsOf(command).find((option) => option.long === flag || option.short === flag);
}

/**
 * The candidates for the last word of `words` (the words after `orgdesk`, the one being typed last, maybe empty), for the
 * `orgdesk __complete` helper the shell scripts call: subcommands, options of the command reached (and the global ones),
 * an option's choices, org labels after `--org`, object names after `--object`. None means "let the shell complete a file".
 */
export async function completeWords(program: Command, words: readonly string[], lookups: CompletionLookups): Promise<string[]> {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  let command = program;
  let org: string | undefined;
  let expecting: Option | null = null;
  for (const word of before) {
    if (expecting !== null) {
      if (expecting.long === '--org') org = word;
      expecting = null;
      continue;
    }
    if (word.startsWith('-')) {
      const [flag = word, value] = word.split('=', 2);
      const option = findOption(command, flag);
      if (option !== undefined && (option.required || option.optional) && value === undefined) expecting = option;
      if (option?.long === '--org' && value !== undefined) org = value;
      continue;
    }
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub !== undefined) command = sub;
  }
  const matching = (candidates: Iterable<string>): string[] => [...new Set(candidates)].filter((candidate) => candidate.startsWith(current));
  if (expecting !== null) {
    if (expecting.long === '--org') return matching(await lookups.orgLabels());
    if (expecting.long === '--object') return matching(await lookups.objectNames(org));
    return matching(expecting.argChoices ?? []);
  }
  if (current.startsWith('-')) return matching([...optionsOf(command).flatMap((option) => (option.long === undefined ? [] : [option.long])), '--help']);
  return matching(command.commands.map((c) => c.name()));
}
