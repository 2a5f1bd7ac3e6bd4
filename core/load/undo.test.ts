import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LoadService } from './load-service';
import { API, ADMIN, SMALL_ORG, useEmulator } from '../test-support/emulator-fixture';
import { createEmulatorConnections } from '../test-support/emulator-connections';
import { useLoadBench } from '../test-support/undo-fixture';

const org = useEmulator({ seedSize: SMALL_ORG });
const bench = useLoadBench(org);
const FIELDS = 'Id, LastName, Title, Birthdate, LeadSource, HasOptedOutOfEmail, Description, External_Id__c';

type Row = Record<string, unknown>;

/** Inserts Contacts with a mix of values and nulls; answers them as the org has them. */
async function seedContacts(load: LoadService, tag: string, n: number): Promise<Row[]> {
  const lines = ['LastName,Title,Birthdate,LeadSource,HasOptedOutOfEmail,External_Id__c'];
  for (let i = 0; i < n; i += 1) lines.push(`${tag} ${i},${i % 2 === 0 ? 'Boss' : ''},${i % 3 === 0 ? '' : `1980-0${(i % 9) + 1}-1${i % 9}`},${i % 2 === 0 ? 'Web' : ''},${i % 2 === 0 ? 'true' : 'false'},${tag}-${i}`);
  const summary = await load.settled(await bench.start(load, bench.csv(`${tag}.csv`, lines), 'Contact', 'insert'));
  expect(summary.counts.success).toBe(n);
  return contacts(`LastName LIKE '${tag} %'`);
}

function contacts(where: string, all = false): Promise<Row[]> {
  return bench.query(`SELECT ${FIELDS}, IsDeleted FROM Contact WHERE ${where} ORDER BY External_Id__c`, all);
}

async function undoAll(load: LoadService, loadId: string, conflicts: 'skip' | 'overwrite' = 'skip') {
  await load.undo(loadId, conflicts);
  return load.undoSettled(loadId);
}

