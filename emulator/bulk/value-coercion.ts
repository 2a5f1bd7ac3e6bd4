/**
 * Turning a Bulk CSV cell into a stored value of the field's type. Only the CSV part lives here: lengths, picklists,
 * required fields and the rest are checked by the org's write layer, the same rules as REST writes.
 */
import type { FieldSchema, FieldValue } from '../org/types';
import { parseDateTimeValue, parseDateValue } from '../org/values';

/** A per-row error in the shape REST collections and Bulk result files use. */
export type RowError = { statusCode: string; message: string; fields: string[] };

/** The outcome of coercing one cell. */
export type Coerced = { ok: true; value: FieldValue } | { ok: false; error: RowError };

const INT = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z?$/;

/** The xsd type name a real org names in its deserialisation error. */
function xsdType(field: FieldSchema): string {
  if (field.soapType.startsWith('xsd:')) return field.soapType;
  switch (field.type) {
    case 'int':
      return 'xsd:int';
    case 'double':
    case 'currency':
    case 'percent':
      return 'xsd:double';
    case 'boolean':
      return 'xsd:boolean';
    case 'date':
      return 'xsd:date';
    case 'datetime':
      return 'xsd:dateTime';
    case 'time':
      return 'xsd:time';
    default:
      return 'xsd:string';
  }
}

/**
 * The error a real org writes for a cell it cannot read, e.g.
 * `INVALID_FIELD:Failed to deserialize field at col 3. Due to, '6/15/19' is not a valid value for the type xsd:date:CloseDate --`
 * (seen in public captures; the column number is the 0-based position in the CSV [INF]).
 */
function deserializeError(raw: string, field: FieldSchema, column: number): RowError {
  return {
    statusCode: 'INVALID_FIELD',
    message: `Failed to deserialize field at col ${column}. Due to, '${raw}' is not a valid value for the type ${xsdType(field)}`,
    fields: [field.name],
  };
}

/**
 * Reads a non-blank, non-`#N/A` cell as a value of `field`'s type. Dates are `yyyy-MM-dd`; datetimes
 * `yyyy-MM-ddTHH:mm:ss[.SSS](Z|±HH:mm)` (milliseconds optional) and are stored in UTC; numbers are plain decimals;
 * booleans `true`/`false`/`1`/`0` in any case. Text types pass through unchanged (values are not trimmed).
 */
export function coerceCell(raw: string, field: FieldSchema, column: number): Coerced {
  switch (field.type) {
    case 'boolean': {
      const v = raw.toLowerCase();
      if (v === 'true' || v === '1') return { ok: true, value: true };
      if (v === 'false' || v === '0') return { ok: true, value: false };
      return { ok: false, error: deserializeError(raw, field, column) };
    }
    case 'int':
      return INT.test(raw) && Number.isSafeInteger(Number(raw))
        ? { ok: true, value: Number(raw) }
        : { ok: false, error: deserializeError(raw, field, column) };
    case 'double':
    case 'currency':
    case 'percent':
      return DECIMAL.test(raw) && Number.isFinite(Number(raw))
        ? { ok: true, value: Number(raw) }
        : { ok: false, error: deserializeError(raw, field, column) };
    case 'date': {
      const value = parseDateValue(raw);
      return value === undefined ? { ok: false, error: deserializeError(raw, field, column) } : { ok: true, value };
    }
    case 'datetime': {
      const value = parseDateTimeValue(raw);
      return value === undefined ? { ok: false, error: deserializeError(raw, field, column) } : { ok: true, value };
    }
    case 'time': {
      const m = TIME.exec(raw);
      if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) {
        return { ok: false, error: deserializeError(raw, field, column) };
      }
      return { ok: true, value: `${m[1]}:${m[2]}:${m[3] ?? '00'}.${(m[4] ?? '0').padEnd(3, '0')}Z` };
    }
    default:
      return { ok: true, value: raw };
  }
}
