/**
 * The `orgdesk` a fault schedule starts as a child process (kill schedules): the soak's fresh bundle of these sources
 * (`ORGDESK_SCHEDULE_BIN`, starts in about 0.1 s), else the bin from source (never a dist/ bundle older than them).
 */
import { fileURLToPath } from 'node:url';

/** The script to run with `process.execPath`; pass `ORGDESK_FROM_SOURCE=1` in its environment. */
export const SCHEDULE_ORGDESK_BIN = process.env['ORGDESK_SCHEDULE_BIN'] ?? fileURLToPath(new URL('../../cli/orgdesk.mjs', import.meta.url));
