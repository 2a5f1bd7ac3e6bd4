import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultValue, useTestAppContext } from '../../test-support/test-app-context';
import type { FieldMapping, LoadFileInfo, LoadProgress, LoadSummary } from '../../../shared/ipc/domains/load';
import { createAppContext } from '../create-app-context';
import { createMemorySecretStore } from '../../../core/secrets';

describe('load handlers in the app context', () => {
  const app = useTestAppContext({ prefix: 'orgdesk-load-handlers-' });
  const value = resultValue;

  it('opens an uploaded CSV, starts a load on the demo org, pushes progress until done and lists it in the history', async () => {
    const demo = value<{ profileId: string | null }>(await app.context.invoke('orgs:demo-start', {}));
    const orgId = demo.profileId ?? '';
    const uploadId = 'a'.repeat(32);
    await mkdir(join(app.userDataDir, 'uploads'), { recursive: true });
    await writeFile(join(app.userDataDir, 'uploads', uploadId), 'Name,NumberOfEmployees\nHandler One,1\nHandler Two,2\n');
    const file = value<LoadFileInfo>(await app.context.invoke('load:open', { file: { kind: 'upload', uploadId }, name: 'accounts.csv' }));
    expect(file).toMatchObject({ name: 'accounts.csv', rowCount: 2, headers: ['Name', 'NumberOfEmployees'] });
    const { mappings } = value<{ mappings: FieldMapping[] }>(await app.context.invoke('load:suggest-mapping', { orgId, fileId: file.fileId, objectName: 'Account', operation: 'insert' }));
    const done = new Promise<LoadProgress>((resolve) => {
      app.context.subscribe((event) => {
        if (event.channel === 'load:progress' && event.payload.state === 'done') resolve(event.payload);
      });
    });
    const plan = { objectName: 'Account', operation: 'insert', mappings, dates: { dateOrder: 'ymd', timeZone: 'UTC' } };
    const { loadId } = value<{ loadId: string }>(await app.context.invoke('load:start', { orgId, fileId: file.fileId, plan, options: { excludeInvalid: true } }));
    const progress = await done;
    expect(progress).toMatchObject({ loadId, counts: { input: 2, success: 2, failed: 0, unprocessed: 0, excluded: 0 } });
    const history = value<LoadSummary[]>(await app.context.invoke('load:history', { limit: 10 }));
    expect(history[0]).toMatchObject({ loadId, state: 'done', fileName: 'accounts.csv' });
    const success = await readFile(history[0]?.files.success ?? '', 'utf8');
    expect(success.split('\n')[0]).toBe('row,sf__Id,sf__Created,Name,NumberOfEmployees');
    expect(history[0]?.files.success.startsWith(join(app.userDataDir, 'loads', 'results'))).toBe(true);
  });

  it('refuses an upload id that is not one OrgDesk made', async () => {
    const result = await app.context.invoke('load:open', { file: { kind: 'upload', uploadId: '../orgdesk.db' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('answers NOT_FOUND for a load that does not exist', async () => {
    const result = await app.context.invoke('load:get', { loadId: 'nope' });
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('answers load:choose-file with a ref to the CSV the open dialog picked, which opens for that window only', async () => {
    const asked: string[] = [];
    const picked = join(app.userDataDir, 'picked.csv');
    await writeFile(picked, 'Name\nPicked\n');
    const results = join(app.userDataDir, 'results');
    const withDialog = await createAppContext({
      userDataDir: join(app.userDataDir, 'electron'),
      mode: 'electron',
      version: '0.1.0',
      platform: 'linux',
      secrets: createMemorySecretStore(),
      demoOnLaunch: false,
      openFilePicker: {
        pickOpenPath: ({ format }) => {
          asked.push(format);
          return Promise.resolve(format === 'csv' ? picked : results);
        },
      },
    });
    const window = { id: 'window:1' };
    try {
      const { file } = value<{ file: { kind: 'ref'; ref: string } }>(await withDialog.invoke('load:choose-file', {}, window));
      expect(file).toEqual({ kind: 'ref', ref: expect.stringMatching(/^[0-9a-f]{32}$/) });
      expect(JSON.stringify(file)).not.toContain(picked);
      expect(value<LoadFileInfo>(await withDialog.invoke('load:open', { file }, window))).toMatchObject({ path: picked, rowCount: 1 });
      expect(await withDialog.invoke('load:open', { file }, { id: 'window:2' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      const { folder } = value<{ folder: { ref: string; path: string } }>(await withDialog.invoke('load:choose-output-folder', {}, window));
      expect(folder).toEqual({ ref: expect.stringMatching(/^[0-9a-f]{32}$/), path: results });
      expect(asked).toEqual(['csv', 'results-folder']);
      withDialog.releaseSender('window:1');
      expect(await withDialog.invoke('load:open', { file }, window)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    } finally {
      await withDialog.dispose();
    }
  });
});

describe('the renderer names no file', () => {
  const app = useTestAppContext({ prefix: 'orgdesk-load-refs-' });
  const sshKey = join(homedir(), '.ssh', 'id_rsa');

  it.each([
    ['a path', { kind: 'path', path: '/etc/passwd' }],
    ['the SSH key by path', { kind: 'path', path: sshKey }],
    ['a ref that is a path', { kind: 'ref', ref: '~/.ssh/id_rsa' }],
    ['an upload id that is a path', { kind: 'upload', uploadId: '/etc/passwd' }],
    ['a well-formed ref main never minted', { kind: 'ref', ref: 'b'.repeat(32) }],
  ])('refuses load:open of %s', async (_what, file) => {
    const result = await app.context.invoke('load:open', { file }, { id: 'web:tab' });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('refuses an output folder given as a path, or as a folder ref main never minted, on load:start and load:capacity', async () => {
    const plan = { objectName: 'Account', operation: 'insert', mappings: [], dates: { dateOrder: 'ymd', timeZone: 'UTC' } };
    for (const channel of ['load:start', 'load:capacity']) {
      for (const options of [{ excludeInvalid: true, outputDir: '/etc' }, { excludeInvalid: true, outputFolder: join(homedir(), '.ssh') }, { excludeInvalid: true, outputFolder: 'c'.repeat(32) }]) {
        const result = await app.context.invoke(channel, { orgId: 'org', fileId: 'file', plan, options }, { id: 'web:tab' });
        expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      }
    }
  });

  it('answers load:choose-output-folder with VALIDATION where main has no folder dialog (browser mode)', async () => {
    expect(await app.context.invoke('load:choose-output-folder', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'This window cannot open a folder dialog.' } });
  });
});
