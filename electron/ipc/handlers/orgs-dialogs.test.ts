import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrgProfileInput, OrgSummary } from '../../../shared/ipc/domains/orgs';
import type { Result } from '../../../shared/ipc/result';
import type { OpenFilePicker, SaveFilePicker } from '../../../core/files';
import { createMemorySecretStore } from '../../../core/secrets';
import { createAppContext, type AppContext, type AppContextOptions } from '../create-app-context';

const input: OrgProfileInput = {
  label: 'Acme Prod',
  environment: 'production',
  myDomainUrl: null,
  consumerKey: '3MVG9CK',
  username: 'admin@acme.com',
  apiVersion: null,
  color: '#0176d3',
};

const value = <T>(result: Result<unknown>): T => {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
};

describe('orgs:save-certificate and orgs:import-key without a path', () => {
  let userDataDir: string;
  let context: AppContext;

  const start = async (extra: Partial<AppContextOptions>): Promise<string> => {
    context = await createAppContext({ userDataDir, mode: 'electron', version: '0.1.0', platform: 'linux', secrets: createMemorySecretStore(), ...extra });
    const { id } = value<OrgSummary>(await context.invoke('orgs:create', input));
    value(await context.invoke('orgs:generate-key', { id }));
    return id;
  };

  beforeEach(async () => {
    userDataDir = await mkdtemp(join(tmpdir(), 'orgdesk-orgs-dialogs-'));
  });
  afterEach(async () => {
    await context.dispose();
    await rm(userDataDir, { recursive: true, force: true });
  });

  it('asks the save and open pickers Electron wires, and answers CANCELLED when a dialog is closed', async () => {
    const keyFile = join(userDataDir, 'server.key');
    let savePath: string | null = join(userDataDir, 'picked.crt');
    let openPath: string | null = null;
    const saveFilePicker: SaveFilePicker = { pickSavePath: () => Promise.resolve(savePath) };
    const openFilePicker: OpenFilePicker = { pickOpenPath: () => Promise.resolve(openPath) };
    const id = await start({ saveFilePicker, openFilePicker });

    expect(value(await context.invoke('orgs:save-certificate', { id }))).toEqual({ path: join(userDataDir, 'picked.crt') });
    expect(readFileSync(join(userDataDir, 'picked.crt'), 'utf8')).toMatch(/BEGIN CERTIFICATE/);
    savePath = null;
    expect(await context.invoke('orgs:save-certificate', { id })).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });

    expect(await context.invoke('orgs:import-key', { id })).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    openPath = keyFile;
    writeFileSync(keyFile, 'not a key');
    expect(await context.invoke('orgs:import-key', { id })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('answers VALIDATION asking for a typed path where no dialog exists (browser mode)', async () => {
    const id = await start({ mode: 'browser' });
    const saved = await context.invoke('orgs:save-certificate', { id });
    expect(saved).toMatchObject({ ok: false, error: { code: 'VALIDATION', hint: expect.stringContaining('.crt') as unknown } });
    expect(await context.invoke('orgs:import-key', { id })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('refuses a path sent by the renderer in Electron, for the key import and the certificate save, and touches no file', async () => {
    const asked: string[] = [];
    const saveFilePicker: SaveFilePicker = {
      pickSavePath: () => {
        asked.push('save');
        return Promise.resolve(null);
      },
    };
    const openFilePicker: OpenFilePicker = {
      pickOpenPath: () => {
        asked.push('open');
        return Promise.resolve(null);
      },
    };
    const id = await start({ saveFilePicker, openFilePicker });
    const target = join(userDataDir, 'chosen-by-the-page.crt');
    const keyFile = join(userDataDir, 'server.key');
    writeFileSync(keyFile, 'not a key');

    const refused = { ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('own file dialog') as unknown } };
    expect(await context.invoke('orgs:save-certificate', { id, path: target })).toMatchObject(refused);
    expect(await context.invoke('orgs:import-key', { id, path: keyFile })).toMatchObject(refused);
    expect(existsSync(target)).toBe(false);
    expect(asked).toEqual([]);
  });

  it('in browser mode never replaces an existing file when saving the certificate to a typed path', async () => {
    const id = await start({ mode: 'browser' });
    const target = join(userDataDir, 'orgdesk-acme.crt');
    writeFileSync(target, 'keep me');
    const saved = await context.invoke('orgs:save-certificate', { id, path: target });
    expect(saved).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('already exists') as unknown } });
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    const fresh = join(userDataDir, 'orgdesk-acme-2.crt');
    expect(value(await context.invoke('orgs:save-certificate', { id, path: fresh }))).toEqual({ path: fresh });
  });

  it('in browser mode answers a typed key path the same whether it is missing, a folder or a file that is no key', async () => {
    const id = await start({ mode: 'browser' });
    writeFileSync(join(userDataDir, 'notes.txt'), 'hello');
    mkdirSync(join(userDataDir, 'folder.key'));
    const answers = [];
    for (const name of ['missing.key', 'folder.key', 'notes.txt']) {
      const path = join(userDataDir, name);
      const result = await context.invoke('orgs:import-key', { id, path });
      if (result.ok) throw new Error(`${name} was imported`);
      answers.push({ ...result.error, message: result.error.message.replace(path, '<path>') });
    }
    expect(answers[0]).toMatchObject({ code: 'VALIDATION', message: 'No private key could be read from <path>.' });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });
});
