/** The org's one `Organization` record (the sf CLI reads it at login and on every command). */
import type { OrgStore } from './store';
import type { RecordRow } from './types';
import { formatDateTime } from './values';

/** Inserts the Organization row with the org's id when the store has none (after a seed, a reset or a restore). */
export function ensureOrganizationRow(store: OrgStore, orgId: string, now: Date, adminId: string): void {
  const schema = store.objectSchema('Organization');
  if (!schema || store.count('Organization') > 0) return;
  const stamp = formatDateTime(new Date(now.getTime() - 400 * 24 * 60 * 60 * 1000));
  const row: RecordRow = Object.fromEntries(schema.fields.map((f) => [f.name, f.type === 'boolean' ? f.defaultValue === true : null]));
  Object.assign(row, {
    Id: orgId,
    Name: 'OrgDesk Demo Org',
    // [INF] a production instance name; the local org has no real pod.
    InstanceName: 'LOCAL',
    IsSandbox: false,
    TrialExpirationDate: null,
    NamespacePrefix: null,
    OrganizationType: 'Developer Edition',
    CreatedDate: stamp,
    CreatedById: adminId,
    LastModifiedDate: stamp,
    LastModifiedById: adminId,
    SystemModstamp: stamp,
    IsDeleted: false,
  });
  store.insert('Organization', row, { origin: 'seed', userId: adminId, silent: true });
}
