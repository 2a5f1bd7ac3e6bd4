// ESLint flat config: typescript-eslint type-aware rules plus import zones that enforce architecture.md's import rules
// (VS Code's "the path says where code runs, a lint rule checks every import against it").
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const FEATURES = ['query', 'load', 'events', 'orgs'];
const NODE_BUILTINS =
  'assert|async_hooks|buffer|child_process|cluster|console|crypto|dgram|dns|events|fs|fs/promises|http|http2|https|net|os|path|perf_hooks|process|querystring|readline|stream|string_decoder|timers|tls|tty|url|util|v8|vm|worker_threads|zlib';

/** One forbidden import pattern: a regex over the import specifier and the reason shown to the person. */
const forbid = (regex, message) => ({ regex, message });

const NO_ELECTRON = forbid('^electron(/.*)?$', 'Only electron/main, electron/ipc and electron/preload may import electron (architecture.md, import rules).');
const NO_NODE = forbid(`^(node:.*|(${NODE_BUILTINS}))$`, 'This code runs without Node: no node:* modules here.');
const EMULATOR_ONLY_ENTRY = forbid('(^|/)emulator/(?!index$).+', 'Import the emulator only through its public entry (emulator/index), never its internals.');
const TRANSPORTS_APART = forbid(
  '^(\\.\\./)+(main|web)(/|$)',
  'electron/main and electron/web are two transports over one handler table: they never import each other (what both need lives in electron/shared-transport).',
);
const NO_EMULATOR = forbid('(^|/)emulator(/.*)?$', 'Only electron/main, electron/web, tests and bench may import the emulator.');

/** The no-restricted-imports rule for a folder, from its forbidden patterns. */
const restrict = (...patterns) => ['error', { patterns }];


