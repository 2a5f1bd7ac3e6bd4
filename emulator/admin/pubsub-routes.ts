/** `/__emulator/pubsub/...`: the Pub/Sub endpoint and streams, managed subscriptions, the keepalive interval. */
import type { Reply } from '../http/respond';
import type { PubSubAdmin } from '../pubsub';

const error = (status: number, message: string): Reply => ({ status, body: { error: message } });

/** Answers a Pub/Sub admin request (`parts` after `pubsub`). */
export function pubsubRoute(pubsub: PubSubAdmin, method: string, parts: string[], body: Record<string, unknown>): Reply {
  const [what, more] = parts;
  if (more !== undefined) return error(404, `Unknown Pub/Sub resource /__emulator/pubsub/${parts.join('/')}: see emulator/README.md.`);
  if (what === undefined && method === 'GET') return { status: 200, body: { url: pubsub.url(), streams: pubsub.streams(), managedSubscriptions: pubsub.managedSubscriptions() } };
  if (what === 'managed-subscriptions' && method === 'GET') return { status: 200, body: pubsub.managedSubscriptions() };
  if (what === 'managed-subscriptions' && method === 'POST') {
    const { developerName, topicName, defaultReplay } = body;
    if (typeof developerName !== 'string' || typeof topicName !== 'string') return error(400, 'A managed subscription needs "developerName" and "topicName" (e.g. "/event/Order_Event__e").');
    if (defaultReplay !== undefined && defaultReplay !== 'LATEST' && defaultReplay !== 'EARLIEST') return error(400, '"defaultReplay" must be "LATEST" or "EARLIEST".');
    return { status: 201, body: pubsub.addManagedSubscription({ developerName, topicName, ...(defaultReplay === undefined ? {} : { defaultReplay }) }) };
  }
  if (what === 'keepalive' && method === 'POST') {
    const ms = body.ms;
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 10) return error(400, '"ms" must be a whole number of milliseconds, at least 10.');
    pubsub.setKeepaliveMs(ms);
    return { status: 204 };
  }
  if ([undefined, 'managed-subscriptions', 'keepalive'].includes(what)) return error(405, `${method} is not supported on /__emulator/pubsub${what === undefined ? '' : `/${what}`}.`);
  return error(404, `Unknown Pub/Sub resource "${String(what)}": see emulator/README.md.`);
}
