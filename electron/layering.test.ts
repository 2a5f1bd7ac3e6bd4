import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
// The repo's own config, with type information turned off: the import zones need none, and probe files are not on disk.
const eslint = new ESLint({ cwd: root, overrideConfig: [{ files: ['**/*.ts', '**/*.tsx'], ...tseslint.configs.disableTypeChecked }] });

/** The no-restricted-imports messages ESLint reports for a source text placed at a path of the repo. */
async function importViolations(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  const fatal = result?.messages.find((message) => message.fatal === true);
  if (fatal !== undefined) throw new Error(`ESLint could not lint the probe: ${fatal.message}`);
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('the layering rules (architecture.md, import rules)', () => {
  it('fails the electron test project when a module imports electron', async () => {
    // A variable specifier keeps the fixture (which lives outside this tsconfig project) out of the type check.
    const fixture = '../test/fixtures/imports-electron';
    await expect(import(fixture)).rejects.toThrow(/electron was imported in a unit test/);
  });

  it('fails lint for an electron import inside core/', async () => {
    const violations = await importViolations('core/layering-probe.ts', "import { app } from 'electron';\nexport const name = app.name;\n");
    expect(violations.join('\n')).toMatch(/never import electron/);
  });

  it('fails lint for the engine importing the IPC layer, a transport, the CLI or the renderer', async () => {
    for (const refused of ['../../electron/ipc/handler-table', '../../electron/web/web-server', '../../cli/program', '../../renderer/src/main']) {
      const violations = await importViolations('core/orgs/layering-probe.ts', `import * as probe from '${refused}';\nexport const used = probe;\n`);
      expect(violations, refused).toHaveLength(1);
    }
  });

  it('fails lint for a benchmark importing electron/', async () => {
    const violations = await importViolations('bench/query/layering-probe.ts', "import { startWebServer } from '../../electron/web/web-server';\nexport const start = startWebServer;\n");
    expect(violations).toHaveLength(1);
    await expect(importViolations('bench/query/layering-probe.ts', "import { createQueryService } from '../../core/query';\nexport const q = createQueryService;\n")).resolves.toEqual([]);
  });

  it('fails lint for electron/main and electron/web importing each other, and lets both import electron/shared-transport', async () => {
    const mainToWeb = await importViolations('electron/main/layering-probe.ts', "import { serveStaticFile } from '../web/static-files';\nexport const serve = serveStaticFile;\n");
    const webToMain = await importViolations('electron/web/layering-probe.ts', "import { handleAppProtocol } from '../main/app-protocol';\nexport const handle = handleAppProtocol;\n");
    const shared = "import { contentSecurityPolicy } from '../shared-transport/content-security-policy';\nexport const csp = contentSecurityPolicy;\n";
    expect(mainToWeb.join('\n')).toMatch(/never import each other/);
    expect(webToMain.join('\n')).toMatch(/never import each other/);
    await expect(importViolations('electron/main/layering-probe.ts', shared)).resolves.toEqual([]);
    await expect(importViolations('electron/web/layering-probe.ts', shared)).resolves.toEqual([]);
  });

  it('fails lint for electron/shared-transport importing a transport or electron', async () => {
    const violations = await importViolations('electron/shared-transport/layering-probe.ts', "import { app } from 'electron';\nimport { x } from '../web/web-server';\nexport const y = [app, x];\n");
    expect(violations).toHaveLength(2);
  });

  it('fails lint for the engine importing core/test-support, and lets its tests do so', async () => {
    const probe = "import { matching } from '../test-support/matchers';\nexport const m = matching;\n";
    expect(await importViolations('core/orgs/layering-probe.ts', probe)).toHaveLength(1);
    await expect(importViolations('core/orgs/layering-probe.test.ts', probe)).resolves.toEqual([]);
  });

  it('lets electron/main import electron', async () => {
    await expect(importViolations('electron/main/layering-probe.ts', "import { app } from 'electron';\nexport const name = app.name;\n")).resolves.toEqual([]);
  });

  it('fails lint for node:* and electron imports in the renderer, and for reaching into another feature', async () => {
    const node = await importViolations('renderer/src/app/layering-probe.ts', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n");
    const deep = await importViolations(
      'renderer/src/features/load/layering-probe.ts',
      "import { QueryArea } from '../query/query-area';\nexport const area = QueryArea;\n",
    );
    const viaIndex = await importViolations(
      'renderer/src/features/load/layering-probe.ts',
      "import { QueryArea } from '../query';\nexport const area = QueryArea;\n",
    );
    expect(node).toHaveLength(1);
    expect(deep).toHaveLength(1);
    expect(viaIndex).toEqual([]);
  });

  it('fails lint for shared/ importing anything but shared/ and zod', async () => {
    const violations = await importViolations('shared/ipc/layering-probe.ts', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n");
    expect(violations).toHaveLength(1);
  });
});
