import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Unit and service tests, one project per runtime (conventions.md, "Tests"). */
export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'shared', environment: 'node', include: ['shared/**/*.test.ts'] },
      },
      {
        test: { name: 'emulator', environment: 'node', include: ['emulator/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        resolve: { alias: { electron: here('./test/electron-forbidden.ts') } },
        test: {
          name: 'core',
          environment: 'node',
          include: ['core/**/*.test.ts'],
          exclude: ['core/**/*.keychain.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias: { electron: here('./test/electron-forbidden.ts') } },
        test: {
          name: 'electron',
          environment: 'node',
          include: ['electron/**/*.test.ts'],
          exclude: ['electron/**/*.keychain.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias: { electron: here('./test/electron-forbidden.ts') } },
        test: {
          name: 'cli',
          environment: 'node',
          include: ['cli/**/*.test.ts'],
          exclude: ['cli/**/*.keychain.test.ts', 'cli/**/*.package.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
          setupFiles: ['renderer/test/setup.ts'],
          // The local org's describes, read once before the tests (the SOQL language tests complete against them).
          globalSetup: ['test/local-org-describe.ts'],
        },
      },
      {
        // The packed CLI installed with npm into a temporary prefix: minutes, as its native modules build from source.
        test: { name: 'package', environment: 'node', include: ['cli/**/*.package.test.ts'], testTimeout: 120_000, hookTimeout: 15 * 60_000 },
      },
      {
        resolve: { alias: { electron: here('./test/electron-forbidden.ts') } },
        test: {
          name: 'keychain',
          environment: 'node',
          include: ['core/**/*.keychain.test.ts', 'electron/**/*.keychain.test.ts', 'cli/**/*.keychain.test.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
