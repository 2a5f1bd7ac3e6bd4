export { createQueryService } from './query-service';
export type { QueryService, QueryServiceOptions } from './query-service';
export { createQueryLibrary } from './query-library';
export { createFolderSavePicker } from '../files';
export type { SaveFilePicker } from '../files';
