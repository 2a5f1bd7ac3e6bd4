import { describe, expect, it } from 'vitest';
import { installFakeBridge } from '../../test/fake-bridge';
import { ensureBridge, invoke, on } from './api';

describe('api', () => {
  it('answers NETWORK instead of throwing when there is no bridge', async () => {
    await expect(invoke('app:info', {})).resolves.toMatchObject({ ok: false, error: { code: 'NETWORK' } });
  });

  it('turns a bridge that throws into a NETWORK Result', async () => {
    const fake = installFakeBridge();
    fake.answer('app:info', () => {
      throw new Error('socket closed');
    });
    await expect(invoke('app:info', {})).resolves.toMatchObject({ ok: false, error: { code: 'NETWORK' } });
  });

  it('passes events to listeners until they unsubscribe', () => {
    const fake = installFakeBridge();
    const seen: (string | null)[] = [];
    const off = on('orgs:changed', (payload) => seen.push(payload.activeOrgId));
    fake.emit('orgs:changed', { activeOrgId: 'x' });
    off();
    fake.emit('orgs:changed', { activeOrgId: 'y' });
    expect(seen).toEqual(['x']);
  });

  it('keeps the bridge Electron installed instead of replacing it', () => {
    const fake = installFakeBridge();
    expect(ensureBridge()).toBe(true);
    expect(window.orgdesk).toBe(fake.bridge);
  });

  it('refuses to connect in browser mode without a token', () => {
    window.history.replaceState(null, '', '/');
    expect(ensureBridge()).toBe(false);
    expect(window.orgdesk).toBeUndefined();
  });
});
