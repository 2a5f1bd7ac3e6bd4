import { useCallback, useEffect, useState } from 'react';
import type { EventChannelInfo, EventSubscription, EventsApi, ReplayFrom } from '../../../../shared/ipc/contract';
import type { AppError } from '../../../../shared/ipc/result';
import { invoke, on } from '../../lib/api';

/** The org's channels and the subscriptions main runs for it, kept current by `events:status`. */
export type SubscriptionsState = {
  channels: EventChannelInfo[];
  subscriptions: EventSubscription[];
  subscribing: boolean;
  subscribe: (channel: string, replay: ReplayFrom, api?: EventsApi) => Promise<EventSubscription | null>;
  unsubscribe: (subscriptionId: string) => Promise<void>;
  /** Asks the org for its channels again (after a new object or platform event was enabled). */
  refreshChannels: () => Promise<void>;
};

/** Loads `events:channels` and `events:subscriptions` for the org (also after a reload) and follows `events:status`. */
export function useSubscriptions(orgId: string | null, onError: (error: AppError) => void): SubscriptionsState {
  const [channels, setChannels] = useState<EventChannelInfo[]>([]);
  const [subscriptions, setSubscriptions] = useState<EventSubscription[]>([]);
  const [subscribing, setSubscribing] = useState(false);

  const loadChannels = useCallback(
    async (refresh: boolean) => {
      if (orgId === null) return;
      const result = await invoke('events:channels', { orgId, refresh });
      if (result.ok) setChannels(result.value);
      else onError(result.error);
    },
    [orgId, onError],
  );

  useEffect(() => {
    setChannels([]);
    void loadChannels(false);
  }, [loadChannels]);

  useEffect(() => {
    let live = true;
    void invoke('events:subscriptions', {}).then((result) => {
      if (!live) return;
      if (result.ok) setSubscriptions((previous) => mergeAll(previous, result.value));
      else if (result.error.code !== 'NOT_FOUND') onError(result.error);
    });
    const off = on('events:status', (status) => setSubscriptions((previous) => merge(previous, status)));
    return () => {
      live = false;
      off();
    };
  }, [onError]);

  const subscribe = useCallback(
    async (channel: string, replay: ReplayFrom, api: EventsApi = 'pubsub') => {
      if (orgId === null) return null;
      setSubscribing(true);
      const result = await invoke('events:subscribe', { orgId, channel, replay, api });
      setSubscribing(false);
      if (!result.ok) {
        onError(result.error);
        return null;
      }
      // Status events may have overtaken this answer: they are newer, so the answer only fills a gap.
      const answered = result.value;
      setSubscriptions((previous) => (previous.some((s) => s.subscriptionId === answered.subscriptionId) ? previous : [...previous, answered]));
      return answered;
    },
    [orgId, onError],
  );

  const unsubscribe = useCallback(
    async (subscriptionId: string) => {
      const result = await invoke('events:unsubscribe', { subscriptionId });
      // A failed subscription main no longer knows is simply dismissed.
      if (!result.ok && result.error.code !== 'NOT_FOUND') onError(result.error);
      setSubscriptions((previous) => previous.map((s) => (s.subscriptionId === subscriptionId ? { ...s, state: 'stopped' as const } : s)));
    },
    [onError],
  );

  const refreshChannels = useCallback(() => loadChannels(true), [loadChannels]);
  const mine = orgId === null ? [] : subscriptions.filter((s) => s.orgId === orgId);
  return { channels, subscriptions: mine, subscribing, subscribe, unsubscribe, refreshChannels };
}

/** Replaces or appends one subscription's status, keeping the list's order. */
function merge(list: EventSubscription[], status: EventSubscription): EventSubscription[] {
  const index = list.findIndex((s) => s.subscriptionId === status.subscriptionId);
  if (index === -1) return [...list, status];
  const next = list.slice();
  next[index] = status;
  return next;
}

function mergeAll(list: EventSubscription[], statuses: EventSubscription[]): EventSubscription[] {
  return statuses.reduce(merge, list);
}
