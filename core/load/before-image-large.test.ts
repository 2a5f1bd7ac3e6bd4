import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSystemClock } from '../salesforce';
import { ADMIN, useEmulator } from '../test-support/emulator-fixture';
import { createEmulatorConnections } from '../test-support/emulator-connections';
import { beforeImageHook } from './before-image';
import { beforeImagePath, openBeforeImage } from './before-image-store';
import { jobFiles } from './job-planner';
import { createObjectCache } from './load-caches';
import type { JournalJob, JournalLoad } from './load-journal';

const ROWS = 200_000;
const org = useEmulator({ seed: false });
const dir = mkdtempSync(join(tmpdir(), 'orgdesk-before-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('before-image of a 200k-row update', () => {
  it('goes to disk through Bulk queries in chunks, main holding one chunk at a time', async () => {
    org.emulator.admin.generateContacts(ROWS);
    const ids = [...org.emulator.org.store.rows('Contact', { includeDeleted: false })].map((row) => String(row.Id));
    const loadsDir = join(dir, 'loads');
    const workDir = join(loadsDir, 'big');
    mkdirSync(workDir, { recursive: true });
    const csv = createWriteStream(jobFiles(workDir, 1).csv);
    csv.write('Id,Title\n');
    for (const id of ids) if (!csv.write(`${id},Big title\n`)) await once(csv, 'drain');
    csv.end();
    await once(csv, 'finish');

    const connections = createEmulatorConnections({ url: org.emulator.url, username: ADMIN });
    const { connection } = connections;
    const object = await createObjectCache(connections)('org', 'Contact');
    const load = { id: 'big', workDir, plan: { objectName: 'Contact', operation: 'update', mappings: [{ source: 'column', column: 'Title', field: 'Title' }], dates: { dateOrder: 'ymd', timeZone: 'UTC' } }, options: { excludeInvalid: true } } as unknown as JournalLoad;
    const hook = beforeImageHook(load, object, { client: connection.client, apiVersion: connection.apiVersion, clock: createSystemClock() });
    const job = { loadId: 'big', seq: 1, rows: ROWS } as JournalJob;
    global.gc?.();
    const start = process.memoryUsage();
    let peakHeap = start.heapUsed;
    let peakRss = start.rss;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peakHeap = Math.max(peakHeap, now.heapUsed);
      peakRss = Math.max(peakRss, now.rss);
    }, 50);
    const began = performance.now();
    const before = org.emulator.admin.counters().total;
    try {
      await hook?.(job, new AbortController().signal);
    } finally {
      clearInterval(sampler);
    }
    const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
    console.log(
      `before-image of ${ROWS} rows: ${((performance.now() - began) / 1000).toFixed(1)} s, ${org.emulator.admin.counters().total - before} API calls; ` +
        `heap ${mb(start.heapUsed)} → peak ${mb(peakHeap)} MB, RSS ${mb(start.rss)} → peak ${mb(peakRss)} MB (the local org runs in this process too)`,
    );
    const image = openBeforeImage(beforeImagePath(loadsDir, 'big'), { create: false });
    try {
      expect(image.count()).toBe(ROWS);
      expect(image.get(ids[ROWS - 1] ?? '')?.values).toHaveProperty('Title');
    } finally {
      image.close();
    }
  }, 600_000);
});
