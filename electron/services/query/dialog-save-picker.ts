import type { SaveFilePicker } from './ports';

/** The slice of Electron's `dialog.showSaveDialog` the picker needs (passed in by electron/main; services never import electron). */
export type ShowSaveDialog = (options: {
  title: string;
  defaultPath: string;
  filters: { name: string; extensions: string[] }[];
}) => Promise<{ canceled: boolean; filePath?: string | undefined }>;

/**
 * The Electron picker: a native save dialog that starts in `folder` (the Downloads folder, say) with the suggested,
 * timestamped name. Cancelling the dialog cancels the export.
 */
export function createDialogSavePicker(showSaveDialog: ShowSaveDialog, folder: string): SaveFilePicker {
  return {
    async pickSavePath({ suggestedName, format }) {
      const result = await showSaveDialog({
        title: 'Export query results',
        defaultPath: `${folder.replace(/[\\/]+$/, '')}/${suggestedName}`,
        filters: format === 'csv' ? [{ name: 'CSV (UTF-8)', extensions: ['csv'] }] : [{ name: 'JSON', extensions: ['json'] }],
      });
      return result.canceled || result.filePath === undefined || result.filePath === '' ? null : result.filePath;
    },
  };
}
