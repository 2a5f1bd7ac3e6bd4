/**
 * Subscribe and ManagedSubscribe: the first request names the topic (or the managed subscription) and the starting
 * point, every request adds to the events owed; replay ids are checked against the topic and the retention window.
 */
import type { ServerDuplexStream, ServiceError } from '@grpc/grpc-js';
import type { EventLog } from '../streaming/event-log';
import { authenticate, type AuthPorts } from './auth';
import { ERROR_CODES, newRpcId, pubsubError, status } from './errors';
import type { ManagedSubscriptions } from './managed-subscriptions';
import { decodeReplayId } from './replay-ids';
import { createSubscriptionCursor, type Batch, type SubscriptionCursor } from './subscription';
import type { TopicRegistry } from './topics';

/** An open subscribe stream as the admin faults see it. */
export type OpenStream = { token: string; rpcId: string; end(error: ServiceError): void };

/** What the handlers need of the org. */
export type SubscribePorts = AuthPorts & { log: EventLog; topics: TopicRegistry; managed: ManagedSubscriptions; keepaliveMs: () => number; batchDelayMs: () => number; streams: Set<OpenStream> };

type FetchRequest = { topic_name?: string; replay_preset?: string; replay_id?: Buffer; num_requested?: number };
type ManagedFetchRequest = { subscription_id?: string; developer_name?: string; num_requested?: number; commit_replay_id_request?: { commit_request_id?: string; replay_id?: Buffer } | null };

/** The log position a stream starts after, or the error to end it with. */
function startPosition(ports: SubscribePorts, topicName: string, preset: string, replayId: Buffer | undefined, rpcId: string): number | ServiceError {
  if (preset === 'EARLIEST') return ports.log.lowWater(topicName);
  if (preset !== 'CUSTOM') return ports.log.latestId();
  if (replayId === undefined || replayId.length === 0) {
    return pubsubError(status.INVALID_ARGUMENT, ERROR_CODES.replayValidation, 'The replay_preset field in FetchRequest is set to ReplayPreset.CUSTOM, but no Replay ID value is set.', rpcId);
  }
  const position = decodeReplayId(ports.orgId18, topicName, replayId);
  if (position === undefined || !ports.log.canReplayAfter(position, topicName)) {
    return pubsubError(status.INVALID_ARGUMENT, ERROR_CODES.replayCorrupted, `The Replay ID validation failed. Ensure that the Replay ID is valid for topic ${topicName} and within the retention window.`, rpcId);
  }
  return position;
}

/** Runs a bidi stream: authenticates, then hands each request to `onRequest` until the client ends or an error. */
function runStream<Req, Res>(ports: SubscribePorts, call: ServerDuplexStream<Req, Res>, onRequest: (request: Req, ctx: { rpcId: string; fail: (e: ServiceError) => void; userToken: string }) => void, onEnd: () => void): void {
  const rpcId = newRpcId();
  let ended = false;
  const open: OpenStream = { token: '', rpcId, end: (error) => fail(error) };
  const finish = (): void => {
    if (ended) return;
    ended = true;
    ports.streams.delete(open);
    onEnd();
  };
  const fail = (error: ServiceError): void => {
    if (ended) return;
    finish();
    call.emit('error', error);
  };
  const auth = authenticate(ports, call.metadata, rpcId);
  if ('error' in auth) {
    fail(auth.error);
    return;
  }
  open.token = auth.session.token;
  ports.streams.add(open);
  call.on('data', (request: Req) => {
    if (!ended) onRequest(request, { rpcId, fail, userToken: auth.session.token });
  });
  call.on('end', () => {
    finish();
    call.end();
  });
  call.on('cancelled', finish);
  call.on('error', finish);
}

const checkCount = (count: number | undefined, rpcId: string): ServiceError | undefined =>
  typeof count === 'number' && count > 0 ? undefined : pubsubError(status.INVALID_ARGUMENT, ERROR_CODES.requestedInvalid, 'The number of requested events in num_requested must be greater than 0.', rpcId);

const sessionAlive = (ports: SubscribePorts, token: string): boolean => ports.sessions.use(token) !== undefined;

/** The error that ends a stream whose session is gone. */
export const authLost = (rpcId: string): ServiceError => pubsubError(status.UNAUTHENTICATED, ERROR_CODES.auth, 'An authentication exception occurred. The access token is invalid or expired: log in again.', rpcId);

/** A cursor whose batches go out as FetchResponse / ManagedFetchResponse and whose lost session ends the call. */
function openCursor(ports: SubscribePorts, call: { write(message: unknown): unknown }, o: { topicName: string; after: number; rpcId: string; userToken: string; fail: (e: ServiceError) => void }): SubscriptionCursor {
  return createSubscriptionCursor({
    log: ports.log,
    topics: ports.topics,
    orgId: ports.orgId18,
    topicName: o.topicName,
    after: o.after,
    keepaliveMs: ports.keepaliveMs(),
    authorized: () => sessionAlive(ports, o.userToken),
    onAuthLost: () => o.fail(authLost(o.rpcId)),
    send(batch: Batch) {
      const write = (): unknown => call.write({ events: batch.events, latest_replay_id: batch.latestReplayId, rpc_id: o.rpcId, pending_num_requested: batch.pending });
      const delay = ports.batchDelayMs();
      if (delay > 0) setTimeout(write, delay);
      else write();
    },
  });
}

