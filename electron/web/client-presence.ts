/** Timers the presence tracker uses (injected so tests can run the grace period on fake timers). */
export type PresenceTimers = {
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
};

/** Tracks which browser tabs still have an event socket, and says when one is gone for good. */
export type ClientPresence = {
  /** A tab's event socket opened; call the returned function when it closes. */
  connected(clientId: string): () => void;
  /** Whether a tab is known: its event socket is open, or closed within the grace period (so it may come back). */
  has(clientId: string): boolean;
  /** Clears every pending grace timer without calling onGone (server shutdown disposes everything anyway). */
  dispose(): void;
};

/**
 * Browser mode's "window closed": a tab is gone when its last event socket closed and none came back within `graceMs` (a
 * reload or a short network drop reconnects well within it; the web bridge reconnects after a second). Then `onGone` runs once.
 */
export function createClientPresence(options: { graceMs: number; onGone: (clientId: string) => void; timers?: PresenceTimers }): ClientPresence {
  const timers: PresenceTimers = options.timers ?? {
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  const sockets = new Map<string, number>();
  const pending = new Map<string, unknown>();

  return {
    connected(clientId) {
      const timer = pending.get(clientId);
      if (timer !== undefined) {
        timers.clearTimeout(timer);
        pending.delete(clientId);
      }
      sockets.set(clientId, (sockets.get(clientId) ?? 0) + 1);
      let closed = false;
      return () => {
        if (closed) return;
        closed = true;
        const left = (sockets.get(clientId) ?? 1) - 1;
        if (left > 0) {
          sockets.set(clientId, left);
          return;
        }
        sockets.delete(clientId);
        pending.set(
          clientId,
          timers.setTimeout(() => {
            pending.delete(clientId);
            options.onGone(clientId);
          }, options.graceMs),
        );
      };
    },
    has: (clientId) => sockets.has(clientId) || pending.has(clientId),
    dispose() {
      for (const timer of pending.values()) timers.clearTimeout(timer);
      pending.clear();
      sockets.clear();
    },
  };
}
