import { describe, expect, it } from 'vitest';
import { createSenderScopes } from './sender-scopes';

describe('createSenderScopes', () => {
  it('gives each sender one scope until it is disposed, then a fresh one', () => {
    const scopes = createSenderScopes();
    const first = scopes.scopeFor('window:1');
    expect(scopes.scopeFor('window:1')).toBe(first);
    expect(scopes.scopeFor('window:2')).not.toBe(first);
    scopes.dispose('window:1');
    expect(first.signal.aborted).toBe(true);
    const again = scopes.scopeFor('window:1');
    expect(again).not.toBe(first);
    expect(again.signal.aborted).toBe(false);
  });

  it("runs a sender's disposers once when it goes away, and leaves other senders alone", () => {
    const scopes = createSenderScopes();
    const ran: string[] = [];
    scopes.scopeFor('web:a').onDispose(() => ran.push('a1'));
    scopes.scopeFor('web:a').onDispose(() => ran.push('a2'));
    scopes.scopeFor('web:b').onDispose(() => ran.push('b'));
    scopes.dispose('web:a');
    scopes.dispose('web:a');
    expect(ran).toEqual(['a1', 'a2']);
    expect(scopes.scopeFor('web:b').signal.aborted).toBe(false);
    expect(scopes.senderIds).toEqual(['web:b']);
  });

  it('skips a disposer that was unregistered because its work ended first', () => {
    const scopes = createSenderScopes();
    const ran: string[] = [];
    const unregister = scopes.scopeFor('window:1').onDispose(() => ran.push('run'));
    unregister();
    scopes.dispose('window:1');
    expect(ran).toEqual([]);
  });

  it('keeps running the other disposers when one throws, and reports it', () => {
    const errors: unknown[] = [];
    const scopes = createSenderScopes({ onDisposerError: (_id, error) => errors.push(error) });
    const ran: string[] = [];
    scopes.scopeFor('window:1').onDispose(() => {
      throw new Error('boom');
    });
    scopes.scopeFor('window:1').onDispose(() => ran.push('second'));
    scopes.disposeAll();
    expect(ran).toEqual(['second']);
    expect(errors).toHaveLength(1);
    expect(scopes.senderIds).toEqual([]);
  });
});
