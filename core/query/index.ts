export { createQueryService } from './query-service';
export type { QueryService, QueryServiceOptions, RunArgs } from './query-service';
export { createQueryLibrary } from './query-library';
export type { HistoryRecord, QueryLibrary } from './query-library';
export { createDialogSavePicker, createFolderSavePicker } from '../files';
export type { SaveFilePicker, ShowSaveDialog } from '../files';
export type { QueryConnection, QueryConnections } from './ports';
export { readQueryShape } from './soql-columns';
