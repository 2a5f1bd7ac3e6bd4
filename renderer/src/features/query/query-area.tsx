import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ExplainPlan, QueryError } from '../../../../shared/ipc/contract';
import { invoke } from '../../lib/api';
import { useActiveOrg } from '../../lib/active-org';
import { useShowError } from '../../lib/app-errors';
import { useStoredFlag } from '../../lib/use-stored-flag';
import { createDescribeCache } from './describe-cache';
import { ExplainTable } from './explain-table';
import { LibraryPanel } from './library-panel';
import type { RunRequest, SoqlEditorHandle } from './monaco/soql-editor';
import { ObjectExplorer } from './object-explorer';
import { ResultsPanel } from './results-panel';
import { mainObjectOf, statementAt } from './soql-text';
import { useEditorTabs } from './use-editor-tabs';
import { useQueryRun } from './use-query-run';
import { useWorkbenchRequest } from './workbench-link';
import './query-area.css';

// Monaco is large: load it with the first editor, not with the shell.
const SoqlEditor = lazy(async () => ({ default: (await import('./monaco/soql-editor')).SoqlEditor }));

/** The SOQL workbench: editor tabs, run/queryAll/Bulk, progress with Cancel, explain plan, result grid, history and saved queries. */
export function QueryArea(): ReactNode {
  const { activeOrgId, activeOrg } = useActiveOrg();
  const showError = useShowError();
  const cache = useMemo(() => createDescribeCache(invoke, showError), [showError]);
  const catalog = useMemo(() => (activeOrgId === null ? null : cache.catalogFor(activeOrgId)), [cache, activeOrgId]);
  const tabs = useEditorTabs(showError);
  const run = useQueryRun(activeOrgId);
  const [includeDeleted, setIncludeDeleted] = useState(false);
  const [bulk, setBulk] = useState(false);
  const [explain, setExplain] = useState<ExplainPlan[] | null>(null);
  const [libraryOpen, setLibraryOpen] = useState(false);
  const [explorerOpen, setExplorerOpen] = useStoredFlag('query.explorerOpen', false);
  // The FROM object of the statement under the cursor, once the editor has told it (undefined: not told yet).
  const [cursorObject, setCursorObject] = useState<string | null | undefined>(undefined);
  const [runTab, setRunTab] = useState<{ tabId: string; start: number } | null>(null);
  const [historyVersion, setHistoryVersion] = useState(0);
  const editor = useRef<SoqlEditorHandle | null>(null);
  const active = tabs.tabs.find((t) => t.id === tabs.activeId) ?? null;
  const activeId = active?.id;
  useEffect(() => setCursorObject(undefined), [activeId]);
  const explorerObject = cursorObject !== undefined ? cursorObject : mainObjectOf(active?.soql ?? '');

  // A query handed over by another area (Events' re-query of gap records) opens in a new tab and runs at once.
  const { request, done } = useWorkbenchRequest();
  const { loaded, add } = tabs;
  const runQuery = run.run;
  useEffect(() => {
    if (request === null || !loaded || activeOrgId === null) return;
    done(request.id);
    add(request.soql);
    setExplain(null);
    setRunTab(null);
    void runQuery(request.soql, { includeDeleted: false, bulk: false });
  }, [request, loaded, activeOrgId, done, add, runQuery]);

  const statementToRun = useCallback((): RunRequest | null => {
    const fromEditor = editor.current?.currentStatement() ?? null;
    if (fromEditor !== null) return fromEditor;
    const statement = active === null ? null : statementAt(active.soql, 0);
    return statement === null ? null : { soql: statement.text, start: statement.start };
  }, [active]);

  const start = useCallback(
    (request: RunRequest | null) => {
      if (request === null || active === null) return;
      // The suggestion popup belongs to the typing that came before: a run closes it.
      editor.current?.closeWidgets();
      setExplain(null);
      setRunTab({ tabId: active.id, start: request.start });
      const object = mainObjectOf(request.soql);
      if (object !== null && /^Query \d+$/.test(active.title)) tabs.update(active.id, { title: object });
      void run.run(request.soql, { includeDeleted, bulk });
    },
    [active, includeDeleted, bulk, run, tabs],
  );

  const explainPlan = async (): Promise<void> => {
    const request = statementToRun();
    if (request === null || activeOrgId === null) return;
    const result = await invoke('query:explain', { orgId: activeOrgId, soql: request.soql });
    if (result.ok) setExplain(result.value.plans);
    else showError(result.error);
  };

  const progress = run.progress;
  const finished = progress !== null && progress.state !== 'running';
  useEffect(() => {
    if (finished) setHistoryVersion((v) => v + 1);
  }, [finished, progress?.runId]);

  const runError: QueryError | null = run.startError ?? progress?.error ?? null;
  const serverError = useMemo(
    () =>
      runError !== null && runTab !== null && runTab.tabId === activeId && runError.code !== 'CANCELLED'
        ? { message: runError.message, row: runError.row, column: runError.column, statementStart: runTab.start }
        : null,
    [runError, runTab, activeId],
  );
  const running = run.starting || progress?.state === 'running';
  const percent = progress === null || progress.totalSize === 0 ? 0 : Math.min(100, Math.round((progress.fetched / progress.totalSize) * 100));

  return (
    <div className="orgdesk-query">
      {explorerOpen ? (
        <ObjectExplorer catalog={catalog} objectName={explorerObject} onInsert={(text) => editor.current?.insert(text)} onClose={() => setExplorerOpen(false)} />
      ) : null}
      <div className="orgdesk-query__main">
        <div className="orgdesk-query__tabs" role="toolbar" aria-label="Query tabs">
          {tabs.tabs.map((tab) => (
            <div key={tab.id} className={`orgdesk-query__tab${tab.id === tabs.activeId ? ' orgdesk-query__tab_active' : ''}`}>
              <button type="button" aria-pressed={tab.id === tabs.activeId} className="orgdesk-query__tab-title" onClick={() => tabs.select(tab.id)}>
                {tab.title}
              </button>
              <button type="button" className="orgdesk-query__tab-close" aria-label={`Close ${tab.title}`} title="Close tab" onClick={() => tabs.close(tab.id)}>
                ×
              </button>
            </div>
          ))}
          <button type="button" className="orgdesk-query__tab-add" aria-label="New query tab" title="New query tab" onClick={() => tabs.add()}>
            +
          </button>
        </div>
        <div className="orgdesk-query__editor">
          {active === null ? null : (
            <Suspense fallback={<div className="slds-p-around_small slds-text-color_weak">Loading the editor…</div>}>
              <SoqlEditor
                path={`orgdesk-query-${active.id}.soql`}
                value={active.soql}
                onChange={(soql) => tabs.update(active.id, { soql })}
                catalog={catalog}
                onRun={start}
                serverError={serverError}
                onReady={(handle) => {
                  editor.current = handle;
                }}
                onCursorStatement={(statement) => setCursorObject(statement === null ? null : mainObjectOf(statement))}
              />
            </Suspense>
          )}
        </div>
        <div className="orgdesk-query__toolbar">
          <button type="button" className="slds-button slds-button_brand" disabled={running || activeOrgId === null} onClick={() => start(statementToRun())} title="Run the statement under the cursor (Ctrl/Cmd+Enter)">
            ▶ Run
          </button>
          <label className="orgdesk-toggle" title="queryAll: include deleted and archived records">
            <input type="checkbox" checked={includeDeleted} onChange={(e) => setIncludeDeleted(e.target.checked)} /> Include deleted
          </label>
          <label className="orgdesk-toggle" title="Run as a Bulk API 2.0 query job (large results; no subqueries)">
            <input type="checkbox" checked={bulk} onChange={(e) => setBulk(e.target.checked)} /> Bulk API
          </label>
          <button type="button" className="slds-button slds-button_neutral" disabled={activeOrgId === null} onClick={() => void explainPlan()}>
            Explain
          </button>
          <button type="button" className="slds-button slds-button_neutral" onClick={() => editor.current?.format()} title="Format (Shift+Alt+F)">
            Format
          </button>
          <button type="button" className="slds-button slds-button_neutral" disabled={catalog === null} onClick={() => catalog?.refresh()} title="Fetch the org's objects and fields again">
            Refresh schema
          </button>
          <button
            type="button"
            className={`slds-button ${explorerOpen ? 'slds-button_brand' : 'slds-button_neutral'}`}
            aria-pressed={explorerOpen}
            onClick={() => setExplorerOpen(!explorerOpen)}
            title="Show the fields of the FROM object (type, label, picklist values); a click inserts a name at the cursor"
          >
            Fields
          </button>
          <button type="button" className={`slds-button ${libraryOpen ? 'slds-button_brand' : 'slds-button_neutral'}`} aria-pressed={libraryOpen} onClick={() => setLibraryOpen((o) => !o)}>
            History &amp; saved
          </button>
          <div className="orgdesk-query__status" aria-live="polite">
            {activeOrg === null ? <span className="slds-text-color_weak">Select an org to run queries.</span> : null}
            {progress === null ? null : (
              <>
                <div className="slds-progress-bar slds-progress-bar_small orgdesk-query__progress" role="progressbar" aria-label="Rows fetched" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
                  <span className={`slds-progress-bar__value${progress.state === 'failed' ? ' orgdesk-progress_failed' : ''}`} style={{ width: `${progress.state === 'done' ? 100 : percent}%` }} />
                </div>
                <span className="slds-text-body_small">
                  {progress.fetched.toLocaleString()} / {progress.totalSize.toLocaleString()} rows · {(progress.durationMs / 1000).toFixed(1)} s · {progress.source === 'bulk' ? 'Bulk API' : 'REST'}
                  {progress.state === 'cancelled' ? ' · cancelled' : ''}
                </span>
              </>
            )}
            {running ? (
              <button type="button" className="slds-button slds-button_destructive" onClick={() => void run.cancel()}>
                Cancel
              </button>
            ) : null}
          </div>
        </div>
        {runError === null || runError.code === 'CANCELLED' ? null : (
          <div className="slds-notify slds-notify_alert slds-alert_error orgdesk-query__error" role="alert">
            <span>
              <strong>{runError.message.replace(/^[\s\S]*ERROR at Row:\d+:Column:\d+\n/, '')}</strong>
              {runError.hint === undefined ? null : <span className="slds-m-left_x-small">{runError.hint}</span>}
            </span>
          </div>
        )}
        {explain === null ? null : <ExplainTable plans={explain} onClose={() => setExplain(null)} />}
        <div className="orgdesk-query__results">
          {progress === null ? (
            <div className="orgdesk-query__empty slds-text-color_weak">Run a query to see its rows here. Ctrl/Cmd+Enter runs the statement under the cursor.</div>
          ) : (
            <ResultsPanel orgId={activeOrgId} progress={progress} onError={showError} />
          )}
        </div>
      </div>
      {libraryOpen ? (
        <LibraryPanel
          orgId={activeOrgId}
          onError={showError}
          historyVersion={historyVersion}
          currentSoql={() => statementToRun()?.soql ?? null}
          onPick={(soql) => (active !== null && active.soql.trim() === '' ? tabs.update(active.id, { soql }) : tabs.add(soql))}
        />
      ) : null}
    </div>
  );
}
