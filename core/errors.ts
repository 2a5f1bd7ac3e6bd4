import type { AppError, ErrorCode } from '../shared/ipc/result';

/**
 * The one error type services throw: a code from the contract's closed set, a message saying what happened and a hint
 * saying what to do. Handlers translate it once into an AppError (conventions.md, "Errors").
 */
export class ServiceError extends Error {
  /** The contract error code this maps to. */
  readonly code: ErrorCode;
  /** What the person can do about it, when there is something. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServiceError';
    this.code = code;
    this.hint = hint;
  }
}

/** Turns anything thrown into an AppError a person can read: ServiceErrors keep their text, the rest become INTERNAL. */
export function toAppError(error: unknown): AppError {
  if (error instanceof ServiceError) {
    return error.hint === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, hint: error.hint };
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return { code: 'CANCELLED', message: 'The operation was cancelled.' };
  }
  return {
    code: 'INTERNAL',
    message: 'Something went wrong inside OrgDesk.',
    hint: 'Try again; if it keeps happening, restart OrgDesk and report what you were doing.',
  };
}
