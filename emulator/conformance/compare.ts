/** Comparing an emulator answer with a recorded one: status, key sets, value types and formats, error codes, headers. */

/** One difference found. */
export type Difference = { where: string; recorded: string; emulator: string };

const ID = /^[a-zA-Z0-9]{18}$/;
const DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/;
const DATE = /^\d{4}-\d\d-\d\d$/;
const API_PATH = /^\/services\/data\/v\d+\.\d\//;
/** Keys whose values must be equal (codes and flags), not only of the same type. */
const EXACT_KEYS = new Set(['errorCode', 'statusCode', 'error', 'success', 'created', 'done', 'state', 'operation', 'jobType', 'contentType', 'lineEnding', 'columnDelimiter', 'concurrencyMode']);

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function format(value: string): string | undefined {
  if (ID.test(value)) return 'id';
  if (DATETIME.test(value)) return 'datetime';
  if (DATE.test(value)) return 'date';
  if (API_PATH.test(value)) return 'api-path';
  return undefined;
}

/** Options of a body comparison. */
export type CompareOptions = {
  /** Compare these keys' values exactly too (for example `message` where the text is the point). */
  exactKeys?: string[];
  /** Recorded key → emulator key (the recording's custom fields mapped onto the emulator's schema). */
  keyMap?: Record<string, string>;
  /** Recorded object name → emulator object name (in attributes.type). */
  objectMap?: Record<string, string>;
};

/** Compares two JSON bodies structurally; returns every difference. */
export function compareBodies(recorded: unknown, emulator: unknown, options: CompareOptions = {}, where = '$'): Difference[] {
  const out: Difference[] = [];
  const exact = new Set([...EXACT_KEYS, ...(options.exactKeys ?? [])]);
  const walk = (r: unknown, e: unknown, path: string, key: string | undefined): void => {
    const rk = kind(r);
    const ek = kind(e);
    // null against a value is data, not shape: a recorded null field may hold a value in the seeded org and back.
    if (rk === 'null' || ek === 'null') {
      if (key !== undefined && exact.has(key) && rk !== ek) out.push({ where: path, recorded: JSON.stringify(r), emulator: JSON.stringify(e) });
      return;
    }
    if (rk !== ek) {
      out.push({ where: path, recorded: rk, emulator: ek });
      return;
    }
    if (rk === 'object') {
      const ro = r as Record<string, unknown>;
      const eo = e as Record<string, unknown>;
      const mapped = new Map(Object.keys(ro).map((k) => [options.keyMap?.[k] ?? k, k]));
      const rKeys = [...mapped.keys()].sort();
      const eKeys = Object.keys(eo).sort();
      const missing = rKeys.filter((k) => !(k in eo));
      const extra = eKeys.filter((k) => !mapped.has(k));
      if (missing.length > 0 || extra.length > 0) out.push({ where: `${path} keys`, recorded: missing.length > 0 ? `has ${missing.join(',')}` : '-', emulator: extra.length > 0 ? `has ${extra.join(',')}` : '-' });
      for (const [ek2, rk2] of mapped) if (ek2 in eo) walk(ro[rk2], eo[ek2], `${path}.${ek2}`, ek2);
      return;
    }
    if (rk === 'array') {
      const ra = r as unknown[];
      const ea = e as unknown[];
      const errorArray = ra.some((x) => typeof x === 'object' && x !== null && ('errorCode' in x || 'statusCode' in x));
      if (errorArray && ra.length !== ea.length) out.push({ where: `${path}.length`, recorded: String(ra.length), emulator: String(ea.length) });
      const n = Math.min(ra.length, ea.length, 5);
      for (let i = 0; i < n; i += 1) walk(ra[i], ea[i], `${path}[${i}]`, undefined);
      if (ra.length > 0 && ea.length === 0 && !errorArray) out.push({ where: `${path}.length`, recorded: String(ra.length), emulator: '0' });
      return;
    }
    if (key === 'type' && path.endsWith('attributes.type')) {
      const expected = options.objectMap?.[r as string] ?? (r as string);
      if (expected.toLowerCase() !== String(e).toLowerCase()) out.push({ where: path, recorded: String(r), emulator: String(e) });
      return;
    }
    if (key !== undefined && exact.has(key)) {
      if (r !== e) out.push({ where: path, recorded: JSON.stringify(r), emulator: JSON.stringify(e) });
      return;
    }
    if (rk === 'string') {
      const rf = format(r as string);
      if (rf !== undefined && format(e as string) !== rf) out.push({ where: path, recorded: `${rf} (${String(r)})`, emulator: String(e) });
    }
  };
  walk(recorded, emulator, where, undefined);
  return out;
}

const HEADER_CHECKS: Record<string, (recorded: string, emulator: string) => boolean> = {
  'sforce-limit-info': (_r, e) => /^api-usage=\d+\/\d+/.test(e),
  location: (r, e) => r.replace(/[a-zA-Z0-9]{18}$/, '<id>').replace(/\/sobjects\/[^/]+\//, '/sobjects/<o>/').replace(/v\d+\.\d/, 'v') === e.replace(/[a-zA-Z0-9]{18}$/, '<id>').replace(/\/sobjects\/[^/]+\//, '/sobjects/<o>/').replace(/v\d+\.\d/, 'v'),
  'content-type': (r, e) => r.split(';')[0]?.trim().toLowerCase() === e.split(';')[0]?.trim().toLowerCase(),
  'www-authenticate': (r, e) => r === e,
  'sforce-locator': (_r, e) => e !== '',
  'sforce-numberofrecords': (_r, e) => /^\d+$/.test(e),
};

/** Compares the headers that matter (those the recording has among Sforce-Limit-Info, Location, Content-Type, ...). */
export function compareHeaders(recorded: Record<string, string>, emulator: Headers): Difference[] {
  const out: Difference[] = [];
  for (const [name, check] of Object.entries(HEADER_CHECKS)) {
    const r = recorded[name];
    if (r === undefined) continue;
    const e = emulator.get(name);
    if (e === null) out.push({ where: `header ${name}`, recorded: r, emulator: '(missing)' });
    else if (!check(r, e)) out.push({ where: `header ${name}`, recorded: r, emulator: e });
  }
  return out;
}
