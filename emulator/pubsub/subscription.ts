/**
 * One subscribe stream's delivery: a cursor into the shared event log for one topic, events sent only as the client asks
 * (`num_requested`, at most 100 outstanding — the guide), `pending_num_requested` in every batch, and an empty keepalive
 * batch with the latest replay id when nothing was sent for the keepalive interval. Used by Subscribe and
 * ManagedSubscribe.
 */
import type { EventLog } from '../streaming/event-log';
import { encodeReplayId } from './replay-ids';
import type { ConsumerEventMessage, TopicRegistry } from './topics';

/** The most events a stream may have outstanding (the guide: "The maximum value for num_requested is 100"). */
const MAX_REQUESTED = 100;

/** One batch for the client: events (none for a keepalive), the replay id it reached, what is still owed. */
export type Batch = { events: ConsumerEventMessage[]; latestReplayId: Buffer; pending: number };

/** A running delivery. */
export interface SubscriptionCursor {
  /** Adds to the events owed (capped at MAX_REQUESTED outstanding) and delivers what the log has. */
  request(count: number): void;
  /** Events still owed. */
  pending(): number;
  /** The log position delivered up to. */
  position(): number;
  /** Stops delivering and the keepalive timer. */
  stop(): void;
}

/** Options of a cursor. */
export type CursorOptions = {
  log: EventLog;
  topics: TopicRegistry;
  orgId: string;
  topicName: string;
  /** Deliver events after this log position. */
  after: number;
  keepaliveMs: number;
  /** False when the stream's session is gone: the cursor stops and `onAuthLost` ends the call. */
  authorized(): boolean;
  onAuthLost(): void;
  send(batch: Batch): void;
};

/** Starts a cursor (nothing is sent before the first request). */
export function createSubscriptionCursor(options: CursorOptions): SubscriptionCursor {
  const { log, topicName } = options;
  let pending = 0;
  let cursor = options.after;
  let stopped = false;
  let scheduled = false;
  let keepalive: NodeJS.Timeout | undefined;

  const replayIdOf = (position: number): Buffer => encodeReplayId(options.orgId, topicName, position);

  const armKeepalive = (): void => {
    if (keepalive) clearTimeout(keepalive);
    keepalive = setTimeout(sendKeepalive, options.keepaliveMs);
  };

  const checkAuth = (): boolean => {
    if (options.authorized()) return true;
    stop();
    options.onAuthLost();
    return false;
  };

  function sendKeepalive(): void {
    if (stopped || !checkAuth()) return;
    // With nothing owed the cursor stays on the last event sent, so resuming from this id loses nothing.
    if (pending > 0 && deliver()) return;
    if (stopped) return;
    options.send({ events: [], latestReplayId: replayIdOf(cursor), pending });
    armKeepalive();
  }

  /** Sends what the log has for the client; true when a batch went out. */
  function deliver(): boolean {
    scheduled = false;
    if (stopped || pending === 0 || cursor >= log.latestId()) return false;
    if (!checkAuth()) return false;
    const { events, scannedTo } = log.scan(cursor, topicName, pending);
    cursor = scannedTo;
    if (events.length === 0) return false;
    pending -= events.length;
    const last = events[events.length - 1];
    options.send({ events: events.map((e) => options.topics.consumerEvent(topicName, e)), latestReplayId: replayIdOf(last ? last.replayId : cursor), pending });
    armKeepalive();
    return true;
  }

  const schedule = (): void => {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(() => void deliver());
  };

  const unsubscribe = log.onAppend((event) => {
    if (pending > 0 && event.channels.includes(topicName)) schedule();
  });

  function stop(): void {
    stopped = true;
    unsubscribe();
    if (keepalive) clearTimeout(keepalive);
  }

  armKeepalive();
  return {
    request(count) {
      pending = Math.min(MAX_REQUESTED, pending + count);
      schedule();
    },
    pending: () => pending,
    position: () => cursor,
    stop,
  };
}
