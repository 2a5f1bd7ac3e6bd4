import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CaptureStats, EventFilter, EventRow } from '../../../../shared/ipc/contract';
import type { AppError } from '../../../../shared/ipc/result';
import { invoke, on } from '../../lib/api';

/** Rows asked of main at a time when the table scrolls to rows it does not hold. */
const EVENT_WINDOW = 200;
/** Rows asked of main at a time when new events arrive under a filter main must apply. */
const TAIL_WINDOW = 500;
/** Rows the table keeps in memory before it forgets those far from the screen (main holds every one on disk). */
const CACHE_LIMIT = 5_000;
/** Seconds the events-per-second sparkline covers. */
const RATE_SECONDS = 60;

/** The filters a person sets in the toolbar (the org comes from the header). */
export type FeedFilter = Omit<EventFilter, 'orgId'>;

/** The live table's rows as windows of main's capture, with pause and an events-per-second history. */
export type EventFeed = {
  /** Rows that match the filter (what the table scrolls through). */
  matched: number;
  /** Rows the capture holds for the org. */
  total: number;
  /** A loaded row by its index in the filtered order, undefined while it is being fetched. */
  rowAt: (index: number) => EventRow | undefined;
  /** Fetches what the table shows and does not hold yet. */
  ensureRange: (first: number, last: number) => void;
  /** Bumped whenever rows arrive, so the table draws again. */
  version: number;
  paused: boolean;
  /** Events received for this org while paused: captured already, shown on resume. */
  waiting: number;
  setPaused: (paused: boolean) => void;
  /** Events per second over the last minute, oldest first. */
  rate: number[];
  capture: CaptureStats | null;
  /** Reads the filtered rows again from the start (after a clear). */
  reload: () => void;
};

/** Whether main must apply the filter (full-text, entity, …) or the renderer can match batch rows itself (org and channel only). */
function needsMain(filter: FeedFilter): boolean {
  return (
    (filter.text ?? '') !== '' ||
    filter.entity !== undefined ||
    (filter.changeTypes?.length ?? 0) > 0 ||
    (filter.recordId ?? '') !== '' ||
    filter.transactionKey !== undefined
  );
}

/**
 * Follows `events:batch` for one org and reads `events:rows` windows, so the table shows captured events (also after a
 * reload) and new ones as they come. Paused, it counts what waits and leaves the table still; capture in main goes on.
 */
