import type { ChannelSchemas, EventSchemas } from './channel';
import type { EventChannel, EventMap, InvokeChannel, InvokeMap } from './contract';
import { appSchemas } from './domains/app';
import { eventsEventSchemas, eventsSchemas } from './domains/events';
import { loadEventSchemas, loadSchemas } from './domains/load';
import { orgsEventSchemas, orgsSchemas } from './domains/orgs';
import { queryEventSchemas, querySchemas } from './domains/query';

/** The argument schema of every invoke channel; the type check fails when one is missing. */
export const invokeSchemas = {
  ...appSchemas,
  ...orgsSchemas,
  ...querySchemas,
  ...loadSchemas,
  ...eventsSchemas,
} satisfies ChannelSchemas<InvokeMap>;

/** Every invoke channel, derived from the schema table (exhaustive by construction). */
export const INVOKE_CHANNELS = Object.keys(invokeSchemas) as InvokeChannel[];

/** The payload schema of every event channel; the type check fails when one is missing. */
const eventSchemas = {
  ...orgsEventSchemas,
  ...queryEventSchemas,
  ...loadEventSchemas,
  ...eventsEventSchemas,
} satisfies EventSchemas<EventMap>;

/** Tells whether a string names an invoke channel of the contract. */
export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && Object.hasOwn(invokeSchemas, name);
}

/** Tells whether a string names an event channel of the contract. */
export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && Object.hasOwn(eventSchemas, name);
}
