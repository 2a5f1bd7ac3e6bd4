/**
 * Injected faults: a small generic table of armed faults, each of a kind (`latency`, `error`, `reset`, or a kind another
 * part registers, such as Bulk's), matched by HTTP method and a path pattern, firing once, N times, always, or at a rate.
 */

/** When a fault fires: `times` left (undefined = unlimited) and a probability per matching request. */
type FaultTrigger = { times?: number; rate?: number };

/** A fault as the admin API accepts it. */
export type FaultSpec = FaultTrigger & {
  kind: string;
  /** Path pattern: `*` matches any run of characters; matched against the whole path (without the query string). Default `*`. */
  path?: string;
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Kind-specific settings (`ms` for latency, `status`/`body`/`headers` for error, `afterBytes` for reset...). */
  [setting: string]: unknown;
};

/** An armed fault. */
export type Fault = FaultSpec & { id: string; fired: number };

/** Validates a kind's settings; returns an error message, or undefined when fine. */
type FaultKindValidator = (spec: FaultSpec) => string | undefined;

/** The fault table. */
export interface FaultTable {
  /** Lets a module add its own kind (Bulk adds its job faults this way). */
  defineKind(kind: string, validate: FaultKindValidator): void;
  /** Arms a fault; throws an Error with an actionable message for an unknown kind or bad settings. */
  add(spec: FaultSpec): Fault;
  /** Takes the first armed fault of this kind matching the request, consuming one firing; undefined if none fires. */
  take(kind: string, method: string, path: string): Fault | undefined;
  /** The armed faults. */
  list(): Fault[];
  /** Disarms one fault; false if unknown. */
  remove(id: string): boolean;
  /** Disarms every fault. */
  clear(): void;
}

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${escaped}$`);
}

/** Creates a fault table with the built-in HTTP kinds. `random` is injectable so rate-based tests are deterministic. */
export function createFaultTable(options: { random?: () => number } = {}): FaultTable {
  const random = options.random ?? Math.random;
  const kinds = new Map<string, FaultKindValidator>();
  const faults: (Fault & { matcher: RegExp })[] = [];
  let counter = 0;

  kinds.set('latency', (spec) => (typeof spec.ms === 'number' && spec.ms >= 0 && spec.ms <= 600_000 ? undefined : 'latency needs "ms", a number of milliseconds between 0 and 600000'));
  kinds.set('error', (spec) => {
    if (typeof spec.status !== 'number' || spec.status < 400 || spec.status > 599) return 'error needs "status", an HTTP status between 400 and 599';
    const headers = spec.headers;
    const valid = headers === undefined || (headers !== null && typeof headers === 'object' && !Array.isArray(headers) && Object.values(headers).every((v) => typeof v === 'string'));
    return valid ? undefined : '"headers" must be an object of header names to string values, such as { "Retry-After": "5" }';
  });
  kinds.set('reset', (spec) => (spec.afterBytes === undefined || (typeof spec.afterBytes === 'number' && spec.afterBytes >= 0) ? undefined : '"afterBytes" must be a non-negative number'));

  const table: FaultTable = {
    defineKind(kind, validate) {
      kinds.set(kind, validate);
    },
    add(spec) {
      const validate = kinds.get(spec.kind);
      if (!validate) throw new Error(`Unknown fault kind "${spec.kind}": use one of ${[...kinds.keys()].join(', ')}.`);
      const problem = validate(spec);
      if (problem !== undefined) throw new Error(problem);
      if (spec.times !== undefined && (typeof spec.times !== 'number' || !Number.isInteger(spec.times) || spec.times < 1)) throw new Error('"times" must be a positive integer.');
      if (spec.rate !== undefined && (typeof spec.rate !== 'number' || spec.rate < 0 || spec.rate > 1)) throw new Error('"rate" must be a number between 0 and 1.');
      if (spec.path !== undefined && typeof spec.path !== 'string') throw new Error('"path" must be a string pattern such as /services/data/*/query*.');
      counter += 1;
      // Errors and resets fire once unless told otherwise; latency applies until cleared.
      const times = spec.times ?? (spec.rate !== undefined || spec.kind === 'latency' ? undefined : 1);
      const fault = { ...spec, id: `fault-${counter}`, fired: 0, matcher: patternToRegExp(spec.path ?? '*') };
      if (times === undefined) delete fault.times;
      else fault.times = times;
      faults.push(fault);
      return table.list().find((f) => f.id === fault.id) as Fault;
    },
    take(kind, method, path) {
      for (const fault of faults) {
        if (fault.kind !== kind) continue;
        if (fault.method !== undefined && String(fault.method).toUpperCase() !== method.toUpperCase()) continue;
        if (!fault.matcher.test(path)) continue;
        if (fault.rate !== undefined && random() >= fault.rate) continue;
        fault.fired += 1;
        if (fault.times !== undefined) {
          fault.times -= 1;
          if (fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
        }
        const { matcher: _matcher, ...plain } = fault;
        return plain;
      }
      return undefined;
    },
    list() {
      return faults.map(({ matcher: _matcher, ...plain }) => plain);
    },
    remove(id) {
      const at = faults.findIndex((f) => f.id === id);
      if (at < 0) return false;
      faults.splice(at, 1);
      return true;
    },
    clear() {
      faults.length = 0;
    },
  };
  return table;
}
