import { assertNever, type ErrorCode } from '../shared/ipc/result';

/**
 * Every exit status `orgdesk` ends with (documented in the README). One per error code of the contract, so a script can tell
 * a bad argument from a login problem from an org that refused; 10 is kept for "the work ran but some rows failed" (load).
 */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  auth: 3,
  keychain: 4,
  network: 5,
  salesforce: 6,
  limit: 7,
  notFound: 8,
  file: 9,
  rowsFailed: 10,
  cancelled: 130,
} as const;

/** One of the exit statuses above. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit status for an error code of the contract's closed set. */
export function exitCodeFor(code: ErrorCode): ExitCode {
  switch (code) {
    case 'VALIDATION':
      return EXIT.usage;
    case 'AUTH':
      return EXIT.auth;
    case 'KEYCHAIN':
      return EXIT.keychain;
    case 'NETWORK':
      return EXIT.network;
    case 'SF_API':
      return EXIT.salesforce;
    case 'LIMIT':
      return EXIT.limit;
    case 'NOT_FOUND':
      return EXIT.notFound;
    case 'FILE':
      return EXIT.file;
    case 'CANCELLED':
      return EXIT.cancelled;
    case 'INTERNAL':
      return EXIT.internal;
    default:
      return assertNever(code);
  }
}
