/** The sizes a load's CSV is read with: Salesforce's limits, the stream's chunk, and the bytes every encoding read shares. */

/** Salesforce's CSV limits (salesforce-api.md §4.7): characters per field, per header row and per record. */
export const CSV_LIMITS = { fieldChars: 32_000, headerChars: 32_000, recordChars: 400_000 } as const;

/** Chunk size of the file stream: large enough that per-chunk costs vanish, small enough to keep memory flat. */
export const CHUNK_BYTES = 1024 * 1024;

/** The scanner's guard on one record, in characters: a record of 400,000 characters held 4 times over, so only a runaway quote stops. */
export const MAX_RECORD_CHARS = CSV_LIMITS.recordChars * 4;

/** Line feed: the same byte in every encoding OrgDesk reads (as are CR and the double quote). */
export const LF = 0x0a;
/** Carriage return. */
export const CR = 0x0d;
/** Double quote. */
export const QUOTE = 0x22;
