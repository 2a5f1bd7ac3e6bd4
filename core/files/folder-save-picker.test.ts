import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFolderSavePicker } from './folder-save-picker';

describe('createFolderSavePicker', () => {
  let folder: string;
  beforeEach(async () => {
    folder = join(await mkdtemp(join(tmpdir(), 'orgdesk-folder-picker-')), 'exports');
  });
  afterEach(async () => {
    await rm(join(folder, '..'), { recursive: true, force: true });
  });

  it('puts the file in the folder under its suggested name, made safe', async () => {
    const picker = createFolderSavePicker(folder);
    await expect(picker.pickSavePath({ suggestedName: 'Account 2026:01.csv', format: 'csv' })).resolves.toBe(join(folder, 'Account_2026_01.csv'));
  });

  it('never hands out the name of a file that is already there (nobody could confirm replacing it)', async () => {
    const picker = createFolderSavePicker(folder);
    const first = await picker.pickSavePath({ suggestedName: 'Account.csv', format: 'csv' });
    await writeFile(first ?? '', 'earlier export');
    const second = await picker.pickSavePath({ suggestedName: 'Account.csv', format: 'csv' });
    await writeFile(second ?? '', 'another');
    expect(second).toBe(join(folder, 'Account-2.csv'));
    await expect(picker.pickSavePath({ suggestedName: 'Account.csv', format: 'csv' })).resolves.toBe(join(folder, 'Account-3.csv'));
  });
});
