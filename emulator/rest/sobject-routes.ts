/**
 * sObject resources: global and object describe, record read/create/update/delete, upsert by external id
 * (salesforce-api.md 3.1–3.4).
 */
import type { EmulatorCore } from '../core';
import { errorReply, notFoundReply, type Reply } from '../http/respond';
import { describeGlobalEntry, describeObject } from '../org/describe';
import { keyPrefixOf, normalizeId } from '../org/ids';
import type { ObjectSchema, RecordRow } from '../org/types';
import { RecordWriteError, type ParentReference, type WriteContext, type WriteInput } from '../org/write';

/** A parsed REST call on the sObject resources. */
export type SObjectCall = { method: string; segments: string[]; versionText: string; major: number; search: URLSearchParams; body: () => unknown; ctx: WriteContext };

/** The URL of a record under a version. */
function recordUrl(versionText: string, objectName: string, id: string): string {
  return `/services/data/v${versionText}/sobjects/${objectName}/${id}`;
}

/** A record as REST returns it: `attributes` first, then fields in schema order (or the asked fields, Id included). */
export function recordBody(schema: ObjectSchema, row: RecordRow, versionText: string, fields?: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type: schema.name, url: recordUrl(versionText, schema.name, row.Id as string) } };
  const names = fields ?? schema.fields.map((f) => f.name);
  for (const name of names) out[name] = row[name] ?? null;
  return out;
}

/** Converts a write error into REST's error array. Validation errors keep `fields`; INVALID_FIELD and NOT_FOUND do not. */
function writeErrorReply(error: RecordWriteError, schema?: ObjectSchema, versionText = '60.0'): Reply {
  if (error.status === 300) return { status: 300, body: error.matches.map((id) => recordUrl(versionText, schema?.name ?? '', id)) };
  const body = error.errors.map((e) => {
    if (e.statusCode === 'NOT_FOUND') return { errorCode: e.statusCode, message: e.message };
    if (e.statusCode === 'INVALID_FIELD') return { message: e.message, errorCode: e.statusCode };
    if (e.statusCode === 'INVALID_TYPE_ON_FIELD_IN_RECORD' && schema) {
      // REST deserializes JSON before validating: a value of the wrong JSON type is a parser error, not a field error.
      const field = schema.fields.find((f) => f.name === e.fields[0]);
      const value = e.message.split(': value not of required type: ')[1] ?? '';
      const javaType = field?.type === 'boolean' ? 'boolean' : field?.type === 'int' ? 'int' : field?.type === 'date' ? 'date' : field?.type === 'datetime' ? 'datetime' : 'double';
      return { message: `Cannot deserialize instance of ${javaType} from VALUE_STRING value ${value} or request may be missing a required field`, errorCode: 'JSON_PARSER_ERROR' };
    }
    return { message: e.message, errorCode: e.statusCode, fields: e.fields };
  });
  return { status: error.status, body };
}

/** Reads a JSON record body into write input: relationship objects become parent references. Returns a Reply on bad shape. */
export function toWriteInput(body: unknown): WriteInput | Reply {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return errorReply(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of sObject from ${Array.isArray(body) ? 'START_ARRAY' : 'VALUE_STRING'} token`);
  }
  const out: WriteInput = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === 'attributes') continue;
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out[key] = value;
      continue;
    }
    if (typeof value === 'object' && !Array.isArray(value)) {
      const entries = Object.entries(value as Record<string, unknown>).filter(([k]) => k !== 'attributes');
      const attributes = (value as { attributes?: { type?: unknown } }).attributes;
      const [entry] = entries;
      if (entries.length === 1 && entry && (entry[1] === null || typeof entry[1] === 'string' || typeof entry[1] === 'number')) {
        const ref: ParentReference = { kind: 'parentReference', field: entry[0], value: entry[1] };
        if (typeof attributes?.type === 'string') ref.type = attributes.type;
        out[key] = ref;
        continue;
      }
    }
    return errorReply(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of string from ${Array.isArray(value) ? 'START_ARRAY' : 'START_OBJECT'} value for field ${key}`);
  }
  return out;
}

function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'status' in value && typeof (value as Reply).status === 'number' && !('kind' in value);
}

function methodNotAllowed(method: string, allowed: string): Reply {
  return errorReply(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are ${allowed}`);
}

function guard(schema: ObjectSchema | undefined, work: () => Reply, versionText?: string): Reply {
  try {
    return work();
  } catch (error) {
    if (error instanceof RecordWriteError) return writeErrorReply(error, schema, versionText);
    throw error;
  }
}

function selectedFields(schema: ObjectSchema, search: URLSearchParams): string[] | Reply | undefined {
  const raw = search.get('fields');
  if (raw === null || raw.trim() === '') return undefined;
  const names: string[] = ['Id'];
  for (const part of raw.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const f = schema.fields.find((x) => x.name.toLowerCase() === part.toLowerCase());
    if (!f) {
      return errorReply(400, 'INVALID_FIELD', `No such column '${part}' on entity '${schema.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
    }
    if (!names.includes(f.name)) names.push(f.name);
  }
  return names;
}

