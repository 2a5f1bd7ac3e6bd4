import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrgProfileInput, OrgSummary } from '../../../shared/ipc/domains/orgs';
import type { Result } from '../../../shared/ipc/result';
import type { OpenFilePicker, SaveFilePicker } from '../../services/files';
import { createMemorySecretStore } from '../../services/secrets';
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
});
