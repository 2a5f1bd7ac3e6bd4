/** A Bulk API 2.0 ingest operation. */
export type LoadOperation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete';

/** The operations, in the order the Load area offers them (kept apart from the zod schemas so the CLI starts without them). */
export const LOAD_OPERATIONS = ['insert', 'update', 'upsert', 'delete', 'hardDelete'] as const satisfies readonly LoadOperation[];