/** Handles `/sobjects...`: `segments` are the path parts after `sobjects`. */
export function handleSObjects(core: EmulatorCore, call: SObjectCall): Reply {
  const { method, segments, versionText } = call;
  if (segments.length === 0) {
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(method, 'GET,HEAD');
    const sobjects = [...core.store.objectSchemas().map((s) => describeGlobalEntry(s, versionText)), ...(core.extraDescribeEntries?.(versionText) ?? [])];
    return { status: 200, body: { encoding: 'UTF-8', maxBatchSize: 200, sobjects } };
  }
  const schema = core.store.objectSchema(segments[0] as string);
  if (!schema) return notFoundReply();

  if (segments.length === 1) {
    if (method === 'GET' || method === 'HEAD') {
      const recent = [...core.store.rows(schema.name, { includeDeleted: false })].slice(-3).reverse();
      const nameField = schema.fields.find((f) => f.nameField)?.name ?? 'Id';
      return {
        status: 200,
        body: {
          objectDescribe: describeGlobalEntry(schema, versionText),
          recentItems: recent.map((r) => ({ attributes: { type: schema.name, url: recordUrl(versionText, schema.name, r.Id as string) }, Id: r.Id, [nameField]: r[nameField] ?? null })),
        },
      };
    }
    if (method !== 'POST') return methodNotAllowed(method, 'GET,HEAD,POST');
    return create(core, schema, call);
  }

  const second = segments[1] as string;
  if (segments.length === 2 && second === 'describe') {
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(method, 'GET,HEAD');
    return { status: 200, body: describeObject(schema, versionText) };
  }

  if (segments.length === 2) {
    if (second === 'Id' && method === 'POST') return create(core, schema, call);
    if (second === 'Id') return methodNotAllowed(method, 'GET,HEAD,POST');
    return recordById(core, schema, second, call);
  }

  if (segments.length === 3) {
    const field = core.store.fieldSchema(schema.name, second);
    const value = segments[2] as string;
    if (!field || !(field.externalId || field.idLookup)) return notFoundReply();
    return byExternalId(core, schema, field.name, value, call);
  }
  return notFoundReply();
}

function create(core: EmulatorCore, schema: ObjectSchema, call: SObjectCall): Reply {
  const input = toWriteInput(call.body());
  if (isReply(input)) return input;
  return guard(schema, () => {
    const { id } = core.writer.createRecord(schema.name, input, call.ctx);
    return { status: 201, body: { id, success: true, errors: [] }, headers: { Location: recordUrl(call.versionText, schema.name, id) } };
  });
}

function recordById(core: EmulatorCore, schema: ObjectSchema, rawId: string, call: SObjectCall): Reply {
  const { method } = call;
  if (method === 'GET' || method === 'HEAD') {
    const id = normalizeId(rawId);
    if (id === undefined || keyPrefixOf(id) !== schema.keyPrefix) {
      return { status: 404, body: [{ errorCode: 'NOT_FOUND', message: `Provided external ID field does not exist or is not accessible: ${rawId}` }] };
    }
    const hit = core.store.findById(id);
    if (!hit || hit.row.IsDeleted === true) return notFoundReply();
    const fields = selectedFields(schema, call.search);
    if (isReply(fields)) return fields;
    return { status: 200, body: recordBody(schema, hit.row, call.versionText, fields) };
  }
  if (method === 'PATCH') {
    const input = toWriteInput(call.body());
    if (isReply(input)) return input;
    return guard(schema, () => {
      core.writer.updateRecord(schema.name, rawId, input, call.ctx);
      return { status: 204 };
    });
  }
  if (method === 'DELETE') {
    return guard(schema, () => {
      core.writer.deleteRecord(schema.name, rawId, call.ctx);
      return { status: 204 };
    });
  }
  return methodNotAllowed(method, 'GET,HEAD,PATCH,DELETE');
}

function byExternalId(core: EmulatorCore, schema: ObjectSchema, field: string, value: string, call: SObjectCall): Reply {
  const { method, versionText } = call;
  const matches = (): RecordRow[] => {
    if (field === 'Id') {
      const hit = core.store.findById(value);
      return hit && hit.objectName === schema.name && hit.row.IsDeleted !== true ? [hit.row] : [];
    }
    return core.store.findByIndexedValue(schema.name, field, value);
  };
  if (method === 'GET' || method === 'HEAD') {
    const rows = matches();
    if (rows.length === 0) return notFoundReply();
    if (rows.length > 1) return { status: 300, body: rows.map((r) => recordUrl(versionText, schema.name, r.Id as string)) };
    const fields = selectedFields(schema, call.search);
    if (isReply(fields)) return fields;
    return { status: 200, body: recordBody(schema, rows[0] as RecordRow, versionText, fields) };
  }
  if (method === 'DELETE') {
    const rows = matches();
    if (rows.length === 0) return notFoundReply();
    if (rows.length > 1) return { status: 300, body: rows.map((r) => recordUrl(versionText, schema.name, r.Id as string)) };
    return guard(schema, () => {
      core.writer.deleteRecord(schema.name, (rows[0] as RecordRow).Id as string, call.ctx);
      return { status: 204 };
    });
  }
  if (method === 'PATCH' || (method === 'POST' && field === 'Id')) {
    const input = toWriteInput(call.body());
    if (isReply(input)) return input;
    const updateOnly = call.search.get('updateOnly') === 'true';
    if (updateOnly && matches().length === 0) return notFoundReply();
    return guard(schema, () => {
      const result = core.writer.upsertByExternalId(schema.name, field, value, input, call.ctx);
      // Upsert answers carry `created` from v46.0; before that an update is a bare 204 (salesforce-api.md 3.4).
      if (call.major < 46) {
        return result.created ? { status: 201, body: { id: result.id, success: true, errors: [] }, headers: { Location: recordUrl(versionText, schema.name, result.id) } } : { status: 204 };
      }
      const body = { id: result.id, success: true, errors: [], created: result.created };
      return result.created ? { status: 201, body, headers: { Location: recordUrl(versionText, schema.name, result.id) } } : { status: 200, body };
    }, versionText);
  }
  return methodNotAllowed(method, 'GET,HEAD,PATCH,DELETE');
}
