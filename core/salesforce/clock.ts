import { setTimeout as delay } from 'node:timers/promises';

/** Time as services see it: the current time and a cancellable wait (a port, so tests can skew or speed it up). */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with an AbortError when the signal fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock; `offsetMs` shifts `now()` (to test clock skew against a server). */
export function createSystemClock(options: { offsetMs?: number } = {}): Clock {
  const offset = options.offsetMs ?? 0;
  return {
    now: () => Date.now() + offset,
    sleep: async (ms, signal) => {
      await delay(ms, undefined, signal === undefined ? {} : { signal });
    },
  };
}
