export type { OpenFilePicker, SaveFileFormat, SaveFilePicker } from './file-pickers';
export { createDialogOpenPicker, createDialogSavePicker } from './dialog-pickers';
export { createFolderSavePicker } from './folder-save-picker';
export { createFileRefs } from './file-refs';
export type { FileRefs } from './file-refs';
