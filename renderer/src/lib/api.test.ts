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

  it('keeps the bridge Electron installed instead of replacing it', async () => {
    const fake = installFakeBridge();
    expect(await ensureBridge()).toBe(true);
    expect(window.orgdesk).toBe(fake.bridge);
  });

  it('refuses to connect in browser mode when the server does not accept this tab', async () => {
    window.history.replaceState(null, '', '/#token=wrong');
    const realFetch = globalThis.fetch;
    const sent: (string | null)[] = [];
    globalThis.fetch = (async (_url: string, init?: RequestInit) => {
      sent.push(new Headers(init?.headers).get('x-orgdesk-token'));
      return new Response('{}', { status: 401 });
    }) as typeof fetch;
    try {
      expect(await ensureBridge()).toBe(false);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(sent).toEqual(['wrong']);
    expect(window.location.hash).toBe('');
    expect(window.orgdesk).toBeUndefined();
  });
});
