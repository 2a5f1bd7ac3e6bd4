/** The closed set of error codes a contract call can fail with. */
export const ERROR_CODES = [
  'VALIDATION',
  'AUTH',
  'SF_API',
  'LIMIT',
  'NETWORK',
  'CANCELLED',
  'NOT_FOUND',
  'KEYCHAIN',
  'FILE',
  'INTERNAL',
] as const;

/** One of the closed set of error codes. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error as a person sees it: what happened, and what to do about it. Never a stack. */
export type AppError = { code: ErrorCode; message: string; hint?: string };

/** The outcome of every contract call. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** Wraps a value as a successful Result. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Builds a failed Result from a code, a message and an optional hint. */
export function fail<T = never>(code: ErrorCode, message: string, hint?: string): Result<T> {
  return { ok: false, error: hint === undefined ? { code, message } : { code, message, hint } };
}

/** Marks a branch that the type checker proves unreachable (exhaustive switches end here). */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
