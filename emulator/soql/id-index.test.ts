import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrg, type TestOrg } from '../testing';

let org: TestOrg;

beforeAll(async () => {
  org = await startTestOrg();
});
afterAll(async () => {
  await org.emulator.stop();
});

describe('a long Id IN-list', () => {
  it('answers the same records as a scan would, deleted ones only for queryAll', async () => {
    const rows = [...org.emulator.org.store.rows('Contact', { includeDeleted: false })].slice(0, 150);
    const ids = rows.map((row) => String(row.Id));
    const gone = ids[3] ?? '';
    org.emulator.org.writer.deleteRecord('Contact', gone, { userId: String(rows[0]?.OwnerId), origin: 'admin' });
    const list = [...ids, '001000000000000AAA', ids[0] ?? ''].map((id) => `'${id}'`).join(',');
    const query = async (resource: string): Promise<string[]> => {
      const answer = await org.call(`/services/data/v62.0/${resource}?q=${encodeURIComponent(`SELECT Id, LastName FROM Contact WHERE Id IN (${list})`)}`);
      return (answer.body as { records: { Id: string }[] }).records.map((record) => record.Id).sort();
    };
    expect(await query('query')).toEqual(ids.filter((id) => id !== gone).sort());
    expect(await query('queryAll')).toEqual([...ids].sort());
  });
});
