import type { CellValue } from '../../shared/ipc/domains/query';

/** What main sends the Bulk page parser worker: a page's bytes as they stream in, then its end. */
export type ToParser = { kind: 'chunk'; page: number; bytes: Uint8Array } | { kind: 'end'; page: number };

/** What the worker answers: ready once loaded; per page its header, row batches, each chunk scanned, its end or failure. */
export type FromParser =
  | { kind: 'ready' }
  | { kind: 'header'; page: number; columns: string[] }
  | { kind: 'rows'; page: number; rows: CellValue[][] }
  | { kind: 'scanned'; page: number }
  | { kind: 'ended'; page: number }
  | { kind: 'failed'; page: number; message: string; scan?: { code: string; line: number; column: number } };
