/** The output formats of `orgdesk query --format`. */
export const OUTPUT_FORMATS = ['csv', 'json', 'table'] as const;

/** One of the output formats. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
