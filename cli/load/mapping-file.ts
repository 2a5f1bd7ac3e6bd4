import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { DateReading, FieldMapping } from '../../shared/ipc/domains/load';
import { ServiceError } from '../../core/errors';

/** A `--mapping FILE`, read: the field mappings, and the date reading when the file gives one. */
export type MappingFile = { mappings: FieldMapping[]; dates: Partial<DateReading> };

const field = z.string().trim().min(1).max(500);
const mapping = z.discriminatedUnion('source', [
  z.object({ source: z.literal('column'), column: z.string().min(1).max(1000), field }).strict(),
  z.object({ source: z.literal('constant'), value: z.string().max(131_072), field }).strict(),
]);
/** The full form: the contract's FieldMapping[] (columns and constants) and, optionally, how dates are read. */
const fullForm = z
  .object({
    mappings: z.array(mapping).min(1).max(1000),
    dateOrder: z.enum(['ymd', 'mdy', 'dmy']).optional(),
    timeZone: z.string().min(1).max(100).optional(),
  })
  .strict();
/** The simple form: `{ "CSV column": "Field" }`. */
const simpleForm = z.record(z.string().min(1).max(1000), field).refine((map) => Object.keys(map).length > 0, 'maps no column');

/** Turns the JSON text of a mapping file into mappings (VALIDATION naming the file and the first problem when it is not one). */
export function parseMappingFile(text: string, path: string): MappingFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ServiceError('VALIDATION', `The mapping file ${path} is not valid JSON.`, 'Write it as { "CSV column": "Field" } (see orgdesk load --help).', { cause: error });
  }
  const full = fullForm.safeParse(json);
  if (full.success) {
    const dates: Partial<DateReading> = {};
    if (full.data.dateOrder !== undefined) dates.dateOrder = full.data.dateOrder;
    if (full.data.timeZone !== undefined) dates.timeZone = full.data.timeZone;
    return { mappings: full.data.mappings, dates };
  }
  const isFullForm = typeof json === 'object' && json !== null && 'mappings' in json && Array.isArray(json.mappings);
  if (!isFullForm) {
    const simple = simpleForm.safeParse(json);
    if (simple.success) {
      return { mappings: Object.entries(simple.data).map(([column, target]) => ({ source: 'column', column, field: target })), dates: {} };
    }
  }
  const issue = full.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
  const why = isFullForm ? `${issue?.message ?? 'unexpected shape'}${where}` : 'it is neither { "CSV column": "Field" } nor { "mappings": [...] }';
  throw new ServiceError('VALIDATION', `The mapping file ${path} cannot be used: ${why}.`, 'See orgdesk load --help for the two forms a mapping file may take.');
}

/** Reads and parses a `--mapping FILE` (a FILE error naming it when it cannot be read). */
export async function readMappingFile(path: string): Promise<MappingFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ServiceError('FILE', `OrgDesk could not read the mapping file ${path}.`, 'Check the path given to --mapping.', { cause: error });
  }
  return parseMappingFile(text.replace(/^\uFEFF/, ''), path);
}
