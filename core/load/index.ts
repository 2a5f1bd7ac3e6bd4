export { createLoadService } from './load-service';
export type { LoadService } from './load-service';
export { createLoadJournal } from './load-journal';
export { uploadsDirOf } from './uploads';
export type { LoadRunOptions } from './load-source';
export { loadFileRefOf, loadSourceOf, runOptionsOf } from './load-source';
