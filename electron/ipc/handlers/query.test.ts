import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { resultValue, useTestAppContext } from '../../test-support/test-app-context';
import type { QueryProgress } from '../../../shared/ipc/domains/query';

import { isRunOwnedBy } from './query';

describe('query handlers in the app context', () => {
  const app = useTestAppContext({ prefix: 'orgdesk-query-handlers-' });
  const value = resultValue;

  it('runs a query on the demo org, pushes progress, serves sorted rows, exports to <userData>/exports and records history', async () => {
    const demo = value<{ state: string; profileId: string | null }>(await app.context.invoke('orgs:demo-start', {}));
    expect(demo.state).toBe('ready');
    const orgId = demo.profileId ?? '';
    const progress: QueryProgress[] = [];
    const finished = new Promise<QueryProgress>((resolve) => {
      app.context.subscribe((event) => {
        if (event.channel !== 'query:progress') return;
        progress.push(event.payload);
        if (event.payload.state !== 'running') resolve(event.payload);
      });
    });
    const soql = 'SELECT Id, Name, Industry FROM Account ORDER BY Name LIMIT 25';
    const { runId } = value<{ runId: string }>(await app.context.invoke('query:run', { orgId, soql, includeDeleted: false, mode: 'auto' }));
    const final = await finished;
    expect(final).toMatchObject({ runId, state: 'done', fetched: 25, totalSize: 25 });

    const window = value<{ rows: unknown[][]; matched: number }>(
      await app.context.invoke('query:rows', { runId, offset: 0, limit: 3, sort: [{ column: 'Name', descending: true }], filter: '' }),
    );
    expect(window.matched).toBe(25);
    expect(window.rows).toHaveLength(3);

    const exported = value<{ files: string[]; rows: number }>(await app.context.invoke('query:export', { runId, format: 'csv' }));
    expect(exported.rows).toBe(25);
    expect(exported.files[0]?.startsWith(join(app.userDataDir, 'exports'))).toBe(true);
    const csv = parse(await readFile(exported.files[0] ?? '', 'utf8')) as unknown[];
    expect(csv).toHaveLength(26);

    const history = value<{ soql: string; rows: number; orgId: string }[]>(await app.context.invoke('query:history', { search: 'Industry', limit: 10 }));
    expect(history[0]).toMatchObject({ soql, rows: 25, orgId });
  });

  it('refuses invalid arguments and an unknown run with readable errors', async () => {
    const invalid = await app.context.invoke('query:rows', { runId: 'x', offset: -1, limit: 10, sort: [], filter: '' });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const unknown = await app.context.invoke('query:rows', { runId: 'gone', offset: 0, limit: 10, sort: [], filter: '' });
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
