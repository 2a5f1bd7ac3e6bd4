import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultValue, useTestAppContext } from '../../test-support/test-app-context';
import type { EventBatch, EventDetail, EventSubscription, EventWindow } from '../../../shared/ipc/domains/events';


describe('events handlers in the app context', () => {
  const app = useTestAppContext({ prefix: 'orgdesk-events-handlers-', localOrg: { seed: false, streaming: { connectTimeoutMs: 1500 } } });
  const value = resultValue;

  it('subscribes to Contact changes on the demo org, pushes the change as a batch and status, and serves it back after', async () => {
    const demo = value<{ state: string; profileId: string | null; url: string | null }>(await app.context.invoke('orgs:demo-start', {}));
    const orgId = demo.profileId ?? '';
    const batches: EventBatch[] = [];
    const statuses: EventSubscription[] = [];
    app.context.subscribe((event) => {
      if (event.channel === 'events:batch') batches.push(event.payload);
      if (event.channel === 'events:status') statuses.push(event.payload);
    });
    const channels = value<{ channel: string }[]>(await app.context.invoke('events:channels', { orgId }));
    expect(channels.map((c) => c.channel)).toContain('/data/ContactChangeEvent');

    const subscription = value<EventSubscription>(await app.context.invoke('events:subscribe', { orgId, channel: '/data/ContactChangeEvent', replay: { kind: 'new' } }));
    expect(subscription.state).toBe('live');
    expect(value<EventSubscription[]>(await app.context.invoke('events:subscriptions', {}))).toHaveLength(1);

    const session = (await (await fetch(`${demo.url ?? ''}/__emulator/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin@orgdesk.example' }) })).json()) as { access_token: string };
    const created = await fetch(`${demo.url ?? ''}/services/data/v66.0/sobjects/Contact`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${session.access_token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ LastName: 'Handler' }),
    });
    expect(created.status).toBe(201);

    const deadline = Date.now() + 8000;
    while (batches.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(batches[0]?.rows).toEqual([expect.objectContaining({ channel: '/data/ContactChangeEvent', changeType: 'CREATE', entity: 'Contact', orgId })]);
    expect(statuses.some((s) => s.subscriptionId === subscription.subscriptionId && s.received === 1)).toBe(true);

    const window = value<EventWindow>(await app.context.invoke('events:rows', { filter: { orgId, text: 'handler' }, offset: 0, limit: 50, order: 'desc' }));
    expect(window.matched).toBe(1);
    const detail = value<EventDetail>(await app.context.invoke('events:get', { seq: window.rows[0]?.seq ?? 0 }));
    expect(detail.data).toMatchObject({ payload: { Name: { LastName: 'Handler' } } });

    const exported = value<{ file: string; events: number }>(await app.context.invoke('events:export', { selection: { kind: 'filter', filter: { orgId } }, format: 'ndjson' }));
    expect(exported.file.startsWith(join(app.userDataDir, 'exports'))).toBe(true);
    expect((await readFile(exported.file, 'utf8')).trim().split('\n')).toHaveLength(1);

    expect(value<{ unsubscribed: boolean }>(await app.context.invoke('events:unsubscribe', { subscriptionId: subscription.subscriptionId }))).toEqual({ unsubscribed: true });
    expect(statuses.at(-1)).toMatchObject({ subscriptionId: subscription.subscriptionId, state: 'stopped' });
  });

  it('refuses a channel that is not a channel before reaching the org', async () => {
    const result = await app.context.invoke('events:subscribe', { orgId: 'x', channel: 'data/Contact ChangeEvent', replay: { kind: 'new' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(app.context.pendingChannels.filter((c) => c.startsWith('events:'))).toEqual([]);
  });
});
