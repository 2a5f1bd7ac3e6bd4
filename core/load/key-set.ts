/**
 * A set of text keys held as 64-bit hashes in typed arrays (open addressing), remembering the row each key was first seen
 * on: 16 bytes a key, so a 1M-row file's Ids or external ids take about 32 MB at most, never a million strings.
 * Two different keys share a hash with odds of about 1 in 2^64 / n; such a pair would be reported as a duplicate.
 */

/** Remembers keys; `add` answers the row a key was first added on, or 0 when it is new (rows are 1-based). */
export type KeySet = { add(key: string, row: number): number; readonly size: number };

/** An empty key set that grows as keys come (doubling its arrays at half load). */
export function createKeySet(initialCapacity = 1 << 16): KeySet {
  let capacity = 1;
  while (capacity < initialCapacity) capacity <<= 1;
  let his = new Uint32Array(capacity);
  let los = new Uint32Array(capacity);
  let rows = new Uint32Array(capacity);
  let size = 0;

  const place = (hi: number, lo: number, row: number): number => {
    const mask = capacity - 1;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const seen = rows[slot] ?? 0;
      if (seen === 0) {
        his[slot] = hi;
        los[slot] = lo;
        rows[slot] = row;
        return 0;
      }
      if (his[slot] === hi && los[slot] === lo) return seen;
      slot = (slot + 1) & mask;
    }
  };

  const grow = (): void => {
    const [oldHis, oldLos, oldRows] = [his, los, rows];
    capacity <<= 1;
    his = new Uint32Array(capacity);
    los = new Uint32Array(capacity);
    rows = new Uint32Array(capacity);
    for (let i = 0; i < oldRows.length; i += 1) {
      const row = oldRows[i] ?? 0;
      if (row !== 0) place(oldHis[i] ?? 0, oldLos[i] ?? 0, row);
    }
  };

  return {
    add(key, row) {
      // Two independent 32-bit FNV-1a style hashes (different offsets and multipliers) make the 64-bit hash.
      let hi = 0x811c9dc5;
      let lo = 0x01000193 ^ key.length;
      for (let i = 0; i < key.length; i += 1) {
        const c = key.charCodeAt(i);
        hi = Math.imul(hi ^ c, 0x01000193);
        lo = Math.imul(lo ^ c, 0x5bd1e995);
        lo ^= lo >>> 15;
      }
      hi >>>= 0;
      lo >>>= 0;
      const first = place(hi, lo, row);
      if (first === 0) {
        size += 1;
        if (size * 2 > capacity) grow();
      }
      return first;
    },
    get size() {
      return size;
    },
  };
}
