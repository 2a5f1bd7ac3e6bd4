import type * as Monaco from 'monaco-editor/editor';
import { completeSoql, type CompletionKind } from '../language/soql-completions';
import { diagnoseSoql, type SoqlDiagnostic } from '../language/soql-diagnostics';
import type { SchemaCatalog } from '../language/soql-schema';
import { DATE_LITERALS, DATE_N_LITERALS, SOQL_FUNCTIONS, SOQL_KEYWORDS } from '../language/soql-tokens';
import { formatSoql } from '../language/soql-format';
import { formatStatements, statementAt, statementsOf } from '../soql-text';

type MonacoApi = typeof Monaco;

/** The language id of SOQL in Monaco. */
export const SOQL_LANGUAGE_ID = 'soql';
/** The marker owner of diagnostics computed while typing. */
const SOQL_MARKER_OWNER = 'soql';
/** The marker owner of the error Salesforce returned for the last run. */
const SERVER_MARKER_OWNER = 'soql-server';

/** Monarch highlighting for SOQL: keywords, functions and date literals case-insensitively, strings, numbers, dates, binds. */
const soqlMonarch: Monaco.languages.IMonarchLanguage = {
  ignoreCase: true,
  defaultToken: '',
  keywords: [...SOQL_KEYWORDS],
  functions: [...SOQL_FUNCTIONS],
  dateLiterals: [...DATE_LITERALS, ...DATE_N_LITERALS],
  tokenizer: {
    root: [
      [/'/, { token: 'string.quote', next: '@string' }],
      [/\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?/, 'number.date'],
      [/-?\d+(\.\d+)?/, 'number'],
      [/:[A-Za-z_]\w*/, 'variable'],
      [
        /[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*/,
        { cases: { '@keywords': 'keyword', '@functions': 'predefined', '@dateLiterals': 'constant', '@default': 'identifier' } },
      ],
      [/!=|<>|<=|>=|=|<|>/, 'operator'],
      [/[(),;]/, 'delimiter'],
      [/\s+/, 'white'],
    ],
    string: [
      [/[^\\']+/, 'string'],
      [/\\./, 'string.escape'],
      [/'/, { token: 'string.quote', next: '@pop' }],
    ],
  },
};

const kindMap = (monaco: MonacoApi): Record<CompletionKind, Monaco.languages.CompletionItemKind> => ({
  object: monaco.languages.CompletionItemKind.Class,
  field: monaco.languages.CompletionItemKind.Field,
  relationship: monaco.languages.CompletionItemKind.Reference,
  childRelationship: monaco.languages.CompletionItemKind.Module,
  subquery: monaco.languages.CompletionItemKind.Snippet,
  picklist: monaco.languages.CompletionItemKind.EnumMember,
  value: monaco.languages.CompletionItemKind.Value,
  dateLiteral: monaco.languages.CompletionItemKind.Constant,
  operator: monaco.languages.CompletionItemKind.Operator,
  keyword: monaco.languages.CompletionItemKind.Keyword,
  function: monaco.languages.CompletionItemKind.Function,
});

/** The live link between editor models and the org schema they complete against. */
export type SoqlLanguage = {
  /** Says which org's catalog a model completes and checks against (null: no org, keywords only). */
  bindCatalog: (model: Monaco.editor.ITextModel, catalog: SchemaCatalog | null) => void;
  /** Recomputes a model's diagnostics now and sets its markers. */
  validate: (model: Monaco.editor.ITextModel) => Promise<SoqlDiagnostic[]>;
  dispose: () => void;
};

const lived = new WeakMap<MonacoApi, SoqlLanguage>();

/**
 * Registers SOQL in Monaco once per Monaco instance: highlighting, completion, formatting (soql-parser-js), and quick fixes
 * for near-miss names. Diagnostics are set as markers by `validate` (the editor calls it, debounced, while typing).
 */
export function registerSoqlLanguage(monaco: MonacoApi): SoqlLanguage {
  const existing = lived.get(monaco);
  if (existing !== undefined) return existing;
  const catalogs = new Map<string, SchemaCatalog | null>();
  const diagnostics = new Map<string, SoqlDiagnostic[]>();
  const kinds = kindMap(monaco);
  const disposables: Monaco.IDisposable[] = [];

  monaco.languages.register({ id: SOQL_LANGUAGE_ID, aliases: ['SOQL', 'soql'] });
  disposables.push(monaco.languages.setMonarchTokensProvider(SOQL_LANGUAGE_ID, soqlMonarch));
  disposables.push(
    monaco.languages.setLanguageConfiguration(SOQL_LANGUAGE_ID, {
      brackets: [['(', ')']],
      autoClosingPairs: [
        { open: '(', close: ')' },
        { open: "'", close: "'", notIn: ['string'] },
      ],
      surroundingPairs: [
        { open: '(', close: ')' },
        { open: "'", close: "'" },
      ],
      wordPattern: /[A-Za-z_][\w]*/,
    }),
  );

  disposables.push(
    monaco.languages.registerCompletionItemProvider(SOQL_LANGUAGE_ID, {
      triggerCharacters: ['.', ' ', '(', ',', "'", '='],
      async provideCompletionItems(model, position) {
        const catalog = catalogs.get(model.uri.toString()) ?? null;
        const text = model.getValue();
        const offset = model.getOffsetAt(position);
        const statement = statementAt(text, offset) ?? { text: '', start: offset };
        const local = offset - statement.start;
        const items = await completeSoql(statement.text, local, catalog ?? emptyCatalog);
        const suggestions = items.map((item): Monaco.languages.CompletionItem => {
          const start = model.getPositionAt(statement.start + item.replaceStart);
          const end = model.getPositionAt(statement.start + item.replaceEnd);
          const range = new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
          const suggestion: Monaco.languages.CompletionItem = {
            label: { label: item.label, description: item.detail },
            kind: kinds[item.kind],
            insertText: item.insertText,
            filterText: item.kind === 'picklist' ? item.insertText : item.label,
            sortText: item.sortText,
            detail: item.detail,
            range,
          };
          if (item.snippet) suggestion.insertTextRules = monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet;
          if (item.retrigger) suggestion.command = { id: 'editor.action.triggerSuggest', title: 'Suggest' };
          return suggestion;
        });
        return { suggestions };
      },
    }),
  );

  disposables.push(
    monaco.languages.registerDocumentFormattingEditProvider(SOQL_LANGUAGE_ID, {
      provideDocumentFormattingEdits(model) {
        return formatStatements(model.getValue(), formatSoql).map((edit) => {
          const start = model.getPositionAt(edit.start);
          const end = model.getPositionAt(edit.end);
          return { range: new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column), text: edit.text };
        });
      },
    }),
  );

  disposables.push(
    monaco.languages.registerCodeActionProvider(SOQL_LANGUAGE_ID, {
      provideCodeActions(model, range) {
        const actions: Monaco.languages.CodeAction[] = [];
        for (const d of diagnostics.get(model.uri.toString()) ?? []) {
          if (d.suggestion === undefined) continue;
          const start = model.getPositionAt(d.start);
          const end = model.getPositionAt(d.end);
          const where = new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
          if (!monaco.Range.areIntersectingOrTouching(where, range)) continue;
          const marker = model.getVersionId();
          actions.push({
            title: `Change to '${d.suggestion}'`,
            kind: 'quickfix',
            isPreferred: true,
            diagnostics: [toMarker(monaco, model, d)],
            edit: { edits: [{ resource: model.uri, textEdit: { range: where, text: d.suggestion }, versionId: marker }] },
          });
        }
        return { actions, dispose: () => undefined };
      },
    }),
  );

  const language: SoqlLanguage = {
    bindCatalog(model, catalog) {
      catalogs.set(model.uri.toString(), catalog);
    },
    async validate(model) {
      const catalog = catalogs.get(model.uri.toString()) ?? emptyCatalog;
      const version = model.getVersionId();
      const found: SoqlDiagnostic[] = [];
      for (const statement of statementsOf(model.getValue())) {
        for (const d of await diagnoseSoql(statement.text, catalog)) found.push({ ...d, start: d.start + statement.start, end: d.end + statement.start });
      }
      if (model.isDisposed() || model.getVersionId() !== version) return found;
      diagnostics.set(model.uri.toString(), found);
      monaco.editor.setModelMarkers(model, SOQL_MARKER_OWNER, found.map((d) => toMarker(monaco, model, d)));
      return found;
    },
    dispose() {
      for (const d of disposables) d.dispose();
      lived.delete(monaco);
    },
  };
  lived.set(monaco, language);
  return language;
}

function toMarker(monaco: MonacoApi, model: Monaco.editor.ITextModel, d: SoqlDiagnostic): Monaco.editor.IMarkerData {
  const start = model.getPositionAt(d.start);
  const end = model.getPositionAt(Math.max(d.end, d.start + 1));
  return {
    severity: d.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
    message: d.message,
    code: d.code,
    source: 'SOQL',
    startLineNumber: start.lineNumber,
    startColumn: start.column,
    endLineNumber: end.lineNumber,
    endColumn: end.column,
  };
}

/** Places the error Salesforce returned (1-based row and column inside the statement that ran) as a marker. */
export function setServerMarker(
  monaco: MonacoApi,
  model: Monaco.editor.ITextModel,
  error: { message: string; row?: number | undefined; column?: number | undefined } | null,
  statementStart: number,
): void {
  if (error === null) {
    monaco.editor.setModelMarkers(model, SERVER_MARKER_OWNER, []);
    return;
  }
  const origin = model.getPositionAt(statementStart);
  const row = error.row ?? 1;
  const line = origin.lineNumber + row - 1;
  const column = (row === 1 ? origin.column - 1 : 0) + (error.column ?? 1);
  const word = model.getWordAtPosition({ lineNumber: line, column });
  const message = error.message.replace(/^[\s\S]*ERROR at Row:\d+:Column:\d+\n/, '');
  monaco.editor.setModelMarkers(model, SERVER_MARKER_OWNER, [
    {
      severity: monaco.MarkerSeverity.Error,
      message: `Salesforce: ${message}`,
      source: 'Salesforce',
      startLineNumber: line,
      startColumn: word?.startColumn ?? column,
      endLineNumber: line,
      endColumn: word?.endColumn ?? column + 1,
    },
  ]);
}

const emptyCatalog: SchemaCatalog = { objects: () => Promise.resolve([]), describe: () => Promise.resolve(null) };