describe('undo', () => {
  it('insert → undo: the created records are gone, and the undo is a load of its own in the history', async () => {
    const load = bench.service();
    const summary = await load.settled(await bench.start(load, bench.csv('ins.csv', ['LastName', 'Undo Ins 1', 'Undo Ins 2', 'Undo Ins 3']), 'Contact', 'insert'));
    expect(summary.cannotUndo).toBeUndefined();
    const preview = await load.undoPreview(summary.loadId);
    expect(preview.steps).toEqual([{ kind: 'delete-created', records: 3 }]);
    const outcome = await undoAll(load, summary.loadId);
    expect(outcome.steps).toMatchObject([{ kind: 'delete-created', state: 'done', counts: { input: 3, success: 3, failed: 0, unprocessed: 0 } }]);
    expect(await contacts("LastName LIKE 'Undo Ins%'")).toEqual([]);
    const step = load.get(outcome.steps[0]?.loadId ?? '');
    expect(step.undoOf).toEqual({ loadId: summary.loadId, step: 'delete-created' });
  });

  it('update → undo: every field equal to before, nulls, dates, picklists and booleans included', async () => {
    const load = bench.service();
    const before = await seedContacts(load, 'UndoUpd', 6);
    const lines = ['Id,LastName,Title,Birthdate,LeadSource,HasOptedOutOfEmail', ...before.map((row, i) => `${String(row.Id)},Changed ${i},Changed title,2001-01-0${i + 1},Phone Inquiry,${i % 2 === 0 ? 'false' : 'true'}`)];
    const updated = await load.settled(await bench.start(load, bench.csv('upd.csv', lines), 'Contact', 'update'));
    expect(updated.counts.success).toBe(6);
    expect((await contacts("LastName LIKE 'Changed %'")).length).toBe(6);
    const outcome = await undoAll(load, updated.loadId);
    expect(outcome.steps).toMatchObject([{ kind: 'restore-updated', state: 'done', counts: { success: 6, failed: 0 } }]);
    expect(await contacts(`Id IN ('${before.map((row) => String(row.Id)).join("','")}')`)).toEqual(before);
  });

  it('upsert → undo: the records it created are deleted, the ones it updated get their values back', async () => {
    const load = bench.service();
    const before = await seedContacts(load, 'UndoUps', 2);
    const lines = ['External_Id__c,LastName,Title', 'UndoUps-0,Upserted 0,', 'UndoUps-1,Upserted 1,New title', 'UndoUps-new,Upserted new,X'];
    const upserted = await load.settled(await bench.start(load, bench.csv('ups.csv', lines), 'Contact', 'upsert', {}, { externalIdField: 'External_Id__c' }));
    expect(upserted.counts.success).toBe(3);
    const preview = await load.undoPreview(upserted.loadId);
    expect(preview.steps).toEqual([
      { kind: 'delete-created', records: 1 },
      { kind: 'restore-updated', records: 2 },
    ]);
    const outcome = await undoAll(load, upserted.loadId);
    expect(outcome.steps.map((step) => [step.kind, step.counts.success])).toEqual([
      ['delete-created', 1],
      ['restore-updated', 2],
    ]);
    expect(await contacts("External_Id__c LIKE 'UndoUps%'")).toEqual(before);
  });

  it('delete → undo: the records are back with their ids and values (SOAP undelete)', async () => {
    const load = bench.service();
    const before = await seedContacts(load, 'UndoDel', 5);
    const deleted = await load.settled(await bench.start(load, bench.csv('del.csv', ['Id', ...before.map((row) => String(row.Id))]), 'Contact', 'delete'));
    expect(await contacts("LastName LIKE 'UndoDel %'")).toEqual([]);
    const outcome = await undoAll(load, deleted.loadId);
    expect(outcome.steps).toMatchObject([{ kind: 'undelete', loadId: null, state: 'done', counts: { input: 5, success: 5, failed: 0 } }]);
    expect(existsSync(outcome.steps[0]?.files.success ?? '')).toBe(true);
    expect(await contacts("LastName LIKE 'UndoDel %'")).toEqual(before);
  });

  it('hard delete → undo: new records with the values they had, and it says so up front', async () => {
    const load = bench.service();
    const before = await seedContacts(load, 'UndoHard', 4);
    const hard = await load.settled(await bench.start(load, bench.csv('hard.csv', ['Id', ...before.map((row) => String(row.Id))]), 'Contact', 'hardDelete'));
    expect(hard.counts.success).toBe(4);
    expect(await contacts("LastName LIKE 'UndoHard %'", true)).toEqual([]);
    const preview = await load.undoPreview(hard.loadId);
    expect(preview.notes.join(' ')).toMatch(/new records/);
    const outcome = await undoAll(load, hard.loadId);
    expect(outcome.steps).toMatchObject([{ kind: 'reinsert', state: 'done', counts: { success: 4 } }]);
    const after = await contacts("LastName LIKE 'UndoHard %'");
    expect(after.map(({ Id: _id, ...rest }) => rest)).toEqual(before.map(({ Id: _id, ...rest }) => rest));
    expect(after.every((row, i) => row.Id !== before[i]?.Id)).toBe(true);
  });

  it('a record changed after the load is a conflict: skip leaves the change, overwrite writes the before value', async () => {
    const { connection } = createEmulatorConnections({ url: org.emulator.url, username: ADMIN });
    for (const conflicts of ['skip', 'overwrite'] as const) {
      const load = bench.service();
      const tag = `UndoConf${conflicts}`;
      const before = await seedContacts(load, tag, 3);
      const updated = await load.settled(await bench.start(load, bench.csv(`${tag}-upd.csv`, ['Id,Title', ...before.map((row) => `${String(row.Id)},Load title`)]), 'Contact', 'update'));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const touched = String(before[1]?.Id);
      await connection.client.request('PATCH', `${API}/sobjects/Contact/${touched}`, { json: { Title: 'Someone else' } });
      const preview = await load.undoPreview(updated.loadId);
      expect(preview.conflictCount).toBe(1);
      expect(preview.conflicts[0]?.id).toBe(touched);
      const outcome = await undoAll(load, updated.loadId, conflicts);
      expect(outcome.steps[0]?.counts.success).toBe(conflicts === 'skip' ? 2 : 3);
      const after = await contacts(`LastName LIKE '${tag} %'`);
      expect(after[0]).toEqual(before[0]);
      expect(after[1]?.Title).toBe(conflicts === 'skip' ? 'Someone else' : before[1]?.Title);
    }
  });

  it('refuses a load without a before-image, and says so in the history', async () => {
    const load = bench.service();
    const before = await seedContacts(load, 'UndoOff', 1);
    const off = await load.settled(await bench.start(load, bench.csv('off.csv', ['Id,Title', `${String(before[0]?.Id)},T`]), 'Contact', 'update', { beforeImage: false }));
    expect(off.cannotUndo).toMatch(/without a before-image/);
    await expect(load.undoPreview(off.loadId)).rejects.toThrow(/cannot be undone/);
  });
});
