import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createLoadOwner } from './load-owner';

describe('load owner', () => {
  it('counts itself alive, a live process on this host alive, and a gone or unknown owner dead', () => {
    const owner = createLoadOwner({ processAlive: (pid) => pid === 4242 });
    expect(owner.isAlive(owner.token)).toBe(true);
    expect(owner.isAlive(`${hostname()}:4242:x`)).toBe(true);
    expect(owner.isAlive(`${hostname()}:4343:x`)).toBe(false);
    expect(owner.isAlive(null)).toBe(false);
    expect(owner.isAlive('garbage')).toBe(false);
  });

  it('takes an earlier service of this same process for gone, and another machine for alive', () => {
    const owner = createLoadOwner({ processAlive: () => true });
    expect(owner.isAlive(`${hostname()}:${process.pid}:an-earlier-instance`)).toBe(false);
    expect(owner.isAlive(`another-host-${hostname()}:1:x`)).toBe(true);
  });

  it('asks the OS about a real process id when no probe is given', () => {
    const owner = createLoadOwner();
    expect(owner.isAlive(`${hostname()}:${process.ppid}:parent`)).toBe(true);
  });
});
