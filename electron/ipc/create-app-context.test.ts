import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
