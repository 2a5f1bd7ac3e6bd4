import type { EventRow, FieldChange, JsonValue, RecordSnapshot } from '../../shared/ipc/domains/events';
import type { CapturedEvent } from './event-capture';

/** How many earlier events of a record are read back to find previous values. */
export const PREVIOUS_LOOKBACK = 200;

/**
 * The fields an event carries, with previous values where the capture knows them. For an UPDATE, the changed fields
 * (`changedFields`, compound parts dotted); for CREATE and UNDELETE, every non-null field; the previous value is the
 * latest earlier captured event of the same record that carried the field (or a CREATE or UNDELETE without it: null), or
 * else a fetched snapshot taken before the event, or unknown. CometD has no `diffFields`/`nulledFields` (6.4), so this
 * history is the only source of previous values.
 */
export function fieldChanges(event: CapturedEvent, earlier: CapturedEvent[], snapshot: RecordSnapshot | null): FieldChange[] {
  const { row } = event;
  if (row.kind !== 'change') return [];
  const values = flattenPayload(payloadOf(event.data));
  const fields =
    row.changeType === 'UPDATE'
      ? row.changedFields
      : row.changeType === 'CREATE' || row.changeType === 'UNDELETE'
        ? [...values.keys()].filter((f) => values.get(f) !== null)
        : [];
  const earlierValues = earlier.map((e) => ({ seq: e.row.seq, whole: e.row.changeType === 'CREATE' || e.row.changeType === 'UNDELETE', values: flattenPayload(payloadOf(e.data)) }));
  const snapshotUsable = snapshot !== null && isBefore(snapshot.fetchedAt, row);
  return fields.map((field): FieldChange => {
    const value = values.get(field) ?? null;
    if (row.changeType === 'UPDATE') {
      // A CREATE or UNDELETE carries every field that has a value, so a field it lacks was null then.
      const before = earlierValues.find((e) => e.values.has(field) || e.whole);
      if (before !== undefined) return { field, value, previous: { source: 'event', seq: before.seq, value: before.values.get(field) ?? null } };
      const fromSnapshot = snapshotUsable ? snapshotValue(snapshot.fields, field) : undefined;
      if (snapshotUsable && fromSnapshot !== undefined) return { field, value, previous: { source: 'record', fetchedAt: snapshot.fetchedAt, value: fromSnapshot } };
    }
    return { field, value, previous: { source: 'unknown' } };
  });
}

/**
 * A SOQL query that re-reads the records of a gap or overflow event, for the workbench: by id for a gap, and for an overflow
 * (whose record id is the placeholder `000000000000000AAA`) the object's records modified from a minute before the commit.
 */
export function requerySoql(row: EventRow): string | null {
  if ((row.kind !== 'gap' && row.kind !== 'overflow') || row.entity === null) return null;
  const ids = row.recordIds.filter((id) => /^[a-zA-Z0-9]{15,18}$/.test(id) && !id.startsWith('000000000000000'));
  if (row.kind === 'gap' && ids.length > 0) {
    return `SELECT FIELDS(STANDARD) FROM ${row.entity} WHERE Id IN (${ids.map((id) => `'${id}'`).join(', ')})`;
  }
  const since = row.eventTime === null ? null : new Date(new Date(row.eventTime).getTime() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `SELECT FIELDS(STANDARD) FROM ${row.entity}${since === null ? '' : ` WHERE SystemModstamp >= ${since}`} ORDER BY SystemModstamp LIMIT 200`;
}

function payloadOf(data: JsonValue): Record<string, JsonValue> {
  const payload = isObject(data) ? data.payload : undefined;
  return payload !== undefined && isObject(payload) ? payload : {};
}

/** Payload fields by path: compound fields (`Name`, `BillingAddress`) become dotted parts, as `changedFields` names them. */
function flattenPayload(payload: Record<string, JsonValue>): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  for (const [key, value] of Object.entries(payload)) {
    if (key === 'ChangeEventHeader') continue;
    if (isObject(value)) for (const [part, v] of Object.entries(value)) out.set(`${key}.${part}`, v);
    else out.set(key, value);
  }
  return out;
}

/** A snapshot's value for a payload path: REST flattens compound parts (`Name.LastName` → `LastName`, `BillingAddress.City` → `BillingCity`). */
function snapshotValue(fields: Record<string, JsonValue>, path: string): JsonValue | undefined {
  if (Object.hasOwn(fields, path)) return fields[path];
  const [compound, part] = path.split('.', 2);
  if (compound === undefined || part === undefined) return undefined;
  const candidates = [compound.endsWith('Address') ? `${compound.slice(0, -'Address'.length)}${part}` : '', part];
  for (const name of candidates) if (name !== '' && Object.hasOwn(fields, name)) return fields[name];
  const nested = fields[compound];
  return isObject(nested) && Object.hasOwn(nested, part) ? nested[part] : undefined;
}

function isBefore(fetchedAt: string, row: EventRow): boolean {
  const at = row.eventTime ?? row.receivedAt;
  return Date.parse(fetchedAt) <= Date.parse(at);
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
