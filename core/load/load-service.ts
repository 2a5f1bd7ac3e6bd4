import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type {
  CsvEncoding,
  FieldMapping,
  LoadCapacity,
  LoadFileInfo,
  LoadObject,
  LoadOperation,
  LoadPlan,
  LoadSummary,
  PreflightReport,
  UndoConflicts,
  UndoOutcome,
  UndoPreview,
} from '../../shared/ipc/domains/load';
import { ServiceError } from '../errors';
import { createRestApi, type Clock } from '../salesforce';
import type { QueryConnections } from '../query/ports';
import type { SqliteDatabase } from '../store';
import { createMappingStore, suggestMapping } from './field-mapping';
import { assertCapacity, fileCapacity } from './load-capacity';
import { loadOf, shapeForJournal, summaryOf } from './load-accounting';
import { createObjectCache, createPreflightCache } from './load-caches';
import { createLoadJournal } from './load-journal';
import { createLoadOwner, type LoadOwner } from './load-owner';
import { createLoadRuns, type LoadEmitter } from './load-runs';
import { createOpenFiles, sweepUploads, uploadInUse } from './open-files';
import type { LoadRunOptions, LoadSource } from './load-source';
import { runPreflight } from './preflight';
import { prepareFolders, resultPaths } from './result-folder';
import { createUndoService } from './undo-service';

/** The ports and settings of the load service. */
export type LoadServiceOptions = {
  db: SqliteDatabase;
  /** The connected client of an org profile, with its API version. */
  connections: QueryConnections;
  emit: LoadEmitter;
  clock: Clock;
  /** Browser mode's upload folder (`<userData>/uploads`): an upload's file is `<uploadsDir>/<uploadId>`. */
  uploadsDir: string;
  /** Who this service is, to tell its loads from those another live process runs on the same database (tests replace it). */
  owner?: LoadOwner | undefined;
  /** The loads' private work folders (`<userData>/loads`), and where an upload's result files go by default. */
  loadsDir: string;
  /**
   * Whether the service removes the uploads nothing references when it starts and when it is disposed (default true;
   * `orgdesk load` says false, since the app may be holding an upload open in the same folder).
   */
  sweepUploads?: boolean | undefined;
  /** Electron's open dialog for a CSV file; browser mode has none (`load:choose-file` answers VALIDATION). */
  pickCsvFile?: (() => Promise<string | null>) | undefined;
  /** Job polling: first and longest wait (default 500 ms, 5 s). */
  poll?: { initialMs: number; maxMs: number } | undefined;
  /** At most this many rows per job, besides the byte bound (tests make many jobs from a small file). */
  maxJobRows?: number | undefined;
  /** How often `load:progress` is pushed while a load runs (default 500 ms). */
  progressIntervalMs?: number | undefined;
};

/** What a long read of the file (opening it, pre-flight) can be given: a signal that stops it where it is. */
type LoadReadOptions = { signal?: AbortSignal | undefined };

/** The engine behind the `load:*` channels: open, map, pre-flight, capacity, start, cancel, resume, history. */
export interface LoadService {
  /** Reads a file once, streaming, and keeps a handle on it. */
  open(file: LoadSource, name?: string, encoding?: CsvEncoding, readOptions?: LoadReadOptions): Promise<LoadFileInfo>;
  /** Forgets an opened file (removing it when it was an upload no load still reads). */
  close(fileId: string): Promise<{ closed: boolean }>;
  /** Electron's open dialog. */
  chooseFile(): Promise<{ file: LoadSource | null }>;
  /** Whether a browser-mode upload is in use (an open file or an unfinished load reads it), so it must not be removed. */
  holdsUpload(uploadId: string): boolean;
  /** The object's fields for mapping and pre-flight. */
  object(orgId: string, objectName: string, refresh?: boolean): Promise<LoadObject>;
  /** The saved mapping for these headers, or the automatic one. */
  suggestMapping(orgId: string, fileId: string, objectName: string, operation: LoadOperation): Promise<{ mappings: FieldMapping[]; unmappedColumns: string[]; fromSaved: boolean }>;
  /** Pre-flight of the whole file, before any API call. */
  validate(orgId: string, fileId: string, plan: LoadPlan, readOptions?: LoadReadOptions): Promise<PreflightReport>;
  /** What the load needs against `/limits`. */
  capacity(orgId: string, fileId: string, plan: LoadPlan, options: LoadRunOptions): Promise<LoadCapacity>;
  /** Starts a journaled load; progress on `load:progress`. */
  start(orgId: string, fileId: string, plan: LoadPlan, options: LoadRunOptions): Promise<{ loadId: string }>;
  /** Aborts a load's jobs and answers what was committed. */
  cancel(loadId: string): Promise<LoadSummary>;
  /** Resumes an interrupted load (refused when the source changed). */
  resume(loadId: string): Promise<{ loadId: string }>;
  /** Opens a load's failure file as a new file, with the load's plan. */
  retryFailed(loadId: string): Promise<{ file: LoadFileInfo; plan: LoadPlan }>;
  /** Past and unfinished loads, newest first. */
  history(limit: number): LoadSummary[];
  /** One load. */
  get(loadId: string): LoadSummary;
  /** Resolves with a load's summary once it stops running (tests, the CLI). */
  settled(loadId: string): Promise<LoadSummary>;
  /** Stops every running load where it is (the journal keeps it; the next start shows it interrupted). */
  dispose(): Promise<void>;
  /** What undoing a load will do (undo-plan.ts). */
  undoPreview(loadId: string): Promise<UndoPreview>;
  /** Starts (or continues) undoing a load: its steps run as loads, one after another. */
  undo(loadId: string, conflicts: UndoConflicts): Promise<{ started: true }>;
  /** Resolves once an undo this process runs has ended or stopped. */
  undoSettled(loadId: string): Promise<UndoOutcome>;
}

