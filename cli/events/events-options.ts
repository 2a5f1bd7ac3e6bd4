import type { EventsApi, ReplayFrom } from '../../shared/ipc/domains/events';

/** The options of `orgdesk events` as commander parses them. */
export type EventsOptions = { replay?: ReplayFrom; api?: EventsApi; out?: string; json?: boolean };
