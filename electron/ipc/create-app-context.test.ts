import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemorySecretStore } from '../../core/secrets';
import { MIGRATIONS, openDatabase } from '../../core/store';
import { createAppContext, type AppContext } from './create-app-context';
import type { AppEvent } from './event-hub';

describe('createAppContext', () => {
  let userDataDir: string;
  let context: AppContext;

  beforeEach(async () => {
    userDataDir = await mkdtemp(join(tmpdir(), 'orgdesk-context-'));
    context = await createAppContext({ userDataDir, mode: 'browser', version: '0.1.0', platform: 'linux' });
  });

  afterEach(async () => {
    await context.dispose();
    await rm(userDataDir, { recursive: true, force: true });
  });

  it('reports its database as ready', async () => {
    await expect(context.invoke('app:database-status', {})).resolves.toEqual({ ok: true, value: { state: 'ready', path: join(userDataDir, 'orgdesk.db') } });
  });

  it('answers app:info with the version, platform and mode it was built with', async () => {
    await expect(context.invoke('app:info', {})).resolves.toEqual({
      ok: true,
      value: { version: '0.1.0', platform: 'linux', mode: 'browser' },
    });
  });

  it('answers orgs:list with a list', async () => {
    const result = await context.invoke('orgs:list', {});
    expect(result.ok).toBe(true);
    expect(Array.isArray(result.ok ? result.value : null)).toBe(true);
  });

  it('delivers events emitted by services to subscribers until they unsubscribe', () => {
    const seen: AppEvent[] = [];
    const unsubscribe = context.subscribe((event) => seen.push(event));
    context.events.emit('orgs:changed', { activeOrgId: 'org-1' });
    unsubscribe();
    context.events.emit('orgs:changed', { activeOrgId: null });
    expect(seen).toEqual([{ channel: 'orgs:changed', payload: { activeOrgId: 'org-1' } }]);
  });
});

describe('createAppContext on a damaged database', () => {
  const garbage = 'not a database '.repeat(500);
  let userDataDir: string;
  let context: AppContext;

  beforeEach(async () => {
    userDataDir = await mkdtemp(join(tmpdir(), 'orgdesk-damaged-'));
    writeFileSync(join(userDataDir, 'orgdesk.db'), garbage);
    context = await createAppContext({ userDataDir, mode: 'browser', version: '0.1.0', platform: 'linux', secrets: createMemorySecretStore() });
  });

  afterEach(async () => {
    await context.dispose();
    await rm(userDataDir, { recursive: true, force: true });
  });

  it('starts in recovery: app:database-status names the problem and the file, the app domain still answers', async () => {
    const status = await context.invoke('app:database-status', {});
    expect(status).toMatchObject({
      ok: true,
      value: { state: 'needs-recovery', problem: 'damaged', path: join(userDataDir, 'orgdesk.db'), message: expect.stringMatching(/damaged/) as unknown, hint: expect.stringMatching(/nothing is deleted/) as unknown },
    });
    expect(await context.invoke('app:info', {})).toMatchObject({ ok: true });
    expect(readFileSync(join(userDataDir, 'orgdesk.db'), 'utf8')).toBe(garbage);
  });

  it('answers every other channel with an error that points at the recovery screen', async () => {
    const result = await context.invoke('orgs:list', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL', hint: expect.stringMatching(/recovery screen/) as unknown } });
  });

  it('moves the file aside with its bytes intact, starts fresh, and then answers the other channels', async () => {
    const recovered = await context.invoke('app:database-recover', {});
    if (!recovered.ok) throw new Error(recovered.error.message);
    const movedAside = readdirSync(userDataDir).filter((name) => name.startsWith('orgdesk.db.damaged-'));
    expect(movedAside).toHaveLength(1);
    expect(recovered.value).toEqual({ movedTo: join(userDataDir, movedAside[0] ?? ''), path: join(userDataDir, 'orgdesk.db') });
    expect(readFileSync(join(userDataDir, movedAside[0] ?? ''), 'utf8')).toBe(garbage);
    expect(existsSync(join(userDataDir, 'orgdesk.db'))).toBe(true);
    expect(await context.invoke('orgs:list', {})).toEqual({ ok: true, value: [] });
    expect(await context.invoke('app:database-status', {})).toEqual({ ok: true, value: { state: 'ready', path: join(userDataDir, 'orgdesk.db') } });
    expect(context.pendingChannels).not.toContain('orgs:list');
  });

  it('refuses a second recovery instead of moving the fresh database aside', async () => {
    expect(await context.invoke('app:database-recover', {})).toMatchObject({ ok: true });
    expect(await context.invoke('app:database-recover', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(readdirSync(userDataDir).filter((name) => name.startsWith('orgdesk.db.damaged-'))).toHaveLength(1);
  });
});

describe('createAppContext on a database from a newer OrgDesk', () => {
  it('starts in recovery and says so, naming the newer version', async () => {
    const userDataDir = await mkdtemp(join(tmpdir(), 'orgdesk-newer-'));
    try {
      openDatabase({ folder: userDataDir, migrations: [...MIGRATIONS, 'CREATE TABLE from_the_future (x)'] }).close();
      const context = await createAppContext({ userDataDir, mode: 'browser', version: '0.1.0', platform: 'linux', secrets: createMemorySecretStore() });
      expect(await context.invoke('app:database-status', {})).toMatchObject({ ok: true, value: { state: 'needs-recovery', problem: 'newer-version' } });
      expect(await context.invoke('app:database-recover', {})).toMatchObject({ ok: true, value: { movedTo: expect.stringContaining('orgdesk.db.newer-version-') as unknown } });
      expect(await context.invoke('orgs:list', {})).toEqual({ ok: true, value: [] });
      await context.dispose();
    } finally {
      await rm(userDataDir, { recursive: true, force: true });
    }
  });
});
