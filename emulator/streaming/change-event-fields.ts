/**
 * The fields of an object's change event in schema order — plain fields, and compound `Name` / `<X>Address` grouped
 * where their first part stands — shared by the CometD payloads and the Pub/Sub Avro schemas.
 */
import type { FieldSchema, ObjectSchema } from '../org/types';

/** One field of a change event: a plain field, or a compound one (`Name`, `<X>Address`) with its parts. */
export type ChangeEventEntry = { kind: 'field'; name: string; field: FieldSchema } | { kind: 'compound'; name: string; parts: { key: string; field: FieldSchema }[] };

const EXCLUDED = new Set(['Id', 'IsDeleted', 'SystemModstamp', 'LastViewedDate', 'LastReferencedDate']);
const ADDRESS_PARTS = ['Street', 'City', 'State', 'PostalCode', 'Country', 'StateCode', 'CountryCode', 'Latitude', 'Longitude', 'GeocodeAccuracy'];
const NAME_PARTS = ['Salutation', 'FirstName', 'LastName'];

/** The fields of an object's change event, in schema order, compound fields grouped where their first part stands. */
export function entriesOf(schema: ObjectSchema): ChangeEventEntry[] {
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  const owner = new Map<string, ChangeEventEntry>();
  const compoundName = byName.get('Name')?.label === 'Full Name' && byName.has('LastName');
  if (compoundName) {
    const entry: ChangeEventEntry = { kind: 'compound', name: 'Name', parts: NAME_PARTS.filter((p) => byName.has(p)).map((p) => ({ key: p, field: byName.get(p) as FieldSchema })) };
    for (const p of [...NAME_PARTS, 'Name']) owner.set(p, entry);
  }
  for (const f of schema.fields) {
    if (!f.name.endsWith('Street')) continue;
    const prefix = f.name.slice(0, -'Street'.length);
    const parts = ADDRESS_PARTS.filter((p) => byName.has(`${prefix}${p}`)).map((p) => ({ key: p, field: byName.get(`${prefix}${p}`) as FieldSchema }));
    const entry: ChangeEventEntry = { kind: 'compound', name: `${prefix}Address`, parts };
    for (const part of parts) owner.set(part.field.name, entry);
  }
  const out: ChangeEventEntry[] = [];
  const placed = new Set<ChangeEventEntry>();
  for (const f of schema.fields) {
    if (EXCLUDED.has(f.name)) continue;
    const group = owner.get(f.name);
    if (group) {
      if (!placed.has(group)) {
        placed.add(group);
        out.push(group);
      }
      continue;
    }
    if (f.calculated) continue;
    out.push({ kind: 'field', name: f.name, field: f });
  }
  return out;
}