export function useEventFeed(orgId: string | null, filter: FeedFilter, onError: (error: AppError) => void): EventFeed {
  const cache = useRef(new Map<number, EventRow>());
  const [matched, setMatched] = useState(0);
  const [total, setTotal] = useState(0);
  const [version, setVersion] = useState(0);
  const [paused, setPausedState] = useState(false);
  const [waiting, setWaiting] = useState(0);
  const [capture, setCapture] = useState<CaptureStats | null>(null);
  const [rate, setRate] = useState<number[]>(() => new Array<number>(RATE_SECONDS).fill(0));
  const counts = useRef<number[]>(new Array<number>(RATE_SECONDS).fill(0));

  // Mutable state the event listener and the fetches share (a listener must not wait for React to render).
  const live = useRef({ generation: 0, matched: 0, busy: false, again: false, paused: false, dropped: -1, pending: new Set<number>(), stale: false });
  const filterRef = useRef(filter);
  filterRef.current = filter;
  const fullFilter = useCallback((): EventFilter | null => (orgId === null ? null : { ...filterRef.current, orgId }), [orgId]);
  const filterKey = JSON.stringify(filter);

  const bump = useCallback(() => setVersion((v) => v + 1), []);

  const store = useCallback((offset: number, rows: EventRow[]) => {
    rows.forEach((row, i) => cache.current.set(offset + i, row));
    if (cache.current.size > CACHE_LIMIT) {
      // Forget the rows farthest from the newest: the table scrolls back to them through ensureRange.
      const keep = live.current.matched - CACHE_LIMIT / 2;
      for (const index of cache.current.keys()) if (index < keep && index < offset) cache.current.delete(index);
    }
  }, []);

  /** Reads new rows past the ones the table has, with main applying the filter; one read at a time. */
  const tail = useCallback(async () => {
    const state = live.current;
    const full = fullFilter();
    if (full === null) return;
    if (state.busy) {
      state.again = true;
      return;
    }
    state.busy = true;
    const generation = state.generation;
    try {
      do {
        state.again = false;
        const offset = state.matched;
        const result = await invoke('events:rows', { filter: full, offset, limit: TAIL_WINDOW, order: 'asc' });
        if (generation !== state.generation) return;
        if (!result.ok) {
          onError(result.error);
          return;
        }
        store(offset, result.value.rows);
        state.matched = Math.max(offset + result.value.rows.length, result.value.matched);
        setMatched(state.matched);
        setTotal(result.value.total);
        bump();
      } while (state.again && !state.paused);
    } finally {
      if (generation === state.generation) state.busy = false;
    }
  }, [fullFilter, onError, store, bump]);

  const reload = useCallback(() => {
    const state = live.current;
    state.generation += 1;
    state.busy = false;
    state.again = false;
    state.matched = 0;
    state.pending.clear();
    cache.current.clear();
    setMatched(0);
    setTotal(0);
    bump();
    void tail();
  }, [tail, bump]);

  // A new org or filter reads the capture again from the start.
  useEffect(() => {
    reload();
  }, [orgId, filterKey, reload]);

  useEffect(() => {
    if (orgId === null) return undefined;
    void invoke('events:capture', {}).then((result) => {
      if (result.ok) setCapture(result.value);
    });
    return on('events:batch', (batch) => {
      const state = live.current;
      setCapture(batch.capture);
      const mine = batch.rows.filter((row) => row.orgId === orgId);
      counts.current[RATE_SECONDS - 1] = (counts.current[RATE_SECONDS - 1] ?? 0) + mine.length;
      if (state.dropped !== -1 && batch.capture.dropped > state.dropped) {
        // The oldest events left the capture, so every offset moved: read the window again (on resume when paused).
        state.dropped = batch.capture.dropped;
        if (state.paused) state.stale = true;
        else {
          reload();
          return;
        }
      }
      state.dropped = batch.capture.dropped;
      const channels = filterRef.current.channels ?? [];
      const shown = channels.length === 0 ? mine : mine.filter((row) => channels.includes(row.channel));
      if (shown.length === 0) return;
      if (state.paused) {
        setWaiting((w) => w + shown.length);
        return;
      }
      if (needsMain(filterRef.current) || state.busy) {
        void tail();
        return;
      }
      const last = cache.current.get(state.matched - 1);
      const fresh = last === undefined ? shown : shown.filter((row) => row.seq > last.seq);
      if (last === undefined && state.matched > 0) {
        void tail();
        return;
      }
      store(state.matched, fresh);
      state.matched += fresh.length;
      setMatched(state.matched);
      setTotal((t) => t + fresh.length);
      bump();
    });
  }, [orgId, reload, tail, store, bump]);

  useEffect(() => {
    const timer = setInterval(() => {
      // The last bucket is the second that just ended: show it, then open a new one.
      setRate(counts.current.slice());
      counts.current = [...counts.current.slice(1), 0];
    }, 1000);
    return () => clearInterval(timer);
  }, []);

  const ensureRange = useCallback(
    (first: number, last: number) => {
      const full = fullFilter();
      const state = live.current;
      if (full === null || last < first) return;
      const generation = state.generation;
      for (let block = Math.floor(first / EVENT_WINDOW); block <= Math.floor(last / EVENT_WINDOW); block += 1) {
        const offset = block * EVENT_WINDOW;
        if (offset >= state.matched || state.pending.has(offset)) continue;
        let missing = false;
        for (let i = Math.max(first, offset); i <= Math.min(last, offset + EVENT_WINDOW - 1, state.matched - 1); i += 1) {
          if (!cache.current.has(i)) {
            missing = true;
            break;
          }
        }
        if (!missing) continue;
        state.pending.add(offset);
        void invoke('events:rows', { filter: full, offset, limit: EVENT_WINDOW, order: 'asc' }).then((result) => {
          if (generation !== state.generation) return;
          state.pending.delete(offset);
          if (!result.ok) {
            onError(result.error);
            return;
          }
          store(offset, result.value.rows);
          bump();
        });
      }
    },
    [fullFilter, onError, store, bump],
  );

  const setPaused = useCallback(
    (next: boolean) => {
      live.current.paused = next;
      setPausedState(next);
      if (!next) {
        setWaiting(0);
        if (live.current.stale) {
          live.current.stale = false;
          reload();
        } else void tail();
      }
    },
    [tail, reload],
  );

  const rowAt = useCallback((index: number) => cache.current.get(index), []);
  return useMemo(
    () => ({ matched, total, rowAt, ensureRange, version, paused, waiting, setPaused, rate, capture, reload }),
    [matched, total, rowAt, ensureRange, version, paused, waiting, setPaused, rate, capture, reload],
  );
}
