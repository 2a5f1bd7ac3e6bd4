import { describe, expect, it } from 'vitest';
import { API, ADMIN, SMALL_ORG, useEmulator } from '../test-support/emulator-fixture';
import { createEmulatorConnections } from '../test-support/emulator-connections';
import { undeleteRecords } from './soap-undelete';

const org = useEmulator({ seedSize: SMALL_ORG });

describe('undeleteRecords (SOAP undelete against the local org)', () => {
  it('brings deleted records back and says why the others failed, in order', async () => {
    const { connection } = createEmulatorConnections({ url: org.emulator.url, username: ADMIN });
    const { client } = connection;
    const created = await client.json<{ id: string }>('POST', `${API}/sobjects/Account`, { json: { Name: 'Soap back' } });
    const live = await client.json<{ id: string }>('POST', `${API}/sobjects/Account`, { json: { Name: 'Soap live' } });
    await client.request('DELETE', `${API}/sobjects/Account/${created.id}`);
    const results = await undeleteRecords(client, '62.0', [created.id, live.id]);
    expect(results).toEqual([
      { id: created.id, error: null },
      { id: live.id, error: { statusCode: 'UNDELETE_FAILED', message: 'Entity is not in the recycle bin' } },
    ]);
    const back = await client.json<{ Name: string }>('GET', `${API}/sobjects/Account/${created.id}`);
    expect(back.Name).toBe('Soap back');
  });

  it('turns a SOAP fault into an error naming its code', async () => {
    const { connection } = createEmulatorConnections({ url: org.emulator.url, username: ADMIN });
    org.emulator.admin.addFault({ kind: 'error', status: 500, path: '/services/Soap/*', body: undefined, times: 5 });
    await expect(undeleteRecords(connection.client, '62.0', ['001000000000001AAA'])).rejects.toThrow(/UNKNOWN_EXCEPTION/);
    await expect(undeleteRecords(connection.client, '62.0', Array.from({ length: 201 }, () => 'x'))).rejects.toThrow(/at most 200/);
  });
});
