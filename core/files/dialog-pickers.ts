import { OPEN_FILE_KINDS, SAVE_FILE_KINDS, type OpenFilePicker, type SaveFilePicker } from './file-pickers';

/** The slice of Electron's `dialog.showSaveDialog` the picker needs (passed in by electron/main; services never import electron). */
export type ShowSaveDialog = (options: {
  title: string;
  defaultPath: string;
  filters: { name: string; extensions: string[] }[];
  properties: 'showOverwriteConfirmation'[];
}) => Promise<{ canceled: boolean; filePath?: string | undefined }>;

/** The slice of Electron's `dialog.showOpenDialog` the open picker needs. */
export type ShowOpenDialog = (options: {
  title: string;
  defaultPath: string;
  filters: { name: string; extensions: string[] }[];
  properties: ('openFile' | 'openDirectory' | 'createDirectory' | 'showHiddenFiles')[];
}) => Promise<{ canceled: boolean; filePaths: string[] }>;

/**
 * The Electron save picker: a native save dialog that starts in `folder` (the Downloads folder, say) with the suggested
 * name. Cancelling the dialog answers null (the caller cancels what it was doing).
 */
export function createDialogSavePicker(showSaveDialog: ShowSaveDialog, folder: string): SaveFilePicker {
  return {
    async pickSavePath({ suggestedName, format }) {
      const kind = SAVE_FILE_KINDS[format];
      const result = await showSaveDialog({
        title: kind.title,
        defaultPath: `${folder.replace(/[\\/]+$/, '')}/${suggestedName}`,
        filters: kind.filters,
        // Windows and macOS always ask before replacing a file; GTK (Linux) only with this.
        properties: ['showOverwriteConfirmation'],
      });
      return result.canceled || result.filePath === undefined || result.filePath === '' ? null : result.filePath;
    },
  };
}

/**
 * The Electron open picker: a native open dialog for one file (or one folder, for `results-folder`), starting in `folder` (the home folder, say) with hidden files
 * shown (keys often live in `~/.ssh` or `~/.config`). Cancelling answers null.
 */
export function createDialogOpenPicker(showOpenDialog: ShowOpenDialog, folder: string): OpenFilePicker {
  return {
    async pickOpenPath({ format }) {
      const kind = OPEN_FILE_KINDS[format];
      const properties: Parameters<ShowOpenDialog>[0]['properties'] = format === 'results-folder' ? ['openDirectory', 'createDirectory'] : ['openFile', 'showHiddenFiles'];
      const result = await showOpenDialog({ title: kind.title, defaultPath: folder, filters: kind.filters, properties });
      const [path] = result.filePaths;
      return result.canceled || path === undefined || path === '' ? null : path;
    },
  };
}
