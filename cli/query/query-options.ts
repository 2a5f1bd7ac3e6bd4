import type { OutputFormat } from './output-format';

/** The options of `orgdesk query` as commander parses them. */
export type QueryOptions = { all?: boolean; bulk?: boolean; format: OutputFormat; out?: string; json?: boolean; csvFormulaSafe?: boolean };
