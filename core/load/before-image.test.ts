import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SMALL_ORG, useEmulator } from '../test-support/emulator-fixture';
import { useLoadBench } from '../test-support/undo-fixture';
import { beforeImagePath, openBeforeImage } from './before-image-store';

const org = useEmulator({ seedSize: SMALL_ORG });
const bench = useLoadBench(org);

async function newAccounts(n: number): Promise<string[]> {
  const load = bench.service();
  const path = bench.csv('seed.csv', ['Name,NumberOfEmployees,Industry', ...Array.from({ length: n }, (_, i) => `Before ${i},${i},Energy`)]);
  const summary = await load.settled(await bench.start(load, path, 'Account', 'insert'));
  expect(existsSync(beforeImagePath(bench.loadsDir, summary.loadId))).toBe(false);
  return bench.readCsv(summary.files.success).slice(1).map((row) => row[1] ?? '');
}

describe('before-image', () => {
  it('keeps the mapped fields and SystemModstamp of the records an update changes, on disk, before the upload', async () => {
    const ids = await newAccounts(12);
    const before = await bench.query(`SELECT Id, Name, NumberOfEmployees, Industry, SystemModstamp FROM Account WHERE Id IN ('${ids.join("','")}')`);
    const load = bench.service({ maxJobRows: 5 });
    const path = bench.csv('update.csv', ['Id,Name,NumberOfEmployees', ...ids.map((id, i) => `${id},After ${i},#N/A`)]);
    const summary = await load.settled(await bench.start(load, path, 'Account', 'update'));
    expect(summary).toMatchObject({ state: 'done', counts: { success: 12 } });
    const image = openBeforeImage(beforeImagePath(bench.loadsDir, summary.loadId), { create: false });
    try {
      expect(image.meta()).toEqual({ objectName: 'Account', operation: 'update', keyField: 'Id', fields: ['Name', 'NumberOfEmployees'] });
      expect(image.count()).toBe(12);
      for (const record of before) {
        const kept = image.get(record.Id as string);
        expect(kept?.values).toEqual({ Name: record.Name, NumberOfEmployees: String(record.NumberOfEmployees) });
        expect(kept?.modstamp).toBe((record.SystemModstamp as string).replace('+0000', 'Z'));
      }
    } finally {
      image.close();
    }
  });

  it('keeps every createable field for a delete, the matched records only for an upsert, and nothing when turned off', async () => {
    const ids = await newAccounts(4);
    const load = bench.service();
    const deleted = await load.settled(await bench.start(load, bench.csv('delete.csv', ['Id', ...ids.slice(0, 2)]), 'Account', 'delete'));
    const image = openBeforeImage(beforeImagePath(bench.loadsDir, deleted.loadId), { create: false });
    expect(image.meta()?.fields).toEqual(expect.arrayContaining(['Name', 'Industry', 'NumberOfEmployees', 'OwnerId', 'External_Id__c']));
    expect(image.get(ids[0] ?? '')?.values).toMatchObject({ Name: 'Before 0', Industry: 'Energy', NumberOfEmployees: '0' });
    image.close();

    await load.settled(await bench.start(load, bench.csv('ext.csv', ['Id,External_Id__c', `${ids[2] ?? ''},UNDO-EXT-1`]), 'Account', 'update'));
    const upsert = await load.settled(
      await bench.start(load, bench.csv('upsert.csv', ['External_Id__c,Name', 'UNDO-EXT-1,Upserted', 'UNDO-EXT-NEW,Created']), 'Account', 'upsert', {}, { externalIdField: 'External_Id__c' }),
    );
    const upserted = openBeforeImage(beforeImagePath(bench.loadsDir, upsert.loadId), { create: false });
    expect(upserted.count()).toBe(1);
    expect(upserted.get(ids[2] ?? '')?.values).toMatchObject({ Name: 'Before 2', External_Id__c: 'UNDO-EXT-1' });
    upserted.close();

    const off = await load.settled(await bench.start(load, bench.csv('off.csv', ['Id,Name', `${ids[3] ?? ''},No image`]), 'Account', 'update', { beforeImage: false }));
    expect(off.state).toBe('done');
    expect(existsSync(beforeImagePath(bench.loadsDir, off.loadId))).toBe(false);
  });
});
