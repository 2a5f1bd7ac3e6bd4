export { createQueryService } from './query-service';
export type { QueryService, QueryServiceOptions, RunArgs } from './query-service';
export { createQueryLibrary } from './query-library';
export type { HistoryRecord, QueryLibrary } from './query-library';
export { createFolderSavePicker } from './folder-save-picker';
export { createDialogSavePicker } from './dialog-save-picker';
export type { ShowSaveDialog } from './dialog-save-picker';
export type { QueryConnection, QueryConnections, SaveFilePicker } from './ports';
export { readQueryShape } from './soql-columns';
