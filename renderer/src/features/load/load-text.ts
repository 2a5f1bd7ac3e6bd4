import type { CsvDelimiter, LoadCounts, LoadOperation, LoadState } from '../../../../shared/ipc/contract';
import { assertNever } from '../../../../shared/ipc/result';

const integer = new Intl.NumberFormat('en-US');

/** A count as a person reads it: `12,345`. */
export function formatCount(value: number): string {
  return integer.format(value);
}

/** A count with its noun agreeing in number: `1 row`, `2 rows`, `12,345 rows`. */
export function countOf(value: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(value)} ${value === 1 ? singular : plural}`;
}

/** The verb form agreeing with a count: `is`/`are`, `has`/`have`, `was`/`were`. */
export function agree(value: number, singular: string, plural: string): string {
  return value === 1 ? singular : plural;
}

/** A size in bytes as a person reads it: `1.5 MB`. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit] ?? ''}`;
}

/** A duration as a person reads it: `180 ms`, `45 s`, `3 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The name of a delimiter as the file summary shows it. */
export function delimiterName(delimiter: CsvDelimiter): string {
  switch (delimiter) {
    case ',':
      return 'Comma';
    case ';':
      return 'Semicolon';
    case '\t':
      return 'Tab';
    case '|':
      return 'Pipe';
    case '^':
      return 'Caret';
    case '`':
      return 'Backquote';
    default:
      return assertNever(delimiter);
  }
}

/** The label of an operation in the picker. */
export function operationLabel(operation: LoadOperation): string {
  switch (operation) {
    case 'insert':
      return 'Insert';
    case 'update':
      return 'Update';
    case 'upsert':
      return 'Upsert';
    case 'delete':
      return 'Delete';
    case 'hardDelete':
      return 'Hard delete';
    default:
      return assertNever(operation);
  }
}

/** A load's state as its badge shows it, and the badge's SLDS tone. */
export function stateBadge(state: LoadState): { label: string; tone: 'success' | 'error' | 'warning' | 'inverse' | 'default' } {
  switch (state) {
    case 'preparing':
      return { label: 'Preparing', tone: 'default' };
    case 'running':
      return { label: 'Running', tone: 'inverse' };
    case 'done':
      return { label: 'Done', tone: 'success' };
    case 'failed':
      return { label: 'Failed', tone: 'error' };
    case 'cancelled':
      return { label: 'Cancelled', tone: 'warning' };
    case 'interrupted':
      return { label: 'Interrupted', tone: 'warning' };
    default:
      return assertNever(state);
  }
}

/** Whether a load has ended (its result files are written). */
export function isEnded(state: LoadState): boolean {
  return state === 'done' || state === 'failed' || state === 'cancelled';
}

/** Whether the ended load's counts add up: every input row in exactly one of success, failed, unprocessed or excluded. */
export function countsAddUp(counts: LoadCounts): boolean {
  return counts.success + counts.failed + counts.unprocessed + counts.excluded === counts.input;
}
