/** A field's value as the org stores it: type checks, number range and scale, dates, ids that must name a live record. */
import { isTextType } from './schema';
import { keyPrefixOf, normalizeId } from './ids';
import type { OrgStore } from './store';
import type { FieldSchema, FieldValue, ObjectSchema } from './types';
import { parseDateTimeValue, parseDateValue } from './values';
import { displayValue, RecordWriteError } from './write-error';

function typeError(f: FieldSchema, value: FieldValue): RecordWriteError {
  return new RecordWriteError({ statusCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD', message: `${f.label}: value not of required type: ${displayValue(value)}`, fields: [f.name] });
}

/** Coerces a raw value for field `f` of `schema`, or throws the RecordWriteError a real org answers with. */
export function coerceFieldValue(store: OrgStore, schema: ObjectSchema, f: FieldSchema, raw: FieldValue): FieldValue {
  if (raw === null) return null;
  if (raw === '' && !isTextType(f.type)) return null;
  switch (f.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const text = String(raw).trim().toLowerCase();
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      throw typeError(f, raw);
    }
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : Number.NaN;
      if (!Number.isFinite(n)) throw typeError(f, raw);
      if (f.type === 'int') {
        if (!Number.isInteger(n) || Math.abs(n) > 2_147_483_647) throw typeError(f, raw);
        return n;
      }
      const integerDigits = Math.max(1, f.precision - f.scale);
      if (Math.abs(n) >= 10 ** integerDigits) {
        throw new RecordWriteError({ statusCode: 'NUMBER_OUTSIDE_VALID_RANGE', message: `${f.label}: value outside of valid range on numeric field: ${displayValue(raw)}`, fields: [f.name] });
      }
      const factor = 10 ** f.scale;
      return Math.round(n * factor) / factor;
    }
    case 'date': {
      const parsed = typeof raw === 'string' ? parseDateValue(raw) : undefined;
      if (parsed === undefined) throw typeError(f, raw);
      return parsed;
    }
    case 'datetime': {
      const parsed = typeof raw === 'string' ? parseDateTimeValue(raw) : undefined;
      if (parsed === undefined) throw typeError(f, raw);
      return parsed;
    }
    case 'reference':
    case 'id':
      return checkReference(store, schema, f, String(raw));
    default: {
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') throw typeError(f, raw);
      const text = String(raw);
      if (f.type === 'email' && text !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) {
        throw new RecordWriteError({ statusCode: 'INVALID_EMAIL_ADDRESS', message: `${f.label}: invalid email address: ${text}`, fields: [f.name] });
      }
      return text === '' ? null : text;
    }
  }
}

function checkReference(store: OrgStore, schema: ObjectSchema, f: FieldSchema, text: string): string {
  const id = normalizeId(text.trim());
  if (id === undefined) {
    throw new RecordWriteError({ statusCode: 'MALFORMED_ID', message: `${f.label}: id value of incorrect type: ${text}`, fields: [f.name] });
  }
  const target = store.objectByKeyPrefix(keyPrefixOf(id));
  if (!target || !f.referenceTo.includes(target.name)) {
    throw new RecordWriteError({ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: `${f.label}: id value of incorrect type: ${text}`, fields: [f.name] });
  }
  const hit = store.findById(id);
  if (!hit || hit.row.IsDeleted === true) {
    throw new RecordWriteError({ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: `invalid cross reference id`, fields: [f.name] });
  }
  if (f.name === 'OwnerId' && hit.objectName === 'User' && hit.row.IsActive !== true) {
    throw new RecordWriteError({ statusCode: 'INACTIVE_OWNER_OR_USER', message: `operation performed with inactive user [${id}] as owner of [${schema.name.toLowerCase()}]`, fields: [] });
  }
  return id;
}
