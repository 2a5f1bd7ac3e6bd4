import type { EventChannel, EventPayload } from '../../shared/ipc/contract';

/** One event as it travels from a service to a transport: its channel and payload. */
export type AppEvent = { [E in EventChannel]: { channel: E; payload: EventPayload<E> } }[EventChannel];

/** Receives every event the app emits; a transport forwards them to its windows or sockets. */
export type AppEventListener = (event: AppEvent) => void;

/** Where services push contract events, and where transports pick them up. */
export interface EventHub {
  /** Pushes one event to every subscribed transport. */
  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void;
  /** Adds a listener for every event; returns its disposer. */
  subscribe(listener: AppEventListener): () => void;
}

/** Creates an event hub; a listener that throws is isolated so the others still get the event. */
export function createEventHub(options: { onListenerError?: (error: unknown) => void } = {}): EventHub {
  const listeners = new Set<AppEventListener>();
  return {
    emit(channel, payload) {
      const event = { channel, payload } as AppEvent;
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          options.onListenerError?.(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
