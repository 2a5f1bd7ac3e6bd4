import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../core/errors';
import { createHandlerTable, pendingChannels } from './handler-table';
import { createAppHandlers } from './handlers/app';
import { createSenderScopes } from './sender-scopes';

const appHandlers = createAppHandlers({
  info: { version: '1.2.3', platform: 'linux', mode: 'browser' },
  database: { status: () => ({ state: 'ready', path: '/tmp/orgdesk.db' }), recover: () => Promise.reject(new Error('not in recovery')) },
});

describe('createHandlerTable', () => {
  it('answers a contract channel with its handler value wrapped in an ok Result', async () => {
    const invoke = createHandlerTable({ ...appHandlers, 'orgs:list': () => [] });
    await expect(invoke('app:info', {})).resolves.toEqual({ ok: true, value: { version: '1.2.3', platform: 'linux', mode: 'browser' } });
  });

  it('refuses an unknown channel with a VALIDATION error that names it', async () => {
    const invoke = createHandlerTable({ ...appHandlers, 'orgs:list': () => [] });
    const result = await invoke('fs:read', { path: '/etc/passwd' });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'Unknown channel: "fs:read".' } });
  });

  it('refuses inherited object keys as channels', async () => {
    const invoke = createHandlerTable({ ...appHandlers, 'orgs:list': () => [] });
    const result = await invoke('constructor', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('refuses arguments that fail the channel schema with a readable VALIDATION message, without calling the handler', async () => {
    let called = false;
    const invoke = createHandlerTable({
      ...appHandlers,
      'orgs:list': () => {
        called = true;
        return [];
      },
    });
    const result = await invoke('orgs:list', { sneaky: true });
    expect(called).toBe(false);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('VALIDATION');
    expect(result.error.message).toMatch(/^Invalid arguments for orgs:list: .*sneaky/);
  });

  it('treats missing arguments as an empty object', async () => {
    const invoke = createHandlerTable({ ...appHandlers, 'orgs:list': () => [] });
    await expect(invoke('orgs:list', undefined)).resolves.toEqual({ ok: true, value: [] });
  });

  it('turns a ServiceError into an AppError with its message and hint', async () => {
    const invoke = createHandlerTable({
      ...appHandlers,
      'orgs:list': () => {
        throw new ServiceError('KEYCHAIN', 'The OS keychain is locked.', 'Unlock your keychain and try again.');
      },
    });
    await expect(invoke('orgs:list', {})).resolves.toEqual({
      ok: false,
      error: { code: 'KEYCHAIN', message: 'The OS keychain is locked.', hint: 'Unlock your keychain and try again.' },
    });
  });

  it('hides an unexpected error behind INTERNAL and reports it to the transport', async () => {
    const reported: string[] = [];
    const invoke = createHandlerTable(
      {
        ...appHandlers,
        'orgs:list': () => Promise.reject(new TypeError('secret stack detail')),
      },
      { onInternalError: (channel) => reported.push(channel) },
    );
    const result = await invoke('orgs:list', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('secret stack detail');
    expect(reported).toEqual(['orgs:list']);
  });

  it('passes the sender to the handler', async () => {
    const senders: string[] = [];
    const invoke = createHandlerTable({
      ...appHandlers,
      'orgs:list': (_args, sender) => {
        senders.push(sender.id);
        return [];
      },
    });
    await invoke('orgs:list', {}, { id: 'window-7' });
    expect(senders).toEqual(['window-7']);
  });
});

describe('pendingChannels', () => {
  it("gives the handler its sender's scope, which ends when the sender is disposed", async () => {
    const scopes = createSenderScopes();
    const signals: AbortSignal[] = [];
    const invoke = createHandlerTable(
      {
        'orgs:list': (_args, sender) => {
          signals.push(sender.scope.signal);
          return [];
        },
      },
      { scopes },
    );
    await invoke('orgs:list', {}, { id: 'window-7' });
    await invoke('orgs:list', {}, { id: 'window-8' });
    scopes.dispose('window-7');
    expect(signals.map((signal) => signal.aborted)).toEqual([true, false]);
  });

  it('lists the contract channels a table leaves unanswered, and those answer NOT_FOUND', async () => {
    const handlers = { ...appHandlers };
    expect(pendingChannels(handlers)).toContain('orgs:list');
    expect(pendingChannels(handlers)).not.toContain('app:info');
    const result = await createHandlerTable(handlers)('orgs:list', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
