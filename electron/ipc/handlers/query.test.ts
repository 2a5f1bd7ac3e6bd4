import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueryProgress } from '../../../shared/ipc/domains/query';
import type { Result } from '../../../shared/ipc/result';
import { startEmulator } from '../../../emulator';
import { createMemorySecretStore } from '../../services/secrets';
import { createAppContext, type AppContext } from '../create-app-context';
import { isRunOwnedBy } from './query';

describe('query handlers in the app context', () => {
  let userDataDir: string;
  let context: AppContext;

  beforeEach(async () => {
    userDataDir = await mkdtemp(join(tmpdir(), 'orgdesk-query-handlers-'));
    context = await createAppContext({
      userDataDir,
      mode: 'browser',
      version: '0.1.0',
      platform: 'linux',
      secrets: createMemorySecretStore(),
      startLocalOrg: ({ host, dataDir }) => startEmulator({ port: 0, host, dataDir }),
      demoOnLaunch: false,
    });
  });

  afterEach(async () => {
    await context.dispose();
    await rm(userDataDir, { recursive: true, force: true });
  });

  const value = <T>(result: Result<unknown>): T => {
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    return result.value as T;
  };

  it('runs a query on the demo org, pushes progress, serves sorted rows, exports to <userData>/exports and records history', async () => {
    const demo = value<{ state: string; profileId: string | null }>(await context.invoke('orgs:demo-start', {}));
    expect(demo.state).toBe('ready');
    const orgId = demo.profileId ?? '';
    const progress: QueryProgress[] = [];
    const finished = new Promise<QueryProgress>((resolve) => {
      context.subscribe((event) => {
        if (event.channel !== 'query:progress') return;
        progress.push(event.payload);
        if (event.payload.state !== 'running') resolve(event.payload);
      });
    });
    const soql = 'SELECT Id, Name, Industry FROM Account ORDER BY Name LIMIT 25';
    const { runId } = value<{ runId: string }>(await context.invoke('query:run', { orgId, soql, includeDeleted: false, mode: 'auto' }));
    const final = await finished;
    expect(final).toMatchObject({ runId, state: 'done', fetched: 25, totalSize: 25 });

    const window = value<{ rows: unknown[][]; matched: number }>(
      await context.invoke('query:rows', { runId, offset: 0, limit: 3, sort: [{ column: 'Name', descending: true }], filter: '' }),
    );
    expect(window.matched).toBe(25);
    expect(window.rows).toHaveLength(3);

    const exported = value<{ files: string[]; rows: number }>(await context.invoke('query:export', { runId, format: 'csv' }));
    expect(exported.rows).toBe(25);
    expect(exported.files[0]?.startsWith(join(userDataDir, 'exports'))).toBe(true);
    const csv = parse(await readFile(exported.files[0] ?? '', 'utf8')) as unknown[];
    expect(csv).toHaveLength(26);

    const history = value<{ soql: string; rows: number; orgId: string }[]>(await context.invoke('query:history', { search: 'Industry', limit: 10 }));
    expect(history[0]).toMatchObject({ soql, rows: 25, orgId });
  });

  it('refuses invalid arguments and an unknown run with readable errors', async () => {
    const invalid = await context.invoke('query:rows', { runId: 'x', offset: -1, limit: 10, sort: [], filter: '' });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const unknown = await context.invoke('query:rows', { runId: 'gone', offset: 0, limit: 10, sort: [], filter: '' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('isRunOwnedBy', () => {
  it('lets only the sender a run was started by see it; an unknown run is nobody\'s', () => {
    expect(isRunOwnedBy('web:tab-1', { id: 'web:tab-1' })).toBe(true);
    expect(isRunOwnedBy('web:tab-1', { id: 'web:tab-2' })).toBe(false);
    expect(isRunOwnedBy('window:3', { id: 'web:window:3' })).toBe(false);
    expect(isRunOwnedBy(undefined, { id: 'anonymous' })).toBe(false);
  });
});
