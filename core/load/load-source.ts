import type { LoadFileRef, LoadOptions, UndoStepKind } from '../../shared/ipc/domains/load';
import type { FileRefs } from '../files/file-refs';

/**
 * Where the engine reads a load's file: a path main resolved itself (a ref from its registry, a dialog pick, the CLI's
 * argument), or a browser-mode upload id, checked for its shape before it is joined to the upload folder. The page never
 * sends either path form: `load:open` takes a LoadFileRef, which the handler resolves to this.
 */
export type LoadSource = { kind: 'path'; path: string } | { kind: 'upload'; uploadId: string };

/** The options of one load run as the engine takes them: the page's, with the output folder resolved to a path by main. */
export type LoadRunOptions = Omit<LoadOptions, 'outputFolder'> & {
  /** Where the result files go (main's folder dialog, or the CLI's `--out-dir`); beside the source file by default. */
  outputDir?: string | undefined;
  /** Set by the undo engine on a load that is a step of undoing another (kept in the journal's options). */
  undoOf?: { loadId: string; step: UndoStepKind } | undefined;
};

/** Resolves the page's file reference to what the engine reads: a ref through main's registry, an upload id as it is. */
export function loadSourceOf(refs: FileRefs, ownerId: string, file: LoadFileRef): LoadSource {
  return file.kind === 'ref' ? { kind: 'path', path: refs.resolve(ownerId, 'file', file.ref) } : file;
}

/** Resolves the page's load options: a folder ref through main's registry becomes the output folder's path. */
export function runOptionsOf(refs: FileRefs, ownerId: string, options: LoadOptions): LoadRunOptions {
  const { outputFolder, ...rest } = options;
  return outputFolder === undefined ? rest : { ...rest, outputDir: refs.resolve(ownerId, 'folder', outputFolder) };
}

/** What main hands the page for a file it chose itself (its dialog): a ref the page can pass to `load:open`. */
export function loadFileRefOf(refs: FileRefs, ownerId: string, source: LoadSource | null): LoadFileRef | null {
  if (source === null) return null;
  return source.kind === 'path' ? { kind: 'ref', ref: refs.mint(ownerId, 'file', source.path) } : source;
}
