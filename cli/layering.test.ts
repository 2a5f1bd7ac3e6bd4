import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root, overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }] });

/** The no-restricted-imports messages ESLint reports for one import placed in a probe file under cli/. */
async function violations(specifier: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import * as probe from '${specifier}';\nexport const used = probe;\n`, { filePath: `${root}cli/commands/layering-probe.ts` });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe("the CLI's import zone (a third shell over the engine)", () => {
  it('lets the CLI import the engine, shared, the emulator entry and the user-data folder rule', async () => {
    for (const allowed of ['../../core/orgs', '../../shared/ipc/result', '../../emulator/index', '../../core/user-data-dir']) {
      expect(await violations(allowed), allowed).toEqual([]);
    }
  });

  it('refuses Electron, the other shells, the renderer and emulator internals', async () => {
    for (const refused of ['electron', '../../electron/ipc/create-app-context', '../../electron/main/main', '../../electron/web/web-server', '../../electron/web/user-data-dir', '../../renderer/src/main', '../../emulator/org/store']) {
      expect(await violations(refused), refused).toHaveLength(1);
    }
  });
});
