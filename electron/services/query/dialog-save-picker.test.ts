import { describe, expect, it } from 'vitest';
import { createDialogSavePicker, type ShowSaveDialog } from './dialog-save-picker';

describe('createDialogSavePicker', () => {
  it('opens the dialog in the folder with the suggested name and returns the chosen path, or null when cancelled', async () => {
    const asked: Parameters<ShowSaveDialog>[0][] = [];
    let answer: Awaited<ReturnType<ShowSaveDialog>> = { canceled: false, filePath: '/home/me/out.csv' };
    const picker = createDialogSavePicker((options) => {
      asked.push(options);
      return Promise.resolve(answer);
    }, '/home/me/Downloads/');
    await expect(picker.pickSavePath({ suggestedName: 'Account-1.csv', format: 'csv' })).resolves.toBe('/home/me/out.csv');
    expect(asked[0]).toMatchObject({ defaultPath: '/home/me/Downloads/Account-1.csv', filters: [{ extensions: ['csv'] }] });
    answer = { canceled: true };
    await expect(picker.pickSavePath({ suggestedName: 'Account-1.json', format: 'json' })).resolves.toBeNull();
  });
});
