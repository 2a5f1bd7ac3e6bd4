import { describe, expect, it } from 'vitest';
import { createDialogOpenPicker, createDialogSavePicker, type ShowOpenDialog, type ShowSaveDialog } from './dialog-pickers';

describe('createDialogSavePicker', () => {
  it('opens the dialog in the folder with the suggested name and returns the chosen path, or null when cancelled', async () => {
    const asked: Parameters<ShowSaveDialog>[0][] = [];
    let answer: Awaited<ReturnType<ShowSaveDialog>> = { canceled: false, filePath: '/home/me/out.csv' };
    const picker = createDialogSavePicker((options) => {
      asked.push(options);
      return Promise.resolve(answer);
    }, '/home/me/Downloads/');
    await expect(picker.pickSavePath({ suggestedName: 'Account-1.csv', format: 'csv' })).resolves.toBe('/home/me/out.csv');
    expect(asked[0]).toMatchObject({ defaultPath: '/home/me/Downloads/Account-1.csv', filters: [{ extensions: ['csv'] }], properties: ['showOverwriteConfirmation'] });
    answer = { canceled: true };
    await expect(picker.pickSavePath({ suggestedName: 'Account-1.json', format: 'json' })).resolves.toBeNull();
  });

  it('offers certificate extensions and a certificate title when saving a certificate', async () => {
    const asked: Parameters<ShowSaveDialog>[0][] = [];
    const picker = createDialogSavePicker((options) => {
      asked.push(options);
      return Promise.resolve({ canceled: false, filePath: '/home/me/orgdesk-acme.crt' });
    }, '/home/me/Downloads');
    await expect(picker.pickSavePath({ suggestedName: 'orgdesk-acme.crt', format: 'certificate' })).resolves.toBe('/home/me/orgdesk-acme.crt');
    expect(asked[0]).toMatchObject({ title: expect.stringContaining('certificate'), filters: [{ extensions: ['crt', 'cer', 'pem'] }] });
  });
});

describe('createDialogOpenPicker', () => {
  it('asks for one existing file in the folder and returns it, or null when cancelled', async () => {
    const asked: Parameters<ShowOpenDialog>[0][] = [];
    let answer: Awaited<ReturnType<ShowOpenDialog>> = { canceled: false, filePaths: ['/home/me/keys/server.key'] };
    const picker = createDialogOpenPicker((options) => {
      asked.push(options);
      return Promise.resolve(answer);
    }, '/home/me');
    await expect(picker.pickOpenPath({ format: 'private-key' })).resolves.toBe('/home/me/keys/server.key');
    expect(asked[0]).toMatchObject({ defaultPath: '/home/me', properties: expect.arrayContaining(['openFile']) });
    answer = { canceled: true, filePaths: [] };
    await expect(picker.pickOpenPath({ format: 'private-key' })).resolves.toBeNull();
  });

  it("asks for a folder (which it may create) for a load's result files", async () => {
    const asked: Parameters<ShowOpenDialog>[0][] = [];
    const picker = createDialogOpenPicker((options) => {
      asked.push(options);
      return Promise.resolve({ canceled: false, filePaths: ['/home/me/results'] });
    }, '/home/me');
    await expect(picker.pickOpenPath({ format: 'results-folder' })).resolves.toBe('/home/me/results');
    expect(asked[0]?.properties).toEqual(['openDirectory', 'createDirectory']);
  });
});
