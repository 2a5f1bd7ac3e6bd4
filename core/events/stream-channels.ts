/**
 * What the CometD and Pub/Sub streams share about a channel's status: the `ChannelStatus` they report, the state change
 * that answers a waiting subscribe and tells the listener, and the jittered back-off timing.
 */
import type { ReplayDiscontinuity, SubscriptionFailure, SubscriptionState } from '../../shared/ipc/domains/events';
import type { ChannelStatus } from './org-stream';

/** The per-channel fields a status is built from. */
export type ChannelView = {
  channel: string;
  state: SubscriptionState;
  failure: SubscriptionFailure | undefined;
  last: number | null;
  highest: number | null;
  pendingDiscontinuity: ReplayDiscontinuity | null;
  waiters: ((status: ChannelStatus) => void)[];
};

/** A channel's status as the listener and a waiting subscribe see it. */
export function channelStatus(c: ChannelView, reconnects: number, nextRetryAt: Date | null): ChannelStatus {
  return {
    channel: c.channel,
    state: c.state,
    lastReplayId: c.last ?? c.highest,
    reconnects,
    nextRetryAt: c.state === 'reconnecting' ? nextRetryAt : null,
    ...(c.failure === undefined ? {} : { failure: c.failure }),
    ...(c.pendingDiscontinuity === null ? {} : { discontinuity: c.pendingDiscontinuity }),
  };
}

/** Moves a channel to `state`: answers waiting subscribes (once past connecting) and tells the listener when it changed. */
export function changeState(c: ChannelView, state: SubscriptionState, failure: SubscriptionFailure | undefined, status: () => ChannelStatus, onStatus: (status: ChannelStatus) => void, alsoChanged = false): void {
  const changed = c.state !== state || failure !== undefined || alsoChanged;
  c.state = state;
  c.failure = failure;
  const current = status();
  if (state !== 'connecting') for (const resolve of c.waiters.splice(0)) resolve(current);
  if (changed) onStatus(current);
}

/** `ms` jittered ±50 %. */
export function jittered(ms: number): number {
  return Math.round(ms * (0.5 + Math.random()));
}

/** Resolves after `ms` without holding the process open. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });
}
