import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createLoadOwner, linuxProcessStart } from './load-owner';

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

describe('load owner and reused process ids', () => {
  it('takes a live pid that started at another moment than the token says for a gone owner', () => {
    const owner = createLoadOwner({ processAlive: (pid) => pid === 4242, processStart: (pid) => (pid === 4242 ? '900' : '100') });
    expect(owner.isAlive(`${hostname()}:4242:900:x`)).toBe(true);
    expect(owner.isAlive(`${hostname()}:4242:123:x`)).toBe(false);
    // An older token without a start time: the pid alone decides.
    expect(owner.isAlive(`${hostname()}:4242:x`)).toBe(true);
  });

  it('reads real start times from the OS, so a real live process with its own start is alive and with another is not', () => {
    const start = linuxProcessStart(process.ppid);
    if (start === null) return; // No /proc here (macOS, Windows): the pid alone decides, as tested above.
    const owner = createLoadOwner();
    expect(owner.token).toMatch(new RegExp(`^${hostname()}:${process.pid}:\\d+:`));
    expect(owner.isAlive(`${hostname()}:${process.ppid}:${start}:parent`)).toBe(true);
    expect(owner.isAlive(`${hostname()}:${process.ppid}:${Number(start) + 1}:parent`)).toBe(false);
  });
});
