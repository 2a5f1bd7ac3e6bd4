import { Editor } from '@monaco-editor/react';
import type * as Monaco from 'monaco-editor/editor';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { SchemaCatalog } from '../language/soql-schema';
import { statementAt } from '../soql-text';
import { setupMonaco } from './monaco-setup';
import { registerSoqlLanguage, setServerMarker, SOQL_LANGUAGE_ID, type SoqlLanguage } from './soql-language';

/** The statement to run: the selection if there is one, else the statement under the cursor, with its start offset. */
export type RunRequest = { soql: string; start: number };

/** What the workbench can ask of the editor from outside it (toolbar buttons, the object explorer). */
export type SoqlEditorHandle = {
  /** The statement to run: the selection, else the statement under the cursor. */
  currentStatement: () => RunRequest | null;
  format: () => void;
  focus: () => void;
  /** Replaces the selection (or inserts at the cursor) with `text`, as one undoable edit, and leaves the cursor after it. */
  insert: (text: string) => void;
  /** Closes the suggestion popup (and any other content widget such as a hover), as when a query starts running. */
  closeWidgets: () => void;
};

/** Props of the SOQL editor: one model per tab (`path`), the org's catalog, and the run shortcut. */
export type SoqlEditorProps = {
  path: string;
  value: string;
  onChange: (value: string) => void;
  catalog: SchemaCatalog | null;
  onRun: (request: RunRequest) => void;
  /** The error Salesforce returned for the last run from this tab, placed at its row and column. */
  serverError: { message: string; row?: number | undefined; column?: number | undefined; statementStart: number } | null;
  /** Lets the owner ask for the statement to run from a toolbar button, insert text, or close the suggestions. */
  onReady?: (api: SoqlEditorHandle) => void;
  /** Tells the statement under the cursor (null on blank space) whenever the cursor or the text moves. */
  onCursorStatement?: (statement: string | null) => void;
};

const DIAGNOSE_DELAY_MS = 350;

function prefersDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches;
}

/** Monaco with the SOQL language: completion and markers from the org's describe, Ctrl/Cmd+Enter runs, Shift+Alt+F formats. */
export function SoqlEditor(props: SoqlEditorProps): ReactNode {
  const { path, value, onChange, catalog, onRun, serverError, onReady, onCursorStatement } = props;
  const [monaco] = useState(setupMonaco);
  const editorRef = useRef<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const languageRef = useRef<SoqlLanguage | null>(null);
  const onRunRef = useRef(onRun);
  onRunRef.current = onRun;
  const onCursorRef = useRef(onCursorStatement);
  onCursorRef.current = onCursorStatement;
  const [dark, setDark] = useState(prefersDark);

  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return undefined;
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const listener = (): void => setDark(media.matches);
    media.addEventListener('change', listener);
    return () => media.removeEventListener('change', listener);
  }, []);

  const currentStatement = (): RunRequest | null => {
    const editor = editorRef.current;
    const model = editor?.getModel();
    if (editor === null || editor === undefined || model === null || model === undefined) return null;
    const selection = editor.getSelection();
    if (selection !== null && !selection.isEmpty()) {
      const text = model.getValueInRange(selection);
      const start = model.getOffsetAt(selection.getStartPosition());
      const lead = text.length - text.trimStart().length;
      return text.trim() === '' ? null : { soql: text.trim(), start: start + lead };
    }
    const position = editor.getPosition();
    const statement = statementAt(model.getValue(), position === null ? 0 : model.getOffsetAt(position));
    return statement === null ? null : { soql: statement.text, start: statement.start };
  };

  // Re-validate when the org (catalog) or the tab changes.
  useEffect(() => {
    const model = editorRef.current?.getModel();
    const language = languageRef.current;
    if (model === null || model === undefined || language === null) return;
    language.bindCatalog(model, catalog);
    void language.validate(model);
  }, [catalog, path]);

  // Diagnostics while typing, debounced.
  useEffect(() => {
    const model = editorRef.current?.getModel();
    const language = languageRef.current;
    if (model === null || model === undefined || language === null) return undefined;
    const timer = setTimeout(() => void language.validate(model), DIAGNOSE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [value, path]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model === null || model === undefined) return;
    setServerMarker(monaco, model, serverError, serverError?.statementStart ?? 0);
  }, [serverError, monaco, path]);

  return (
    <Editor
      path={path}
      value={value}
      language={SOQL_LANGUAGE_ID}
      theme={dark ? 'vs-dark' : 'vs'}
      loading={<div className="slds-p-around_small slds-text-color_weak">Loading the editor…</div>}
      onChange={(next) => onChange(next ?? '')}
      beforeMount={() => {
        languageRef.current = registerSoqlLanguage(monaco);
      }}
      onMount={(editor) => {
        editorRef.current = editor;
        const language = languageRef.current ?? registerSoqlLanguage(monaco);
        languageRef.current = language;
        editor.addAction({
          id: 'orgdesk.runStatement',
          label: 'Run the statement under the cursor (or the selection)',
          keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
          run: () => {
            const request = currentStatement();
            if (request !== null) onRunRef.current(request);
          },
        });
        const model = editor.getModel();
        if (model !== null) {
          language.bindCatalog(model, catalog);
          void language.validate(model);
        }
        editor.onDidChangeCursorPosition((event) => {
          const current = editor.getModel();
          if (current === null || onCursorRef.current === undefined) return;
          onCursorRef.current(statementAt(current.getValue(), current.getOffsetAt(event.position))?.text ?? null);
        });
        onReady?.({
          currentStatement,
          format: () => void editor.getAction('editor.action.formatDocument')?.run(),
          focus: () => editor.focus(),
          insert: (text) => insertText(monaco, editor, text),
          closeWidgets: () => {
            editor.trigger('orgdesk', 'hideSuggestWidget', null);
            editor.trigger('orgdesk', 'editor.action.hideHover', null);
          },
        });
      }}
      options={{
        minimap: { enabled: false },
        fontSize: 13,
        lineNumbers: 'on',
        scrollBeyondLastLine: false,
        automaticLayout: true,
        wordWrap: 'on',
        quickSuggestions: { other: true, strings: true, comments: false },
        suggestOnTriggerCharacters: true,
        tabSize: 2,
        fixedOverflowWidgets: true,
        placeholder: 'SELECT Id, Name FROM Account — Ctrl+Enter runs, Shift+Alt+F formats',
        ariaLabel: 'SOQL editor',
      }}
    />
  );
}

/** Replaces the selection with `text` as one undo step and puts the cursor right after it. */
function insertText(monaco: typeof Monaco, editor: Monaco.editor.IStandaloneCodeEditor, text: string): void {
  const model = editor.getModel();
  const selection = editor.getSelection();
  if (model === null || selection === null) return;
  const end = model.getOffsetAt(selection.getStartPosition()) + text.length;
  editor.pushUndoStop();
  editor.executeEdits('orgdesk.explorer', [{ range: selection, text, forceMoveMarkers: true }], () => {
    const at = model.getPositionAt(end);
    return [new monaco.Selection(at.lineNumber, at.column, at.lineNumber, at.column)];
  });
  editor.pushUndoStop();
  editor.focus();
}
