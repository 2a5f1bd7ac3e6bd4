import { expect } from 'vitest';

/** `expect.stringMatching` typed as unknown, so it can sit inside an expected object without an `any`. */
export function matching(pattern: RegExp): unknown {
  return expect.stringMatching(pattern) as unknown;
}

/** `expect.objectContaining` typed as unknown, for nesting inside expected objects and arrays. */
export function containing(shape: Record<string, unknown>): unknown {
  return expect.objectContaining(shape) as unknown;
}
