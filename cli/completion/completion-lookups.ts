import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CompletionLookups } from './complete-words';
import { readObjectNames } from './object-names';

/**
 * Completion's lookups on the user-data folder, read-only: the profiles from orgdesk.db (never created by completing: no
 * file, no labels) and the object names kept beside it. Loads the database module only when a label or object is asked for.
 */
export function createCompletionLookups(userDataDir: string): CompletionLookups {
  const withProfiles = async <T>(read: (profiles: { label: string; id: string }[], activeId: string | null) => T, none: T): Promise<T> => {
    if (!existsSync(join(userDataDir, 'orgdesk.db'))) return none;
    const [{ openDatabase }, { createOrgProfileStore }] = await Promise.all([import('../../core/store/database'), import('../../core/orgs/org-profile-store')]);
    try {
      const database = openDatabase({ folder: userDataDir });
      try {
        const store = createOrgProfileStore(database.db);
        return read(store.list(), store.activeId());
      } finally {
        database.close();
      }
    } catch {
      return none;
    }
  };
  return {
    orgLabels: () => withProfiles((profiles) => profiles.map((profile) => profile.label), []),
    async objectNames(org) {
      const orgId = await withProfiles((profiles, activeId) => {
        if (org === undefined) return activeId;
        const wanted = org.trim().toLowerCase();
        return (profiles.find((p) => p.id === org) ?? profiles.find((p) => p.label.toLowerCase() === wanted))?.id ?? null;
      }, null);
      return orgId === null ? [] : readObjectNames(userDataDir, orgId);
    },
  };
}
