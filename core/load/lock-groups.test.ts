import { describe, expect, it } from 'vitest';
import type { LoadObject } from '../../shared/ipc/domains/load';
import { createObjectCache } from './load-caches';
import { createEmulatorConnections } from '../test-support/emulator-connections';
import { ADMIN, SMALL_ORG, useEmulator } from '../test-support/emulator-fixture';
import { createLaneQueue, laneSplit } from './lock-groups';
import { pendingJob } from './retry-jobs';

const org = useEmulator({ seedSize: SMALL_ORG });

/** The object as the local org describes it, read the way a load reads it. */
async function described(name: string): Promise<LoadObject> {
  return createObjectCache(createEmulatorConnections({ url: org.emulator.url, username: ADMIN }))('org', name);
}

describe('lock groups', () => {
  it("finds the parent a Contact locks, by id or through the Account's external id, and keeps a parent in one lane", async () => {
    const contact = await described('Contact');
    expect(contact.fields.find((field) => field.name === 'AccountId')?.cascadeDelete).toBe(true);
    const byId = laneSplit(contact, ['LastName', 'AccountId'], 3, true);
    expect(byId?.count).toBe(3);
    const id = '001Dn0000700005IAA';
    expect(byId?.laneOf(['A', id], 1)).toBe(byId?.laneOf(['B', id.slice(0, 15)], 2));
    const lanes = new Set(Array.from({ length: 60 }, (_, i) => byId?.laneOf(['x', `001Dn00007000${String(i).padStart(2, '0')}IAA`], i)));
    expect(lanes.size).toBe(3);
    const byExternalId = laneSplit(contact, ['LastName', 'Account.External_Id__c'], 2, true);
    expect(byExternalId?.laneOf(['A', 'ACC-1'], 1)).toBe(byExternalId?.laneOf(['B', 'ACC-1'], 8));
  });

  it('plans as before when the rows lock no parent, grouping is off or one job runs at a time', async () => {
    const [contact, account, invoice] = await Promise.all([described('Contact'), described('Account'), described('Invoice__c')]);
    expect(laneSplit(account, ['Name'], 2, true)).toBeNull();
    expect(laneSplit(invoice, ['Account__c', 'Amount__c'], 2, true)).toBeNull();
    expect(laneSplit(contact, ['LastName', 'AccountId'], 2, false)).toBeNull();
    expect(laneSplit(contact, ['LastName', 'AccountId'], 1, true)).toBeNull();
    expect(laneSplit(contact, ['LastName', 'Email'], 2, true)).toBeNull();
  });

  it('hands out one job of a lane at a time and the next once it is released', async () => {
    const queue = createLaneQueue();
    const job = (seq: number, lane: number | null) => pendingJob('L', { seq, firstRow: seq, lastRow: seq, rows: 1, bytes: 10, lane });
    for (const [seq, lane] of [[1, 0], [2, 0], [3, 1], [4, null]] as const) queue.push(job(seq, lane));
    queue.end();
    const first = await queue.take();
    const second = await queue.take();
    const third = await queue.take();
    expect([first?.seq, second?.seq, third?.seq]).toEqual([1, 3, 4]);
    let fourth: number | undefined;
    const waiting = queue.take().then((next) => (fourth = next?.seq));
    await Promise.resolve();
    expect(fourth).toBeUndefined();
    if (first !== null) queue.release(first);
    await waiting;
    expect(fourth).toBe(2);
    expect(await queue.take()).toBeNull();
  });
});
