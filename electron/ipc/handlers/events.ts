import type { EventsInvoke } from '../../../shared/ipc/domains/events';
import type { EventsService } from '../../../core/events';
import type { HandlersFor } from '../handler-table';

/** What the events handlers need: the events service. */
export type EventsHandlerPorts = { events: EventsService };

/**
 * The handlers of the events domain: arguments arrive validated; each one calls the events service. Subscriptions belong
 * to the app, not to the window that started them: they go on (and keep capturing) across a reload, which picks them up
 * with `events:subscriptions`.
 */
export function createEventsHandlers({ events }: EventsHandlerPorts): HandlersFor<EventsInvoke> {
  return {
    'events:channels': ({ orgId, refresh }) => events.channels(orgId, refresh),
    'events:subscribe': ({ orgId, channel, replay, api }) => events.subscribe(orgId, channel, replay, api),
    'events:unsubscribe': ({ subscriptionId }) => events.unsubscribe(subscriptionId),
    'events:subscriptions': () => events.subscriptions(),
    'events:rows': ({ filter, offset, limit, order }) => events.rows(filter, offset, limit, order),
    'events:get': ({ seq }) => events.get(seq),
    'events:fetch-record': ({ orgId, entity, recordId }) => events.fetchRecord(orgId, entity, recordId),
    'events:export': ({ selection, format, formulaSafe }) => events.exportEvents(selection, format, { formulaSafe: formulaSafe === true }),
    'events:publish': ({ orgId, eventName, fields, api }) => events.publish(orgId, eventName, fields, api),
    'events:capture': () => events.capture(),
    'events:set-capture-limit': ({ maxBytes }) => events.setCaptureLimit(maxBytes),
    'events:clear': ({ orgId, channel }) => events.clear(orgId, channel),
  };
}
