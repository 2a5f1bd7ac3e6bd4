import { describe, expect, it } from 'vitest';
import { createEventHub } from './event-hub';

describe('createEventHub', () => {
  it('still delivers an event to the other listeners when one listener throws', () => {
    const errors: unknown[] = [];
    const hub = createEventHub({ onListenerError: (error) => errors.push(error) });
    const seen: string[] = [];
    hub.subscribe(() => {
      throw new Error('broken socket');
    });
    hub.subscribe((event) => seen.push(event.channel));
    hub.emit('orgs:changed', { activeOrgId: null });
    expect(seen).toEqual(['orgs:changed']);
    expect(errors).toHaveLength(1);
  });
});
