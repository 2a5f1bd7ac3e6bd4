import type { ReplayFrom } from '../../shared/ipc/domains/events';

/** The options of `orgdesk events` as commander parses them. */
export type EventsOptions = { replay?: ReplayFrom; out?: string; json?: boolean };
