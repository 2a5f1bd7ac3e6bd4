import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/codeAction/register';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/format/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/placeholderText/register';
import 'monaco-editor/features/snippet/register';
import 'monaco-editor/features/suggest/register';
// features/suggest registers only the inline adapter; the suggest widget's controller is its own contribution.
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/wordOperations/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

/** The Monaco namespace as bundled locally. */
export type MonacoApi = typeof monaco;

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker: (workerId: string, label: string) => Worker };
  }
}

/**
 * Points @monaco-editor/react at the locally bundled Monaco (so it never injects a CDN script, which the CSP forbids) and
 * gives Monaco its editor worker through Vite's `?worker` import. Monaco is one global per page, so this runs once.
 */
export function setupMonaco(): MonacoApi {
  if (window.MonacoEnvironment === undefined) {
    window.MonacoEnvironment = { getWorker: () => new EditorWorker() };
    loader.config({ monaco });
  }
  return monaco;
}