/** `Subscribe`. */
export function subscribeHandler(ports: SubscribePorts) {
  return (call: ServerDuplexStream<FetchRequest, unknown>): void => {
    let cursor: SubscriptionCursor | undefined;
    let topicName = '';
    runStream(
      ports,
      call,
      (request, { rpcId, fail, userToken }) => {
        const badCount = checkCount(request.num_requested, rpcId);
        if (badCount) return fail(badCount);
        if (!sessionAlive(ports, userToken)) return fail(authLost(rpcId));
        if (cursor) {
          if (request.topic_name && request.topic_name !== topicName) return fail(pubsubError(status.INVALID_ARGUMENT, ERROR_CODES.topicMismatch, `The topic_name ${request.topic_name} differs from the topic of this stream, ${topicName}: start a new Subscribe call for another topic.`, rpcId));
          cursor.request(request.num_requested as number);
          return;
        }
        topicName = request.topic_name ?? '';
        if (ports.topics.topic(topicName) === undefined) return fail(topicNotFound(topicName, rpcId));
        const start = startPosition(ports, topicName, request.replay_preset ?? 'LATEST', request.replay_id, rpcId);
        if (typeof start !== 'number') return fail(start);
        cursor = openCursor(ports, call, { topicName, after: start, rpcId, userToken, fail });
        cursor.request(request.num_requested as number);
      },
      () => cursor?.stop(),
    );
  };
}

/** The error of an unknown topic ([INF] code and status). */
export function topicNotFound(topicName: string, rpcId: string): ServiceError {
  return pubsubError(status.NOT_FOUND, ERROR_CODES.topicNotFound, `The topic ${topicName === '' ? '(none)' : topicName} does not exist or you do not have access to it.`, rpcId);
}

/** `ManagedSubscribe` with `CommitReplayRequest`. */
export function managedSubscribeHandler(ports: SubscribePorts) {
  return (call: ServerDuplexStream<ManagedFetchRequest, unknown>): void => {
    let cursor: SubscriptionCursor | undefined;
    let managedCommit: ((replayId: Buffer | undefined, requestId: string) => void) | undefined;
    runStream(
      ports,
      call,
      (request, { rpcId, fail, userToken }) => {
        if (!sessionAlive(ports, userToken)) return fail(authLost(rpcId));
        if (!cursor) {
          const key = request.subscription_id || request.developer_name || '';
          const sub = key === '' ? undefined : ports.managed.find(key);
          if (!sub) return fail(pubsubError(status.NOT_FOUND, ERROR_CODES.managedNotFound, `No managed subscription ${key === '' ? '(neither subscription_id nor developer_name given)' : key}: create a ManagedEventSubscription first.`, rpcId));
          if (ports.topics.topic(sub.topicName) === undefined) return fail(topicNotFound(sub.topicName, rpcId));
          const committed = sub.committed !== undefined && ports.log.canReplayAfter(sub.committed, sub.topicName) ? sub.committed : undefined;
          const start = committed ?? (sub.defaultReplay === 'EARLIEST' ? ports.log.lowWater(sub.topicName) : ports.log.latestId());
          const topicName = sub.topicName;
          cursor = openCursor(ports, call, { topicName, after: start, rpcId, userToken, fail });
          const commit = (replayId: Buffer | undefined, requestId: string): void => {
            const position = replayId === undefined ? undefined : decodeReplayId(ports.orgId18, topicName, replayId);
            const valid = position !== undefined && ports.log.canReplayAfter(position, topicName);
            if (valid) sub.committed = position;
            const error = valid ? null : { code: 'COMMIT', msg: `The Replay ID to commit is not an id of ${topicName} within the retention window.` };
            call.write({ events: [], latest_replay_id: Buffer.alloc(0), rpc_id: rpcId, pending_num_requested: cursor?.pending() ?? 0, commit_response: { commit_request_id: requestId, replay_id: replayId ?? Buffer.alloc(0), error, process_time: Date.now() } });
          };
          managedCommit = commit;
        }
        const commitRequest = request.commit_replay_id_request;
        if (commitRequest) managedCommit?.(commitRequest.replay_id, commitRequest.commit_request_id ?? '');
        if (request.num_requested !== undefined && request.num_requested !== 0) {
          const badCount = checkCount(request.num_requested, rpcId);
          if (badCount) return fail(badCount);
          cursor.request(request.num_requested);
        } else if (!commitRequest) {
          const badCount = checkCount(request.num_requested, rpcId);
          if (badCount) return fail(badCount);
        }
      },
      () => cursor?.stop(),
    );
  };
}
