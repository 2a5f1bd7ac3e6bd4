import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import type { LoadObject, LoadPlan } from '../../shared/ipc/domains/load';
import { inspectCsvFile } from './csv-source';
import { suggestMapping } from './field-mapping';
import { toLoadObject } from './load-object';
import { EXAMPLES_PER_KIND, runPreflight } from './preflight';
import { fetchDescribe } from '../test-support/org-describe';

let emulator: RunningEmulator;
let contact: LoadObject;
const dir = mkdtempSync(join(tmpdir(), 'orgdesk-preflight-'));

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  contact = toLoadObject(await fetchDescribe(emulator.url, 'Contact'));
});
afterAll(async () => {
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
});

const HEADERS = ['External_Id__c', 'Last Name', 'First Name', 'Birthdate', 'Email Opt Out', 'Shoe size'];

/** A file of `n` good rows, with the rows in `bad` replaced by what they hold. */
function write(name: string, n: number, bad: Record<number, string> = {}): string {
  const lines = [HEADERS.join(',')];
  for (let row = 1; row <= n; row += 1) lines.push(bad[row] ?? `EXT-${row},Last ${row},First ${row},03/01/1985,false,42`);
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function plan(path: string, overrides: Partial<LoadPlan> = {}): Promise<{ plan: LoadPlan; shape: Awaited<ReturnType<typeof inspectCsvFile>> }> {
  const shape = await inspectCsvFile(path);
  const { mappings } = suggestMapping(shape.headers, contact, 'upsert');
  return {
    shape,
    plan: { objectName: 'Contact', operation: 'upsert', externalIdField: 'External_Id__c', mappings, dates: { dateOrder: 'mdy', timeZone: 'UTC' }, ...overrides },
  };
}

describe('runPreflight', () => {
  it('checks the whole file and groups the issues by kind with counts, the first examples and hints', async () => {
    const bad: Record<number, string> = {
      3: 'EXT-3,Last,First,31/12/1985,false,1',
      40: 'EXT-1,Dup,First,03/01/1985,false,1',
      77: ',No key,First,03/01/1985,false,1',
      90: `EXT-90,${'L'.repeat(81)},First,03/01/1985,maybe,1`,
    };
    for (let row = 100; row < 110; row += 1) bad[row] = `EXT-${row},Last,First,13/13/2000,false,1`;
    const path = write('mixed.csv', 500, bad);
    const { plan: p, shape } = await plan(path);
    const progress: number[] = [];
    const report = await runPreflight({ path, shape, plan: p, object: contact, onProgress: (n) => progress.push(n), excludedFile: join(dir, 'mixed.excluded.csv') });
    expect(report).toMatchObject({ rowsChecked: 500, invalidRows: 14, validRows: 486, unmappedColumns: ['Shoe size'] });
    expect(report.groups.map((g) => [g.kind, g.count])).toEqual([
      ['missing-key', 1],
      ['duplicate-key', 1],
      ['bad-boolean', 1],
      ['bad-date', 11],
      ['text-too-long', 1],
    ]);
    const dates = report.groups.find((g) => g.kind === 'bad-date');
    expect(dates?.examples).toHaveLength(EXAMPLES_PER_KIND);
    expect(dates?.examples[0]).toEqual({ row: 3, column: 'Birthdate', value: '31/12/1985', why: 'there is no month 31 (the day order is MDY: 03/31/2024 or 2024-03-31)' });
    expect(dates?.hint).toContain('#N/A');
    expect(report.groups.find((g) => g.kind === 'duplicate-key')?.examples[0]).toMatchObject({ row: 40, why: 'row 1 has the same External_Id__c' });
    expect([...report.invalidRowNumbers]).toEqual([3, 40, 77, 90, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    expect(progress.at(-1)).toBe(500);
    const excluded = readFileSync(join(dir, 'mixed.excluded.csv'), 'utf8').split('\n');
    expect(excluded[0]).toBe('row,issues,External_Id__c,Last Name,First Name,Birthdate,Email Opt Out,Shoe size');
    expect(excluded[1]).toBe('3,Birthdate: there is no month 31 (the day order is MDY: 03/31/2024 or 2024-03-31),EXT-3,Last,First,31/12/1985,false,1');
    expect(excluded).toHaveLength(14 + 2);
  });

  it('reports a clean file as all valid, with no groups', async () => {
    const path = write('clean.csv', 250);
    const { plan: p, shape } = await plan(path);
    const report = await runPreflight({ path, shape, plan: p, object: contact });
    expect(report).toMatchObject({ rowsChecked: 250, validRows: 250, invalidRows: 0, groups: [] });
    expect(report.invalidRowNumbers).toHaveLength(0);
  });

  it('refuses a plan that cannot load any row before reading the file', async () => {
    const path = write('plan.csv', 5);
    const { plan: p, shape } = await plan(path, { operation: 'update', externalIdField: undefined });
    await expect(runPreflight({ path, shape, plan: p, object: contact })).rejects.toThrow('An update needs the Id of each record, but no column maps to Id.');
  });

  it('stops with CANCELLED when its signal is aborted', async () => {
    const path = write('cancel.csv', 50_000);
    const { plan: p, shape } = await plan(path);
    const controller = new AbortController();
    const run = runPreflight({ path, shape, plan: p, object: contact, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
