import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CellValue, QuerySort } from '../../../../shared/ipc/contract';
import { invoke } from '../../lib/api';

/** Rows per cached block; windows are fetched in whole blocks. */
const BLOCK_SIZE = 100;
/** Rows kept beyond the visible window on each side; everything further away is dropped. */
const WINDOW_MARGIN = 200;
/** How soon a window answered while its filter was still counting is asked for again. */
const COUNTING_POLL_MS = 150;

/** What the grid needs from a run's rows: how many match, the loaded ones, and a way to say what is on screen. */
export type RowWindowState = {
  rowCount: number;
  getRow: (index: number) => CellValue[] | undefined;
  setVisibleRange: (first: number, last: number) => void;
  fetchRows: (first: number, count: number) => Promise<CellValue[][]>;
  /** How many rows the renderer holds now (for the status line and the memory bench). */
  heldRows: number;
};

/**
 * Serves a run's rows to the grid from `query:rows`, sorted and filtered in main: only the visible window plus a margin is
 * held. New pages (`fetched` grows) refresh what is on screen, and so does the run's end (`settled`: main sorts once more
 * when the last rows are in); a new sort or filter starts from scratch.
 */
export function useRowWindow(runId: string | null, fetched: number, sort: QuerySort[], filter: string, settled = false): RowWindowState {
  const blocks = useRef(new Map<number, CellValue[][]>());
  const pending = useRef(new Set<number>());
  // Blocks shown until their fresh copy arrives (new pages may have changed them), so the grid never flashes empty.
  const stale = useRef(new Set<number>());
  const visible = useRef<[number, number]>([0, 50]);
  const generation = useRef(0);
  const seenFetched = useRef('0');
  const [matched, setMatched] = useState(0);
  const [version, setVersion] = useState(0);
  const sortKey = JSON.stringify(sort);
  const reload = useRef<() => void>(() => undefined);

  const load = useCallback(() => {
    if (runId === null) return;
    const [first, last] = visible.current;
    const from = Math.floor(Math.max(0, first - WINDOW_MARGIN) / BLOCK_SIZE);
    const to = Math.floor((last + WINDOW_MARGIN) / BLOCK_SIZE);
    for (const key of blocks.current.keys()) if (key < from || key > to) blocks.current.delete(key);
    let start = -1;
    const spans: [number, number][] = [];
    for (let b = from; b <= to + 1; b += 1) {
      const missing = b <= to && (!blocks.current.has(b) || stale.current.has(b)) && !pending.current.has(b);
      if (missing && start === -1) start = b;
      if (!missing && start !== -1) {
        spans.push([start, b - 1]);
        start = -1;
      }
    }
    const gen = generation.current;
    for (const [a, b] of spans) {
      for (let k = a; k <= b; k += 1) pending.current.add(k);
      void invoke('query:rows', { runId, offset: a * BLOCK_SIZE, limit: (b - a + 1) * BLOCK_SIZE, sort: JSON.parse(sortKey) as QuerySort[], filter }).then(
        (result) => {
          for (let k = a; k <= b; k += 1) pending.current.delete(k);
          if (gen !== generation.current || !result.ok) return;
          const { rows } = result.value;
          for (let k = a; k <= b; k += 1) {
            const slice = rows.slice((k - a) * BLOCK_SIZE, (k - a + 1) * BLOCK_SIZE);
            stale.current.delete(k);
            if (slice.length > 0) blocks.current.set(k, slice);
            else blocks.current.delete(k);
          }
          setMatched(result.value.matched);
          setVersion((v) => v + 1);
          // The filter is still scanning: its first rows are here, the count fills in as the same window is asked again.
          if (result.value.counting === true) {
            setTimeout(() => {
              if (gen !== generation.current) return;
              for (let k = a; k <= b; k += 1) stale.current.add(k);
              reload.current();
            }, COUNTING_POLL_MS);
          }
        },
      );
    }
  }, [runId, sortKey, filter]);
  reload.current = load;

  // A new run, sort or filter: forget everything.
  useEffect(() => {
    generation.current += 1;
    blocks.current.clear();
    pending.current.clear();
    stale.current.clear();
    seenFetched.current = '0';
    setMatched(0);
    setVersion((v) => v + 1);
    load();
  }, [load]);

  // New pages arrived: unsorted and unfiltered rows only append, so only the last partial block is stale; otherwise the
  // order can change anywhere.
  useEffect(() => {
    const seen = `${fetched}${settled ? ' settled' : ''}`;
    if (runId === null || fetched === 0 || seen === seenFetched.current) return;
    seenFetched.current = seen;
    if (sortKey === '[]' && filter === '') {
      for (const [key, rows] of blocks.current) if (rows.length < BLOCK_SIZE) stale.current.add(key);
      setMatched((m) => Math.max(m, fetched));
    } else {
      generation.current += 1;
      pending.current.clear();
      for (const key of blocks.current.keys()) stale.current.add(key);
    }
    load();
  }, [fetched, settled, runId, sortKey, filter, load]);

  const setVisibleRange = useCallback(
    (first: number, last: number) => {
      visible.current = [first, last];
      load();
    },
    [load],
  );

  // A new getRow per block arrival (version) tells the grid to read again.
  const getRow = useCallback(
    (index: number) => {
      void version;
      return blocks.current.get(Math.floor(index / BLOCK_SIZE))?.[index % BLOCK_SIZE];
    },
    [version],
  );

  const fetchRows = useCallback(
    async (first: number, count: number): Promise<CellValue[][]> => {
      if (runId === null) return [];
      const out: CellValue[][] = [];
      for (let offset = first; offset < first + count; offset += 5000) {
        const result = await invoke('query:rows', { runId, offset, limit: Math.min(5000, first + count - offset), sort: JSON.parse(sortKey) as QuerySort[], filter });
        if (!result.ok) break;
        out.push(...result.value.rows);
        if (result.value.rows.length === 0) break;
      }
      return out;
    },
    [runId, sortKey, filter],
  );

  const heldRows = useMemo(() => {
    void version;
    let n = 0;
    for (const rows of blocks.current.values()) n += rows.length;
    return n;
  }, [version]);

  return { rowCount: runId === null ? 0 : matched, getRow, setVisibleRange, fetchRows, heldRows };
}
