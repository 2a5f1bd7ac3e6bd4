/**
 * Salesforce record ids: a 3-character key prefix, 12 more characters, and a 3-character case-checksum suffix that makes
 * the 18-character form safe for case-insensitive systems.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_CHARS = /^[0-9A-Za-z]+$/;

/** The 3-character checksum Salesforce appends to a 15-character id: one bit per upper-case letter, per 5-char chunk. */
export function idChecksum(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let flags = 0;
    for (let i = 0; i < 5; i += 1) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) flags |= 1 << i;
    }
    out += SUFFIX[flags];
  }
  return out;
}

/** The 18-character form of a 15- or 18-character id, or undefined if the text is not a well-formed id. */
export function normalizeId(id: string): string | undefined {
  if ((id.length !== 15 && id.length !== 18) || !ID_CHARS.test(id)) return undefined;
  const id15 = id.slice(0, 15);
  const expected = id15 + idChecksum(id15);
  if (id.length === 18) {
    // Salesforce accepts an 18-char id whose suffix matches case-insensitively, and rejects a wrong suffix as MALFORMED_ID.
    return id.slice(15).toUpperCase() === expected.slice(15) ? expected : undefined;
  }
  return expected;
}

/** The key prefix (first three characters) of an id. */
export function keyPrefixOf(id: string): string {
  return id.slice(0, 3);
}

/** Encodes a non-negative integer in base 62, left-padded with zeros to `width` characters. */
function toBase62(value: number, width: number): string {
  let n = Math.floor(value);
  let out = '';
  while (n > 0) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out.padStart(width, '0');
}

/** Builds the 18-character id for a key prefix and a sequence number ("Dn" pod, reserved "0", 9 base-62 digits). */
export function makeId(keyPrefix: string, sequence: number): string {
  // join builds one flat string: a `+` chain would leave a tree of string pieces behind every stored id.
  const id15 = [keyPrefix, 'Dn0', toBase62(sequence, 9)].join('');
  return [id15, idChecksum(id15)].join('');
}

/** Mints ids per key prefix from a counter, deterministic for a given starting point. */
export interface IdMinter {
  /** The next fresh 18-character id for the prefix. */
  next(keyPrefix: string): string;
  /** The counters, for persistence. */
  snapshot(): Record<string, number>;
}

/** Creates an id minter; `start` restores counters saved by `snapshot()`. */
export function createIdMinter(start: Record<string, number> = {}): IdMinter {
  const counters = new Map<string, number>(Object.entries(start));
  return {
    next(keyPrefix) {
      // Start each prefix at an offset that makes ids look like real ones (non-zero digits in the middle).
      const current = counters.get(keyPrefix) ?? 62 ** 5 * 7;
      counters.set(keyPrefix, current + 1);
      return makeId(keyPrefix, current);
    },
    snapshot() {
      return Object.fromEntries(counters);
    },
  };
}
