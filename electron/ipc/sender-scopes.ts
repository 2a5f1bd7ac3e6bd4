import { setMaxListeners } from 'node:events';

/**
 * What one sender (an Electron window, a browser tab) owns while it lives: a signal aborted when it goes away, and disposers
 * that run then. Long-running work started on its behalf (a query run, ...) registers here so it ends with its window.
 */
export type SenderScope = {
  /** The sender id (`window:<webContentsId>`, `web:<tab id>`). */
  readonly id: string;
  /** Aborted when the sender's window or tab is gone; pass it to services that take an AbortSignal. */
  readonly signal: AbortSignal;
  /** Runs `disposer` when the sender goes away; returns a function that unregisters it (call it when the work ends first). */
  onDispose(disposer: () => void): () => void;
};

/** Every live sender's scope, created on its first call and disposed by the transport that knows when it is gone. */
export type SenderScopes = {
  /** The scope of a sender, created on first use (a sender that comes back after being disposed gets a fresh one). */
  scopeFor(senderId: string): SenderScope;
  /** Ends a sender's scope: aborts its signal and runs its disposers (each once, errors swallowed). Unknown ids are ignored. */
  dispose(senderId: string): void;
  /** Ends every scope (app shutdown). */
  disposeAll(): void;
  /** The ids of the senders with a live scope. */
  readonly senderIds: readonly string[];
};

/** Builds an empty registry of sender scopes (one per app context). */
export function createSenderScopes(options: { onDisposerError?: (senderId: string, error: unknown) => void } = {}): SenderScopes {
  const scopes = new Map<string, { scope: SenderScope; controller: AbortController; disposers: Set<() => void> }>();

  const dispose = (senderId: string): void => {
    const entry = scopes.get(senderId);
    if (entry === undefined) return;
    scopes.delete(senderId);
    entry.controller.abort();
    for (const disposer of [...entry.disposers]) {
      try {
        disposer();
      } catch (error) {
        options.onDisposerError?.(senderId, error);
      }
    }
    entry.disposers.clear();
  };

  return {
    scopeFor(senderId) {
      const existing = scopes.get(senderId);
      if (existing !== undefined) return existing.scope;
      const controller = new AbortController();
      // One listener per running piece of work: a busy window may hold more than Node's default of 10 without leaking.
      setMaxListeners(0, controller.signal);
      const disposers = new Set<() => void>();
      const scope: SenderScope = {
        id: senderId,
        signal: controller.signal,
        onDispose(disposer) {
          const once = (): void => disposer();
          disposers.add(once);
          return () => {
            disposers.delete(once);
          };
        },
      };
      scopes.set(senderId, { scope, controller, disposers });
      return scope;
    },
    dispose,
    disposeAll() {
      for (const senderId of [...scopes.keys()]) dispose(senderId);
    },
    get senderIds() {
      return [...scopes.keys()];
    },
  };
}
