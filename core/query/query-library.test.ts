import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../store';
import { createQueryLibrary } from './query-library';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'orgdesk-query-library-'));
  folders.push(path);
  return path;
}

describe('createQueryLibrary', () => {
  it('keeps history, saved queries and editor tabs across a reopen of the database', () => {
    const dir = folder();
    const first = openDatabase({ folder: dir });
    const library = createQueryLibrary(first.db);
    library.addHistory({ orgId: 'org-1', soql: 'SELECT Id FROM Account', rows: 12, durationMs: 40.4, ranAt: '2026-11-28T10:00:00.000Z', source: 'rest', state: 'done' });
    library.addHistory({ orgId: 'org-2', soql: 'SELECT Id FROM Contact', rows: 90000, durationMs: 9000, ranAt: '2026-11-28T11:00:00.000Z', source: 'bulk', state: 'done' });
    library.save({ name: 'Big accounts', soql: 'SELECT Id FROM Account WHERE AnnualRevenue > 1000000', orgId: null, savedAt: '2026-11-28T10:00:00.000Z' });
    library.saveTabs([{ id: 't1', title: 'Accounts', soql: 'SELECT Id FROM Account' }, { id: 't2', title: 'Draft', soql: 'SELECT' }], 't2');
    first.close();

    const second = openDatabase({ folder: dir });
    const reopened = createQueryLibrary(second.db);
    expect(reopened.history('', 10)).toEqual([
      { id: 2, orgId: 'org-2', soql: 'SELECT Id FROM Contact', rows: 90000, durationMs: 9000, ranAt: '2026-11-28T11:00:00.000Z', source: 'bulk' },
      { id: 1, orgId: 'org-1', soql: 'SELECT Id FROM Account', rows: 12, durationMs: 40, ranAt: '2026-11-28T10:00:00.000Z', source: 'rest' },
    ]);
    expect(reopened.history('account', 10).map((h) => h.id)).toEqual([1]);
    expect(reopened.savedList().map((s) => s.name)).toEqual(['Big accounts']);
    expect(reopened.loadTabs()).toEqual({
      tabs: [
        { id: 't1', title: 'Accounts', soql: 'SELECT Id FROM Account' },
        { id: 't2', title: 'Draft', soql: 'SELECT' },
      ],
      activeId: 't2',
    });
    second.close();
  });

  it('replaces a saved query of the same name, deletes by id, and treats % and _ in a search as plain text', () => {
    const db = openDatabase({ folder: folder() });
    const library = createQueryLibrary(db.db);
    const a = library.save({ name: 'Mine', soql: 'SELECT Id FROM Lead', orgId: 'org-1', savedAt: '2026-11-28T10:00:00.000Z' });
    const b = library.save({ name: 'Mine', soql: 'SELECT Name FROM Lead', orgId: 'org-1', savedAt: '2026-11-28T10:05:00.000Z' });
    expect(b.id).toBe(a.id);
    expect(library.savedList()).toEqual([{ id: a.id, name: 'Mine', soql: 'SELECT Name FROM Lead', orgId: 'org-1', savedAt: '2026-11-28T10:05:00.000Z' }]);
    expect(library.deleteSaved(a.id)).toBe(true);
    expect(library.deleteSaved(a.id)).toBe(false);
    library.addHistory({ orgId: 'o', soql: 'SELECT Id FROM A__c', rows: 0, durationMs: 1, ranAt: 'x', source: 'rest', state: 'done' });
    library.addHistory({ orgId: 'o', soql: 'SELECT Id FROM Ab', rows: 0, durationMs: 1, ranAt: 'x', source: 'rest', state: 'done' });
    expect(library.history('A_', 10).map((h) => h.soql)).toEqual(['SELECT Id FROM A__c']);
    db.close();
  });
});
