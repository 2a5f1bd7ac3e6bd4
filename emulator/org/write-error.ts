import type { FieldValue } from './types';

/** The error of a write the org refused, as every write path (REST, collections, Bulk) reports it. */

/** One error of a failed write, in the shape of collection and Bulk rows (`statusCode`, `message`, `fields`). */
export type FieldError = { statusCode: string; message: string; fields: string[] };

/** A write that the org refused; `status` is the HTTP status a single-record REST call answers with. */
export class RecordWriteError extends Error {
  /** The errors, usually one. */
  readonly errors: FieldError[];
  /** 400 for validation, 404 for NOT_FOUND / ENTITY_IS_DELETED, 300 for several external-id matches. */
  readonly status: number;
  /** For DUPLICATE_EXTERNAL_ID: the ids of every matching record. */
  readonly matches: string[];

  constructor(error: FieldError, status = 400, matches: string[] = []) {
    super(`${error.statusCode}: ${error.message}`);
    this.name = 'RecordWriteError';
    this.errors = [error];
    this.status = status;
    this.matches = matches;
  }
}

/** A value as Salesforce quotes it in an error message (null as empty). */
export function displayValue(value: FieldValue): string {
  return value === null ? '' : String(value);
}
