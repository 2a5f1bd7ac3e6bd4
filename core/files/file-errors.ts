import { lstatSync, rmSync } from 'node:fs';
import { ServiceError } from '../errors';

const REASONS: Record<string, { what: string; hint: string }> = {
  ENOSPC: { what: 'the disk is full', hint: 'Free some disk space, or choose a folder on another disk, and try again.' },
  EDQUOT: { what: 'the disk quota is used up', hint: 'Free some space in your quota, or choose a folder on another disk, and try again.' },
  EACCES: { what: 'permission was denied', hint: 'Choose a folder you can write to (your Documents folder, say), or change the folder\'s permissions.' },
  EPERM: { what: 'the operation is not permitted', hint: 'Choose a folder you can write to, or check that no other program holds the file open.' },
  EROFS: { what: 'the disk is read-only', hint: 'Choose a folder on a writable disk.' },
  ENOENT: { what: 'the folder does not exist', hint: 'Choose an existing folder, or create it first.' },
  ENOTDIR: { what: 'a part of the path is a file, not a folder', hint: 'Choose a folder, not a file, to write into.' },
  EISDIR: { what: 'a folder already has that name', hint: 'Choose another file name.' },
  EMFILE: { what: 'too many files are open', hint: 'Close some programs or results, then try again.' },
  EBUSY: { what: 'the file is in use', hint: 'Close the program that holds the file open, then try again.' },
  SQLITE_FULL: { what: 'the disk is full', hint: 'Free some disk space, then run the query again.' },
  SQLITE_CANTOPEN: { what: 'the file cannot be created there', hint: 'Check that OrgDesk\'s data folder exists and is writable.' },
  SQLITE_READONLY: { what: 'the file is read-only', hint: 'Check that OrgDesk\'s data folder is writable.' },
  SQLITE_IOERR: { what: 'the disk reported an input/output error', hint: 'Check the disk (free space, a removed drive), then try again.' },
};

/** The Node or SQLite error code of a failed file operation, when it carries one. */
function fileErrorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}

/** What the codes mean when the file was being read rather than written (the rest read the same either way). */
const READ_REASONS: Record<string, { what: string; hint: string }> = {
  ENOENT: { what: 'it does not exist', hint: 'Check the path, or put the file back where it was, then try again.' },
  EISDIR: { what: 'it is a folder', hint: 'Choose a file, not a folder.' },
  EACCES: { what: 'permission was denied', hint: 'Check that you may read the file, then try again.' },
  EPERM: { what: 'permission was denied', hint: 'Check that you may read the file, then try again.' },
};

/** Why a file operation failed, in words, and what to do; undefined for an error that carries no code OrgDesk knows. */
export function fileFailureReason(error: unknown, reading = false): { what: string; hint: string } | undefined {
  const code = fileErrorCode(error);
  const prefix = code === undefined ? '' : code.startsWith('SQLITE_IOERR') ? 'SQLITE_IOERR' : code;
  return (reading ? READ_REASONS[prefix] : undefined) ?? REASONS[prefix];
}

/**
 * Turns a failed read or write (a missing file, an unwritable folder, a full disk, a path through a file) into a FILE
 * ServiceError that names the path and why, and says what to do; a ServiceError passes through unchanged. `action`
 * completes "OrgDesk could not …" (`read` picks the reading words for a missing file or a folder); `hint`, when given,
 * says what to do in the caller's terms instead ("…, then resume the load from its history").
 */
export function toFileError(error: unknown, path: string, action = 'write', hint?: string): ServiceError {
  if (error instanceof ServiceError) return error;
  const code = fileErrorCode(error);
  const reason = fileFailureReason(error, action === 'read');
  const detail = reason === undefined ? (error instanceof Error ? error.message : String(error)) : `${reason.what}${code === undefined ? '' : ` (${code})`}`;
  return new ServiceError('FILE', `OrgDesk could not ${action} ${path}: ${detail}.`, hint ?? reason?.hint ?? 'Check that the folder exists, is writable and has free space, then try again.', { cause: error });
}

/** Removes what a failed write left behind, if it is a regular file (never a device such as /dev/full, never a folder). */
export function removePartialFile(path: string): void {
  try {
    if (lstatSync(path).isFile()) rmSync(path, { force: true });
  } catch {
    // Nothing there, or a path through a file: nothing to remove.
  }
}
