import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { ViewOptions } from './result-views';
import { createResultStore, type ResultStore } from './result-store';
import { createDiskResultStore } from './disk-result-store';
import type { CellValue, QuerySort } from '../../shared/ipc/domains/query';

const folder = mkdtempSync(join(tmpdir(), 'orgdesk-filter-'));
let files = 0;
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

const ROWS = 60_000;
const NAMES = ['Johnson', 'ÉSONNE', 'Anderson', 'Lee', 'MASON', null, 'Søn', 'Ng'];

/** Rows of four columns: names (some upper case, some non-ASCII, some null), numbers as text, a city, an id. */
function rowsOf(count: number): CellValue[][] {
  return Array.from({ length: count }, (_, i) => [NAMES[(i * 7) % NAMES.length] ?? null, String((i * 31) % 1000), i % 3 === 0 ? 'Lyon' : 'Sonora', `id${i}`]);
}

function filled(store: ResultStore, rows: CellValue[][]): ResultStore {
  store.setColumns(['Name', 'Score', 'City', 'Id'].map((path) => ({ path, kind: 'field' as const, read: [path] })));
  for (let start = 0; start < rows.length; start += 5000) store.appendRows(rows.slice(start, start + 5000));
  store.seal();
  return store;
}

/** The brute force: a row matches when one of its cells, lower-cased, holds the lower-cased needle. */
function bruteForce(rows: CellValue[][], needle: string): number[] {
  const lower = needle.trim().toLowerCase();
  return rows.flatMap((row, i) => (row.some((cell) => typeof cell === 'string' && cell.toLowerCase().includes(lower)) ? [i] : []));
}

/** Asks for a window until its count is done, as the renderer does. */
async function settledWindow(store: ResultStore, sort: QuerySort[], filter: string, offset = 0, limit = 100) {
  for (;;) {
    const window = await store.window({ offset, limit, sort, filter });
    if (window.counting !== true) return window;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each([
  ['on disk', (options?: ViewOptions) => createDiskResultStore(join(folder, `f-${(files += 1)}.sqlite`), options)],
  ['in memory', (options?: ViewOptions) => createResultStore(options)],
])('filtering a large result %s', (_name, make) => {
  const rows = rowsOf(ROWS);

  it('counts exactly what a brute-force scan counts, with and without a sort', async () => {
    const store = filled(make(), rows);
    try {
      for (const needle of ['son', 'ÉSON', 'søn', ' Lyon ', 'id5999', 'nothing-like-it']) {
        const expected = bruteForce(rows, needle);
        const plain = await settledWindow(store, [], needle, 0, 50);
        expect(plain.matched, needle).toBe(expected.length);
        expect(plain.rowIndexes).toEqual(expected.slice(0, 50));
        const sorted = await settledWindow(store, [{ column: 'Score', descending: true }], needle, 0, 50);
        expect(sorted.matched, needle).toBe(expected.length);
        const scores = expected.map((i) => Number(rows[i]?.[1])).sort((a, b) => b - a);
        expect(sorted.rows.map((r) => Number(r[1]))).toEqual(scores.slice(0, 50));
      }
    } finally {
      store.close();
    }
  });

  it('answers the first window of a filter before its count is done, then the count fills in', async () => {
    // One step of work per turn of the event loop: the scan cannot finish within the first slice however fast the machine.
    const store = filled(make({ sliceMs: 0 }), rows);
    try {
      const first = await store.window({ offset: 0, limit: 100, sort: [], filter: 'son' });
      expect(first.counting).toBe(true);
      expect(first.rows).toHaveLength(100);
      expect(first.matched).toBeLessThan(bruteForce(rows, 'son').length);
      expect(first.rowIndexes).toEqual(bruteForce(rows, 'son').slice(0, 100));
      expect((await settledWindow(store, [], 'son')).matched).toBe(bruteForce(rows, 'son').length);
    } finally {
      store.close();
    }
  });

  it('cancels a running filter when the next keystroke asks for another one', async () => {
    // One step of work per turn of the event loop, so the first filter is surely still running when the next one comes.
    const store = filled(make({ sliceMs: 0 }), rows);
    try {
      // A sorted filter needs its whole scan: it is still running when the next filter arrives.
      const typed = store.window({ offset: 0, limit: 100, sort: [{ column: 'Name', descending: false }], filter: 'so' });
      const next = store.window({ offset: 0, limit: 100, sort: [{ column: 'Name', descending: false }], filter: 'son' });
      await expect(typed).rejects.toMatchObject({ code: 'CANCELLED' });
      expect((await next).matched).toBe(bruteForce(rows, 'son').length);
    } finally {
      store.close();
    }
  });

  it('sorts by one column as the comparison sort did: nulls first ascending and last descending, ties in stored order', async () => {
    const store = filled(make(), rows);
    try {
      const up = await store.window({ offset: 0, limit: ROWS, sort: [{ column: 'Name', descending: false }], filter: '' });
      const nulls = rows.flatMap((r, i) => (r[0] === null ? [i] : []));
      expect(up.rowIndexes.slice(0, nulls.length)).toEqual(nulls);
      const down = await store.window({ offset: 0, limit: ROWS, sort: [{ column: 'Name', descending: true }], filter: '' });
      expect(down.rowIndexes.slice(-nulls.length)).toEqual(nulls);
      const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
      const names = rows.map((r, i) => ({ name: r[0], i })).filter((r) => r.name !== null) as { name: string; i: number }[];
      names.sort((a, b) => collator.compare(b.name, a.name) || a.i - b.i);
      expect(down.rowIndexes.slice(0, names.length)).toEqual(names.map((n) => n.i));
    } finally {
      store.close();
    }
  });
});
