import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClientPresence } from './client-presence';

describe('createClientPresence', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says a tab is gone once its last socket closed and the grace period passed without a new one', () => {
    const gone: string[] = [];
    const presence = createClientPresence({ graceMs: 30_000, onGone: (id) => gone.push(id) });
    const close = presence.connected('tab-1');
    close();
    close();
    vi.advanceTimersByTime(29_999);
    expect(gone).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(gone).toEqual(['tab-1']);
    vi.advanceTimersByTime(60_000);
    expect(gone).toEqual(['tab-1']);
  });

  it('keeps a tab whose socket comes back within the grace period (a reconnect)', () => {
    const gone: string[] = [];
    const presence = createClientPresence({ graceMs: 30_000, onGone: (id) => gone.push(id) });
    presence.connected('tab-1')();
    vi.advanceTimersByTime(10_000);
    const closeAgain = presence.connected('tab-1');
    vi.advanceTimersByTime(60_000);
    expect(gone).toEqual([]);
    closeAgain();
    vi.advanceTimersByTime(30_000);
    expect(gone).toEqual(['tab-1']);
  });

  it('waits for the last of several sockets of one tab, and tracks tabs separately', () => {
    const gone: string[] = [];
    const presence = createClientPresence({ graceMs: 1_000, onGone: (id) => gone.push(id) });
    const first = presence.connected('tab-1');
    const second = presence.connected('tab-1');
    presence.connected('tab-2');
    first();
    vi.advanceTimersByTime(5_000);
    expect(gone).toEqual([]);
    second();
    vi.advanceTimersByTime(1_000);
    expect(gone).toEqual(['tab-1']);
  });

  it('forgets pending grace timers when disposed', () => {
    const gone: string[] = [];
    const presence = createClientPresence({ graceMs: 1_000, onGone: (id) => gone.push(id) });
    presence.connected('tab-1')();
    presence.dispose();
    vi.advanceTimersByTime(5_000);
    expect(gone).toEqual([]);
  });
});
