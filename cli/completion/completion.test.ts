/**
 * Shell completion in a real bash: the script `orgdesk completion bash` prints is sourced, COMP_WORDS/COMP_CWORD are set
 * as bash sets them on Tab, and the function it registered with `complete` fills COMPREPLY by calling the real CLI.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProfile, startCliOrg, type CliOrg } from '../test/cli-org';
import { noKeychainEnv, ORGDESK_BIN, runOrgdesk } from '../test/run-orgdesk';

let org: CliOrg;
let script: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  org = await startCliOrg();
  addProfile(org, 'Local org');
  addProfile(org, 'Second org', { active: false });
  env = noKeychainEnv(org.userDataDir, { ORGDESK_FROM_SOURCE: '1' });
  // `orgdesk` on the PATH, as an installed CLI is, running this checkout's bin.
  const bin = join(org.folder, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'orgdesk'), `#!/bin/sh\nexec "${process.execPath}" "${ORGDESK_BIN}" "$@"\n`);
  chmodSync(join(bin, 'orgdesk'), 0o755);
  env['PATH'] = `${bin}:${process.env['PATH'] ?? ''}`;
  const printed = await runOrgdesk(['completion', 'bash'], { env });
  expect(printed.code).toBe(0);
  script = join(org.folder, 'orgdesk.bash');
  writeFileSync(script, printed.stdout);
});
afterAll(async () => {
  await org.stop();
});

/** What bash offers on Tab after `line` (the words as bash splits them; a trailing space starts an empty word). */
function tab(line: string): string[] {
  const words = line.split(' ');
  const program = [
    `source ${JSON.stringify(script)}`,
    'complete -p orgdesk >/dev/null || exit 3',
    `COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    `COMP_LINE=${JSON.stringify(line)}`,
    'fn=$(complete -p orgdesk | sed -E "s/.*-F ([^ ]+).*/\\1/")',
    '"$fn" orgdesk "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const result = spawnSync('bash', ['--noprofile', '--norc', '-c', program], { env, encoding: 'utf8', timeout: 60_000 });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.split('\n').filter((candidate) => candidate !== '');
}

describe('orgdesk completion bash', () => {
  it('completes a command from its first letters', () => {
    expect(tab('orgdesk lo')).toEqual(['load']);
    expect(tab('orgdesk ')).toEqual(expect.arrayContaining(['orgs', 'query', 'load', 'events', 'emulator', 'completion']));
  });

  it('completes the org labels after --org, and options with their choices', () => {
    expect(tab('orgdesk --org ').sort()).toEqual(['Local org', 'Second org']);
    expect(tab('orgdesk query --fo')).toEqual(['--format']);
    expect(tab('orgdesk load --operation up')).toEqual(['update', 'upsert']);
    expect(tab('orgdesk --org Local\\ org query --')).toEqual(expect.arrayContaining(['--bulk', '--out', '--json', '--org', '--quiet', '--help']));
  });

  it('completes object names after --object once a login has read them', async () => {
    expect(tab('orgdesk load a.csv --object Acc')).toEqual([]);
    const tested = await runOrgdesk(['orgs', 'test', '--key-file', org.keyFile], { env });
    expect(tested.code, tested.stderr).toBe(0);
    const objects = tab('orgdesk load a.csv --object Acc');
    expect(objects).toContain('Account');
    expect(objects.every((name) => name.startsWith('Acc'))).toBe(true);
    expect(tab('orgdesk load a.csv --object Invoice')).toEqual(['Invoice__c', 'Invoice__ChangeEvent']);
  });

  it('prints the zsh and fish scripts too, each calling the same helper', async () => {
    for (const shell of ['zsh', 'fish']) {
      const printed = await runOrgdesk(['completion', shell], { env });
      expect(printed.code).toBe(0);
      expect(printed.stdout).toContain('orgdesk __complete');
    }
  });
});
