export { OPEN_FILE_KINDS, SAVE_FILE_KINDS } from './file-pickers';
export type { OpenFileFormat, OpenFilePicker, SaveFileFormat, SaveFilePicker } from './file-pickers';
export { createDialogOpenPicker, createDialogSavePicker } from './dialog-pickers';
export type { ShowOpenDialog, ShowSaveDialog } from './dialog-pickers';
export { createFolderSavePicker } from './folder-save-picker';
export { createFileRefs, FILE_REF_PATTERN } from './file-refs';
export type { FileRefs } from './file-refs';