/** Hashes a file's bytes (SHA-256, hex), streaming. */
async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(path), hash);
  } catch (error) {
    throw new ServiceError('FILE', `The source file ${path} cannot be read.`, 'Put the file back where it was, then resume the load.', { cause: error });
  }
  return hash.digest('hex');
}

/** Builds the load service over the local database, the org connections and the file system. */
export function createLoadService(options: LoadServiceOptions): LoadService {
  const { db, connections, emit, clock } = options;
  const journal = createLoadJournal(db);
  const mappings = createMappingStore(db);
  const files = createOpenFiles(options.uploadsDir);
  const objectFor = createObjectCache(connections);
  const preflights = createPreflightCache();
  const owner = options.owner ?? createLoadOwner();
  const runs = createLoadRuns({
    journal,
    connections,
    objectFor,
    emit,
    clock,
    uploadsDir: options.uploadsDir,
    isOpen: (path) => files.holds(path),
    poll: options.poll,
    maxJobRows: options.maxJobRows,
    progressIntervalMs: options.progressIntervalMs,
  });
  const { running, launch } = runs;
  // Only loads whose process is gone are interrupted: another live process (the app, `orgdesk load`) keeps its own.
  const reclaimOrphans = (): void => {
    journal.markInterrupted((token) => owner.isAlive(token));
  };
  reclaimOrphans();

  // An upload `load:open` refused stays while the app runs (the renderer offers to read it again as Windows-1252), but
  // not past it: uploads no open file and no unfinished load references go when the service starts and when it stops.
  const sweep = async (): Promise<void> => {
    if (options.sweepUploads === false) return;
    await sweepUploads(options.uploadsDir, [...files.paths(), ...journal.sourcesInUse()]);
  };
  const startSweep = sweep();
  const undo = createUndoService({ journal, connections, clock, poll: options.poll, loads: () => service });

  const service: LoadService = {
    open: (file, name, encoding, readOptions) => files.open(file, name, encoding, readOptions?.signal),
    async close(fileId) {
      const file = files.take(fileId);
      if (file === undefined) return { closed: false };
      preflights.forgetFile(fileId);
      const inUse = [...running.keys()].some((loadId) => journal.get(loadId)?.source.path === file.info.path);
      if (file.upload && !inUse) await unlink(file.info.path).catch(() => undefined);
      return { closed: true };
    },
    holdsUpload: (uploadId) => uploadInUse(options.uploadsDir, uploadId, [...files.paths(), ...journal.sourcesInUse()]),
    async chooseFile() {
      if (options.pickCsvFile === undefined) {
        throw new ServiceError('VALIDATION', 'This window cannot open a file dialog.', 'Drop the CSV file on the Load area instead.');
      }
      const path = await options.pickCsvFile();
      return { file: path === null ? null : { kind: 'path', path } };
    },
    object: (orgId, objectName, refresh) => objectFor(orgId, objectName, refresh === true),
    async suggestMapping(orgId, fileId, objectName, operation) {
      const file = files.get(fileId);
      const object = await objectFor(orgId, objectName);
      const saved = mappings.find(object.name, file.info.headers);
      if (saved !== null) {
        const used = new Set(saved.mappings.flatMap((m) => (m.source === 'column' ? [m.column] : [])));
        return { mappings: saved.mappings, unmappedColumns: file.info.headers.filter((h) => !used.has(h)), fromSaved: true };
      }
      return { ...suggestMapping(file.info.headers, object, operation), fromSaved: false };
    },
    async validate(orgId, fileId, plan, readOptions) {
      const file = files.get(fileId);
      const object = await objectFor(orgId, plan.objectName);
      const report = await runPreflight({
        path: file.info.path,
        shape: file.shape,
        plan,
        object,
        signal: readOptions?.signal,
        onProgress: (rowsChecked: number) => emit.preflight({ fileId, rowsChecked, rowCount: file.info.rowCount }),
      });
      preflights.remember(fileId, orgId, plan, report.invalidRows);
      const { invalidRowNumbers: _invalid, ...rest } = report;
      return rest;
    },
    async capacity(orgId, fileId, _plan, loadOptions) {
      const file = files.get(fileId);
      const connection = await connections.connectionFor(orgId);
      const limits = await createRestApi(connection.client, connection.apiVersion).limits();
      return fileCapacity(file.info, loadOptions, limits);
    },
    async start(orgId, fileId, plan, loadOptions) {
      const file = files.get(fileId);
      if (plan.operation === 'upsert' && plan.externalIdField === undefined) {
        throw new ServiceError('VALIDATION', 'An upsert needs an external id field.', 'Pick the external id field that matches rows to records.');
      }
      const connection = await connections.connectionFor(orgId);
      const object = await objectFor(orgId, plan.objectName);
      const limits = await createRestApi(connection.client, connection.apiVersion).limits();
      assertCapacity(fileCapacity(file.info, loadOptions, limits));
      if (!loadOptions.excludeInvalid) {
        // The planner checks every row again while it splits the file, so a reused answer never lets an invalid row through.
        const invalidRows = preflights.invalidRows(fileId, orgId, plan) ?? (await runPreflight({ path: file.info.path, shape: file.shape, plan, object })).invalidRows;
        if (invalidRows > 0) {
          throw new ServiceError('VALIDATION', `Pre-flight found ${invalidRows} invalid rows, so nothing was sent.`, 'Fix them and check again, or choose "Load anyway" to exclude them into their own file.');
        }
      }
      const loadId = randomUUID();
      const workDir = join(options.loadsDir, loadId);
      const resultFiles = resultPaths({ fileName: file.info.name, sourcePath: file.info.path, upload: file.upload, outputDir: loadOptions.outputDir, loadsDir: options.loadsDir }, loadId);
      await prepareFolders(workDir, resultFiles);
      mappings.save(object.name, file.info.headers, plan.mappings);
      journal.create({
        id: loadId,
        orgId,
        source: { path: file.info.path, fileName: file.info.name, sha256: file.info.sha256, shape: shapeForJournal(file.shape), rowCount: file.info.rowCount },
        plan,
        options: loadOptions,
        state: 'preparing',
        workDir,
        files: resultFiles,
        excludedRows: 0,
        plannedThrough: 0,
        planningDone: false,
        counts: null,
        object,
        error: null,
        startedAt: new Date(clock.now()).toISOString(),
        endedAt: null,
      });
      journal.claim(loadId, owner.token);
      launch(loadId, 'run');
      return { loadId };
    },
    async cancel(loadId) {
      const load = loadOf(journal, loadId);
      const run = running.get(loadId);
      if (run !== undefined) {
        run.cancelRequested = true;
        run.controller.abort(new ServiceError('CANCELLED', 'The load was cancelled.'));
        await run.done;
      } else if (load.state === 'interrupted') {
        await launch(loadId, 'settle').done;
      } else {
        throw new ServiceError('VALIDATION', `The load is ${load.state}: there is nothing to cancel.`, 'Its result files are listed in the history.');
      }
      return summaryOf(journal, loadOf(journal, loadId));
    },
    async resume(loadId) {
      reclaimOrphans();
      const load = loadOf(journal, loadId);
      if (running.has(loadId) || load.state !== 'interrupted') {
        throw new ServiceError('VALIDATION', `The load is ${running.has(loadId) ? 'running' : load.state}: only an interrupted load can be resumed.`, 'Pick an interrupted load from the history.');
      }
      const sha256 = await sha256Of(load.source.path);
      if (sha256 !== load.source.sha256) {
        throw new ServiceError(
          'VALIDATION',
          `The source file ${load.source.path} changed since the load started, so it cannot be resumed.`,
          'Put the original file back, or cancel this load (its committed rows are kept) and start a new one with the changed file.',
        );
      }
      await mkdir(load.workDir, { recursive: true });
      if (!journal.claimInterrupted(loadId, owner.token)) {
        throw new ServiceError('VALIDATION', 'Another OrgDesk window or command has just resumed this load.', 'Follow it there; it is not sent twice.');
      }
      launch(loadId, 'run');
      return { loadId };
    },
    async retryFailed(loadId) {
      const load = loadOf(journal, loadId);
      if (load.counts === null || load.counts.failed === 0) {
        throw new ServiceError('VALIDATION', 'This load has no failed rows to retry.', 'Retry is offered once a load has ended with failures.');
      }
      const name = basename(load.files.failure);
      const file = await files.openPath(load.files.failure, name, false);
      return { file, plan: load.plan };
    },
    history: (limit) => {
      reclaimOrphans();
      return journal.list(limit).map((load) => summaryOf(journal, load));
    },
    get: (loadId) => summaryOf(journal, loadOf(journal, loadId)),
    async settled(loadId) {
      await running.get(loadId)?.done;
      return summaryOf(journal, loadOf(journal, loadId));
    },
    async dispose() {
      const runs = [...running.values()];
      for (const run of runs) {
        run.disposing = true;
        run.controller.abort(new ServiceError('CANCELLED', 'OrgDesk is closing.'));
      }
      await Promise.all(runs.map((run) => run.done.catch(() => undefined)));
      await startSweep;
      await sweep();
    },
    undoPreview: (loadId) => undo.preview(loadId),
    undo: (loadId, conflicts) => undo.start(loadId, conflicts),
    undoSettled: (loadId) => undo.settled(loadId),
  };
  return service;
}