export default defineConfig(
  {
    ignores: ['dist/**', '.tsbuild/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.reports/**', 'coverage/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // An async function without await is how a handler or port satisfies a Promise-returning type: not a bug here.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only (conventions.md).' },
      ],
    },
  },
  {
    // Config files must default-export their configuration.
    files: ['*.config.ts', '*.config.js', 'e2e/global-setup.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Test matchers (expect.any, expect.objectContaining, ...) are typed `any` by design; the unsafe-* rules only add noise there.
    files: ['**/*.test.ts', '**/*.test.tsx', '**/test/**/*.ts', 'core/test-support/**/*.ts', 'electron/test-support/**/*.ts', 'e2e/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Playwright fixtures take their dependencies as an object pattern, `{}` when there are none.
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },

  // ---- import zones ----------------------------------------------------------------------------------------------
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        forbid('^(?!zod$)(?!\\.{1,2}/).+', 'shared/ imports only shared/ and zod: it runs in main and in the renderer.'),
        forbid('^(\\.\\./)+(electron|renderer|emulator|e2e|bench|scripts|test)(/|$)', 'shared/ imports only shared/ and zod.'),
      ),
    },
  },
  {
    files: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict(
        forbid('^(?!zod$|vitest$)(?!\\.{1,2}/).+', 'shared/ tests import only shared/, zod and vitest.'),
        forbid('^(\\.\\./)+(electron|renderer|emulator|e2e|bench|scripts|test)(/|$)', 'shared/ imports only shared/ and zod.'),
      ),
    },
  },
  {
    files: ['emulator/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        NO_ELECTRON,
        forbid('^(\\.\\./)+(electron|renderer|shared|e2e|bench|scripts|test)(/|$)', 'emulator/ imports only emulator/ and libraries, so a client misunderstanding cannot be mirrored in it.'),
      ),
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        forbid('^electron(/.*)?$', 'core/ is the engine, plain Node: never import electron here (architecture.md, import rules).'),
        forbid('^(\\.\\./)+(electron|renderer|cli|bench|e2e|scripts)(/|$)', 'core/ imports only core/, shared/, node:* and libraries: never electron/, renderer/, cli/ or bench/.'),
        forbid('^(\\.\\./)+test-support(/|$)', 'core/test-support is for tests: the engine never imports it.'),
        NO_EMULATOR,
      ),
    },
  },
  {
    // The engine's tests and their support may start the local org through its public entry.
    files: ['core/**/*.test.ts', 'core/test-support/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        forbid('^electron(/.*)?$', 'core/ is the engine, plain Node: never import electron here (architecture.md, import rules).'),
        forbid('^(\\.\\./)+(electron|renderer|cli|bench|e2e|scripts)(/|$)', 'core/ imports only core/, shared/, node:* and libraries: never electron/, renderer/, cli/ or bench/.'),
        EMULATOR_ONLY_ENTRY,
      ),
    },
  },
  {
    // Test support may build the transport-neutral app context for handler tests, never a transport or Electron itself.
    files: ['electron/test-support/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        forbid('^electron(/.*)?$', 'electron/test-support is plain Node: never import electron here.'),
        forbid('^(\\.\\./)+(main|web|preload)(/|$)', 'electron/test-support never imports electron/{main,web,preload}.'),
        EMULATOR_ONLY_ENTRY,
      ),
    },
  },
  {
    files: ['electron/ipc/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', allowTypeImports: true, message: 'electron/ipc is transport-neutral: Electron types only (the transport gets ipcMain passed in).' }],
          patterns: [forbid('^(\\.\\./)+(renderer|main|web|preload)(/|$)', 'electron/ipc does not import main, web, preload or the renderer.'), EMULATOR_ONLY_ENTRY],
        },
      ],
    },
  },
  {
    files: ['electron/web/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        forbid('^electron(/.*)?$', 'Browser mode runs in plain Node: no electron import.'),
        forbid('^(\\.\\./)+renderer(/|$)', 'Browser mode serves the renderer build; it never imports renderer code.'),
        TRANSPORTS_APART,
        EMULATOR_ONLY_ENTRY,
      ),
    },
  },
  {
    files: ['electron/shared-transport/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        forbid('^electron(/.*)?$', 'electron/shared-transport serves both transports: plain Node, no electron import.'),
        forbid('^(\\.\\./)+(main|web|ipc|preload|core|renderer|emulator)(/|$)', 'electron/shared-transport imports only node:*, libraries and shared/.'),
      ),
    },
  },
  {
    files: ['electron/main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', importNames: ['ipcRenderer', 'contextBridge'], message: 'Renderer-side Electron APIs belong in electron/preload.' }],
          patterns: [forbid('^(\\.\\./)+renderer(/|$)', 'Main never imports renderer code.'), TRANSPORTS_APART, EMULATOR_ONLY_ENTRY],
        },
      ],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        forbid('^(?!electron$)(?!\\.{1,2}/).+', 'The preload is tiny and sandboxed: it imports only electron and the contract.'),
        forbid('^(\\.\\./)+(main|ipc|web|core|renderer|emulator)(/|$)', 'The preload imports only electron and shared/ipc.'),
      ),
    },
  },
  {
    // The preload's own test loads it with a fake electron module: it may import vitest too.
    files: ['electron/preload/**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict(
        forbid('^(?!electron$|vitest$)(?!\\.{1,2}/).+', 'The preload test imports only vitest, electron (mocked) and the contract.'),
        forbid('^(\\.\\./)+(main|ipc|web|core|renderer|emulator)(/|$)', 'The preload imports only electron and shared/ipc.'),
      ),
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': restrict(
        forbid('^electron(/.*)?$', 'The renderer is untrusted UI: it reaches main only through src/lib/api.ts.'),
        NO_NODE,
        forbid('^(\\.\\./)+(electron|emulator)(/|$)', 'The renderer imports only renderer/ and shared/.'),
        forbid('^\\.{1,2}/(.*/)?features/[^/]+/(?!index$).+', "Import a feature only through its index.ts."),
      ),
    },
  },
  ...FEATURES.map((feature) => ({
    files: [`renderer/src/features/${feature}/**/*.ts`, `renderer/src/features/${feature}/**/*.tsx`],
    rules: {
      'no-restricted-imports': restrict(
        forbid('^electron(/.*)?$', 'The renderer is untrusted UI: it reaches main only through src/lib/api.ts.'),
        NO_NODE,
        forbid('^(\\.\\./)+(electron|emulator)(/|$)', 'The renderer imports only renderer/ and shared/.'),
        forbid('^\\.{1,2}/(.*/)?features/[^/]+/(?!index$).+', 'Import a feature only through its index.ts.'),
        forbid(
          `^(\\.\\./)+(${FEATURES.filter((other) => other !== feature).join('|')})/(?!index$).+`,
          'Features import each other only through their index.ts.',
        ),
      ),
    },
  })),
  {
    // Only api.ts touches window.orgdesk (web-bridge.ts builds it, api.ts installs it).
    files: ['renderer/src/**/*.ts', 'renderer/src/**/*.tsx'],
    ignores: ['renderer/src/lib/api.ts', 'renderer/src/**/*.test.ts', 'renderer/src/**/*.test.tsx'],
    rules: {
      'no-restricted-properties': ['error', { object: 'window', property: 'orgdesk', message: 'Call main through src/lib/api.ts.' }],
    },
  },
  {
    // The CLI is a third shell over the engine (architecture.md): core, shared and the emulator's public entry; never
    // Electron or another shell.
    files: ['cli/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        forbid('^electron(/.*)?$', 'The CLI runs on plain Node: never import electron.'),
        forbid('^(\\.\\./)+electron(/|$)', 'The CLI composes the engine itself (cli/cli-services.ts) from core/; it never imports electron/.'),
        forbid('^(\\.\\./)+renderer(/|$)', 'The CLI never imports the renderer.'),
        EMULATOR_ONLY_ENTRY,
      ),
    },
  },
  {
    // Benchmarks stand on the engine and the emulator's entry; browser mode, when a bench needs it, runs as its own process.
    files: ['bench/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        forbid('^electron(/.*)?$', 'Benchmarks run on plain Node: never import electron.'),
        forbid('^(\\.\\./)+electron(/|$)', 'Benchmarks stand on core/ and shared/: start browser mode as a process (electron/web/cli.ts) instead of importing it.'),
        EMULATOR_ONLY_ENTRY,
      ),
    },
  },
  {
    files: ['e2e/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(EMULATOR_ONLY_ENTRY) },
  },
);
