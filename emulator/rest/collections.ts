/**
 * sObject Collections (`/composite/sobjects`): create, update, upsert, delete and retrieve up to 200 records per call,
 * with `allOrNone` and per-row errors that use `statusCode` (salesforce-api.md 3.5).
 */
import type { EmulatorCore } from '../core';
import { errorReply, notFoundReply, type Reply } from '../http/respond';
import { normalizeId } from '../org/ids';
import { RecordWriteError, type FieldError, type WriteContext, type WriteInput } from '../org/write';
import { recordBody, toWriteInput } from './sobject-routes';

/** One row of a collection answer. */
type RowResult = { id?: string | null; success: boolean; errors: FieldError[]; created?: boolean };

const LIMIT = 200;
const ROLLED_BACK: FieldError = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

class RollBack extends Error {}

function rowError(error: unknown): FieldError[] {
  if (error instanceof RecordWriteError) return error.errors;
  throw error;
}

function runRows<T>(core: EmulatorCore, items: T[], allOrNone: boolean, work: (item: T) => RowResult): RowResult[] {
  const results: RowResult[] = [];
  const attempt = (): void => {
    for (const item of items) {
      try {
        results.push(work(item));
      } catch (error) {
        results.push({ success: false, errors: rowError(error) });
      }
    }
    if (allOrNone && results.some((r) => !r.success)) throw new RollBack();
  };
  if (!allOrNone) {
    attempt();
    return results;
  }
  try {
    core.writer.transaction(attempt);
    return results;
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
    return results.map((r) => (r.success ? { id: null, success: false, errors: [ROLLED_BACK] } : r));
  }
}

