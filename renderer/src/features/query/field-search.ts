import type { FieldInfo, ObjectSummary } from '../../../../shared/ipc/contract';

const folded = (text: string): string => text.toLowerCase();

/**
 * The fields matching what a person typed, by API name, label or picklist value (case-insensitive), names starting with
 * it first, then in name order. An empty search lists every field.
 */
export function searchFields(fields: readonly FieldInfo[], search: string): FieldInfo[] {
  const needle = folded(search.trim());
  const byName = [...fields].sort((a, b) => a.name.localeCompare(b.name));
  if (needle === '') return byName;
  const starts: FieldInfo[] = [];
  const contains: FieldInfo[] = [];
  for (const field of byName) {
    const name = folded(field.name);
    if (name.startsWith(needle)) starts.push(field);
    else if (name.includes(needle) || folded(field.label).includes(needle) || field.picklistValues.some((p) => folded(p.value).includes(needle))) contains.push(field);
  }
  return [...starts, ...contains];
}

/** The queryable objects matching a search by API name or label, names starting with it first. */
export function searchObjects(objects: readonly ObjectSummary[], search: string): ObjectSummary[] {
  const needle = folded(search.trim());
  // Only what a FROM can name: change events and platform events are in the global describe but not queryable.
  const byName = objects.filter((o) => o.queryable).sort((a, b) => a.name.localeCompare(b.name));
  if (needle === '') return byName;
  const starts = byName.filter((o) => folded(o.name).startsWith(needle));
  const contains = byName.filter((o) => !folded(o.name).startsWith(needle) && (folded(o.name).includes(needle) || folded(o.label).includes(needle)));
  return [...starts, ...contains];
}
