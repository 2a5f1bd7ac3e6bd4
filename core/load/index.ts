export { createLoadService } from './load-service';
export type { LoadEmitter, LoadService, LoadServiceOptions } from './load-service';
export { createLoadJournal } from './load-journal';
export type { JournalJob, JournalLoad, LoadJournal } from './load-journal';
export { loadCapacity } from './load-capacity';
export { uploadsDirOf } from './uploads';
export type { LoadRunOptions, LoadSource } from './load-source';
export { loadFileRefOf, loadSourceOf, runOptionsOf } from './load-source';