function recordsOf(body: unknown): { allOrNone: boolean; records: unknown[] } | Reply {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return errorReply(400, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of the collection request from a non-object value');
  const { allOrNone, records } = body as { allOrNone?: unknown; records?: unknown };
  if (allOrNone !== undefined && typeof allOrNone !== 'boolean') return errorReply(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of boolean from VALUE_STRING value ${JSON.stringify(allOrNone)}`);
  if (!Array.isArray(records)) return errorReply(400, 'INVALID_FIELD', 'records: the request needs a "records" array');
  if (records.length > LIMIT) return errorReply(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${LIMIT} records into this call`);
  return { allOrNone: allOrNone === true, records };
}

/** Reads a `{allOrNone, records}` body and answers 200 with one result per record (or the body's own error). */
function writeRecords(core: EmulatorCore, body: unknown, work: (record: unknown) => RowResult): Reply {
  const parsed = recordsOf(body);
  if ('status' in parsed) return parsed;
  return { status: 200, body: runRows(core, parsed.records, parsed.allOrNone, work) };
}

/** A comma-separated query parameter (`?ids=a,b`), trimmed, blanks dropped. */
function listParam(search: URLSearchParams, name: string): string[] {
  return (search.get(name) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function typeOf(record: unknown): string | undefined {
  const type = (record as { attributes?: { type?: unknown } } | null)?.attributes?.type;
  return typeof type === 'string' ? type : undefined;
}

function inputOf(record: unknown): WriteInput {
  const input = toWriteInput(record);
  if ('status' in input && typeof input.status === 'number') {
    const first = (input as Reply).body as { message: string; errorCode: string }[];
    throw new RecordWriteError({ statusCode: first[0]?.errorCode ?? 'JSON_PARSER_ERROR', message: first[0]?.message ?? 'bad record', fields: [] });
  }
  return input as WriteInput;
}

function needType(type: string | undefined): string {
  if (type === undefined) throw new RecordWriteError({ statusCode: 'INVALID_TYPE', message: 'Must send a concrete entity type.', fields: [] });
  return type;
}

/** Handles `/composite/sobjects[/<Object>[/<ExternalIdField>]]`. */
export function handleCollections(core: EmulatorCore, method: string, segments: string[], search: URLSearchParams, body: () => unknown, versionText: string, ctx: WriteContext): Reply {
  if (segments.length === 0) {
    if (method === 'POST') {
      return writeRecords(core, body(), (record) => {
        const type = needType(typeOf(record));
        const input = inputOf(record);
        if (Object.keys(input).some((k) => k.toLowerCase() === 'id')) throw new RecordWriteError({ statusCode: 'INVALID_FIELD', message: 'cannot specify Id in an insert call', fields: ['Id'] });
        const { id } = core.writer.createRecord(type, input, ctx);
        return { id, success: true, errors: [] };
      });
    }
    if (method === 'PATCH') {
      return writeRecords(core, body(), (record) => {
        const input = inputOf(record);
        const idKey = Object.keys(input).find((k) => k.toLowerCase() === 'id');
        const id = idKey === undefined ? undefined : input[idKey];
        if (typeof id !== 'string' || id === '') throw new RecordWriteError({ statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] });
        const rest: WriteInput = { ...input };
        if (idKey !== undefined) delete rest[idKey];
        const type = typeOf(record) ?? core.store.findById(id)?.objectName;
        const result = core.writer.updateRecord(needType(type), id, rest, ctx);
        return { id: result.id, success: true, errors: [] };
      });
    }
    if (method === 'DELETE') {
      const ids = listParam(search, 'ids');
      if (ids.length === 0) return errorReply(400, 'MISSING_ARGUMENT', 'ids parameter is required: send ?ids=<id>,<id>');
      if (ids.length > LIMIT) return errorReply(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${LIMIT} records into this call`);
      const allOrNone = search.get('allOrNone') === 'true';
      return {
        status: 200,
        body: runRows(core, ids, allOrNone, (id) => {
          const result = core.writer.deleteRecord(null, id, ctx);
          return { id: result.id, success: true, errors: [] };
        }).map((r, i) => (r.success ? r : { id: ids[i] ?? null, success: false, errors: r.errors })),
      };
    }
    return errorReply(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are POST,PATCH,DELETE`);
  }

  const schema = core.store.objectSchema(segments[0] as string);
  if (!schema) return notFoundReply();

  if (segments.length === 1 && (method === 'GET' || method === 'POST')) {
    let ids: string[];
    let fields: string[];
    if (method === 'GET') {
      ids = listParam(search, 'ids');
      fields = listParam(search, 'fields');
    } else {
      const b = body() as { ids?: unknown; fields?: unknown } | null;
      ids = Array.isArray(b?.ids) ? b.ids.map(String) : [];
      fields = Array.isArray(b?.fields) ? b.fields.map(String) : [];
    }
    if (ids.length === 0 || fields.length === 0) return errorReply(400, 'MISSING_ARGUMENT', 'ids and fields are required');
    if (ids.length > 2000) return errorReply(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 2000 records into this call');
    const names: string[] = [];
    for (const name of fields) {
      const f = core.store.fieldSchema(schema.name, name);
      if (!f) return errorReply(400, 'INVALID_FIELD', `No such column '${name}' on entity '${schema.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
      names.push(f.name);
    }
    return {
      status: 200,
      body: ids.map((raw) => {
        const id = normalizeId(raw);
        const hit = id === undefined ? undefined : core.store.findById(id);
        if (!hit || hit.objectName !== schema.name || hit.row.IsDeleted === true) return null;
        return recordBody(schema, hit.row, versionText, names.includes('Id') ? names : [...names, 'Id']);
      }),
    };
  }

  if (segments.length === 2 && method === 'PATCH') {
    const field = core.store.fieldSchema(schema.name, (segments[1] as string));
    if (!field || !(field.externalId || field.idLookup)) return notFoundReply();
    return writeRecords(core, body(), (record) => {
      const type = needType(typeOf(record));
      if (type.toLowerCase() !== schema.name.toLowerCase()) throw new RecordWriteError({ statusCode: 'INVALID_TYPE', message: `Record type ${type} does not match the upsert object ${schema.name}`, fields: [] });
      const input = inputOf(record);
      const key = Object.keys(input).find((k) => k.toLowerCase() === field.name.toLowerCase());
      const value = key === undefined ? null : input[key];
      if (value === null || value === undefined || typeof value === 'object') {
        throw new RecordWriteError({ statusCode: 'MISSING_ARGUMENT', message: `${field.name} not specified`, fields: [] });
      }
      const result = core.writer.upsertByExternalId(schema.name, field.name, String(value), input, ctx);
      return { id: result.id, success: true, errors: [], created: result.created };
    });
  }
  return errorReply(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,POST,PATCH`);
}
