import type { CsvEncoding, LoadPlan } from '../../shared/ipc/domains/load';
import type { LoadOperation } from '../../shared/salesforce/load-operation';

/** The options of `orgdesk load` as commander parses them. */
export type LoadCommandOptions = {
  object?: string;
  operation?: LoadOperation;
  externalId?: string;
  mapping?: string;
  validateOnly?: boolean;
  excludeInvalid?: boolean;
  resume?: string;
  dateOrder?: LoadPlan['dates']['dateOrder'];
  timeZone?: string;
  outDir?: string;
  concurrency?: number;
  maxJobBytes?: number;
  /** False with `--no-group-by-parent` (commander defaults it to true). */
  groupByParent?: boolean;
  encoding?: CsvEncoding;
  json?: boolean;
  list?: boolean;
  /** `--undo ID`: undo that load. */
  undo?: string;
  conflicts?: 'skip' | 'overwrite';
  /** False with `--no-before-image`. */
  beforeImage?: boolean;
};
