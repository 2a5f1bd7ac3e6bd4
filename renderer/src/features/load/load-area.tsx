import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import type { LoadOptions, LoadSummary } from '../../../../shared/ipc/contract';
import { InlineError } from '../../components/inline-error';
import { useActiveOrg } from '../../lib/active-org';
import { invoke } from '../../lib/api';
import { useShowError } from '../../lib/app-errors';
import { DropZone } from './drop-zone';
import { FileSummary } from './file-summary';
import { LoadHistory } from './load-history';
import { UndoDialog } from './undo-dialog';
import { LoadProgressView } from './load-progress';
import { LoadResults } from './load-results';
import { countOf, formatCount } from './load-text';
import { ResultFolderField, useResultFolder } from './result-folder';
import { MappingEditor } from './mapping-editor';
import { PlanEditor } from './plan-editor';
import { CapacityView, PreflightChecking, PreflightReportView } from './preflight-report';
import { useLoadFile } from './use-load-file';
import { useLoadHistory } from './use-load-history';
import { planOf, useLoadPlan } from './use-load-plan';
import { useLoadRun } from './use-load-run';
import { usePreflight } from './use-preflight';
import './load-area.css';

/** One step of the Load area, as an SLDS card. */
function Step({ number, title, children, actions }: { number: number; title: string; children: ReactNode; actions?: ReactNode }): ReactNode {
  return (
    <article className="slds-card orgdesk-load-step" aria-label={title}>
      <div className="slds-card__header slds-grid">
        <header className="slds-media slds-media_center slds-has-flexi-truncate">
          <div className="slds-media__figure">
            <span className="orgdesk-load-step__number" aria-hidden="true">
              {number}
            </span>
          </div>
          <div className="slds-media__body">
            <h2 className="slds-card__header-title slds-text-heading_small">{title}</h2>
          </div>
        </header>
        {actions === undefined ? null : <div className="slds-no-flex">{actions}</div>}
      </div>
      <div className="slds-card__body slds-card__body_inner">{children}</div>
    </article>
  );
}

/**
 * The Load area: drop a CSV (or choose one), read what main found in it, map it to an object's fields, check the whole file
 * before any API call, load it with Bulk API 2.0 while watching progress, then read the result files whose counts add up to
 * the input. The history on the side lists past loads and resumes interrupted ones.
 */
export function LoadArea(): ReactNode {
  const { activeOrgId, activeOrg } = useActiveOrg();
  const showError = useShowError();
  const history = useLoadHistory();
  const run = useLoadRun(() => void history.refresh());
  const running = run.loadId !== null && run.summary === null;
  // The file a load still reads stays open when another is dropped (main removes an upload once its load is done).
  const runningFile = useRef<string | null>(null);
  const file = useLoadFile((fileId) => running && fileId === runningFile.current);
  const plan = useLoadPlan(activeOrgId, file.file);
  const [concurrency, setConcurrency] = useState(2);
  const [groupByParent, setGroupByParent] = useState(true);
  const [beforeImage, setBeforeImage] = useState(true);
  const [undoing, setUndoing] = useState<LoadSummary | null>(null);
  const resultFolder = useResultFolder();
  const outputFolder = resultFolder.folder?.ref;
  const options = useMemo<LoadOptions>(
    () => ({
      excludeInvalid: true,
      concurrency,
      ...(groupByParent ? {} : { groupByParent: false }),
      ...(outputFolder === undefined ? {} : { outputFolder }),
      ...(beforeImage ? {} : { beforeImage: false }),
    }),
    [concurrency, groupByParent, outputFolder, beforeImage],
  );
  const ready = planOf(plan);
  // The plan is rebuilt each render; its JSON says when it really changed (the pre-flight report is for one plan).
  const readyKey = JSON.stringify(ready);
  const [stablePlan, setStablePlan] = useState(ready);
  if (JSON.stringify(stablePlan) !== readyKey) setStablePlan(ready);
  const preflight = usePreflight(activeOrgId, file.file?.fileId ?? null, stablePlan, options);
  const [retrying, setRetrying] = useState(false);

  const report = preflight.stale ? null : preflight.report;
  // Loading the same file twice would insert its rows twice: once its load ran, it needs "New load" to be offered again.
  const alreadyLoaded = run.loadId !== null && file.file !== null && runningFile.current === file.file.fileId;
  const canLoad = report !== null && !preflight.checking && report.validRows > 0 && (preflight.capacity?.fits ?? true) && !running && !alreadyLoaded;

  const start = useCallback(() => {
    if (activeOrgId === null || file.file === null || stablePlan === null || report === null) return;
    runningFile.current = file.file.fileId;
    void run.start({ orgId: activeOrgId, fileId: file.file.fileId, plan: stablePlan, options: { ...options, excludeInvalid: report.invalidRows > 0 } });
  }, [activeOrgId, file.file, stablePlan, report, options, run]);

  const retryFailed = useCallback(async () => {
    const loadId = run.summary?.loadId;
    if (loadId === undefined) return;
    setRetrying(true);
    const result = await invoke('load:retry-failed', { loadId });
    setRetrying(false);
    if (!result.ok) {
      showError(result.error);
      return;
    }
    file.adopt(result.value.file);
    plan.adopt(result.value.plan);
    run.clear();
  }, [run, file, plan, showError]);

  if (activeOrgId === null) {
    return (
      <div className="orgdesk-load">
        <div className="orgdesk-load__main">
          <h1 className="slds-text-heading_medium">Load</h1>
          <p className="slds-m-top_small slds-text-color_weak">Pick or add an org in the header to load a CSV into it.</p>
        </div>
      </div>
    );
  }

  // Only bytes that break UTF-8 get the offer: a UTF-16 or binary file is not Windows-1252 either.
  const encodingOffer = file.error !== null && file.error.code === 'VALIDATION' && /not valid UTF-8/i.test(file.error.message);

  return (
    <div className="orgdesk-load">
      <div className="orgdesk-load__main">
        <div>
          <h1 className="slds-text-heading_medium">Load</h1>
          <p className="slds-text-color_weak">
            Insert, update, upsert or delete {activeOrg === null ? '' : `${activeOrg.label} `}records from a CSV file with Bulk API 2.0: every row ends up in
            exactly one result file.
          </p>
        </div>

        <Step number={1} title={file.file === null ? 'File' : `File: ${file.file.name}`}>
          <DropZone sending={file.sending} busy={file.opening || running} onFile={(dropped) => void file.open(dropped)} />
          {file.opening && file.sending === null ? <p className="slds-text-body_small slds-m-top_x-small">Reading the whole file…</p> : null}
          {file.error === null ? null : (
            <div className="slds-m-top_small">
              <InlineError error={{ ...file.error, message: `${file.failedName ?? 'The file'}: ${file.error.message}` }} />
              {encodingOffer ? (
                <div className="slds-m-top_x-small orgdesk-load-row">
                  <button type="button" className="slds-button slds-button_neutral" onClick={() => void file.reopenAs('windows-1252')}>
                    Read it as Windows-1252
                  </button>
                  <button type="button" className="slds-button slds-button_neutral" onClick={() => void file.reopenAs('iso-8859-1')}>
                    Read it as ISO-8859-1
                  </button>
                </div>
              ) : null}
            </div>
          )}
          {file.file === null ? null : (
            <div className="slds-m-top_small">
              <FileSummary file={file.file} />
            </div>
          )}
        </Step>

        {file.file === null ? null : (
          <Step number={2} title="Object and mapping">
            <PlanEditor plan={plan} disabled={running} />
            {plan.error === null ? null : <InlineError className="slds-m-top_small" error={plan.error} />}
            {plan.busy ? <p className="slds-text-body_small slds-m-top_small">Reading the object's fields…</p> : null}
            {plan.object === null || plan.busy ? null : (
              <div className="slds-m-top_medium">
                <MappingEditor
                  headers={file.file.headers}
                  sample={file.file.preview[0]}
                  object={plan.object}
                  operation={plan.operation}
                  mappings={plan.mappings}
                  origin={plan.origin}
                  actions={plan}
                  disabled={running}
                />
              </div>
            )}
          </Step>
        )}

        {file.file === null || stablePlan === null ? null : (
          <Step
            number={3}
            title="Pre-flight check"
            actions={
              <button type="button" className="slds-button slds-button_neutral" disabled={preflight.checking || running} onClick={() => void preflight.check()}>
                {preflight.report === null ? 'Check the whole file' : 'Re-check'}
              </button>
            }
          >
            {preflight.checking ? <PreflightChecking progress={preflight.progress} rowCount={file.file.rowCount} /> : null}
            {preflight.error === null ? null : <InlineError error={preflight.error} />}
            {preflight.stale ? (
              <p className="slds-text-body_small slds-text-color_weak" role="status">
                The plan changed since the last check: check the file again before loading.
              </p>
            ) : null}
            {!preflight.checking && preflight.report === null && preflight.error === null ? (
              <p className="slds-text-body_small slds-text-color_weak">
                Every row and mapped field is checked against the object (required fields, types, dates, ids, lengths, picklists,
                duplicate keys) before anything is sent to the org.
              </p>
            ) : null}
            {report === null ? null : (
              <>
                <PreflightReportView report={report} />
                {preflight.capacity === null ? null : <CapacityView capacity={preflight.capacity} />}
                <div className="orgdesk-load-row orgdesk-load-start slds-m-top_medium">
                  <ResultFolderField state={resultFolder} disabled={running} />
                  <div className="slds-form-element">
                    <label className="slds-form-element__label" htmlFor="orgdesk-load-concurrency">
                      Jobs at once
                    </label>
                    <div className="slds-form-element__control">
                      <input
                        id="orgdesk-load-concurrency"
                        className="slds-input orgdesk-load-start__concurrency"
                        type="number"
                        min={1}
                        max={10}
                        value={concurrency}
                        disabled={running}
                        onChange={(event) => setConcurrency(Math.min(10, Math.max(1, Number(event.target.value) || 1)))}
                      />
                    </div>
                  </div>
                  <div className="slds-form-element">
                    <div className="slds-form-element__control">
                      <div className="slds-checkbox">
                        <input
                          type="checkbox"
                          id="orgdesk-load-group-by-parent"
                          checked={groupByParent}
                          disabled={running}
                          onChange={(event) => setGroupByParent(event.target.checked)}
                        />
                        <label className="slds-checkbox__label" htmlFor="orgdesk-load-group-by-parent" title="Rows of one parent record (a Contact's Account, a master-detail's master) go in the same job, so parallel jobs don't fail rows with UNABLE_TO_LOCK_ROW">
                          <span className="slds-checkbox_faux" />
                          <span className="slds-form-element__label">Group rows by parent record</span>
                        </label>
                      </div>
                    </div>
                  </div>
                  {stablePlan !== null && stablePlan.operation !== 'insert' ? (
                    <div className="slds-form-element">
                      <label className="slds-checkbox" title="Keeps the records' values before the load so it can be undone">
                        <input type="checkbox" checked={beforeImage} disabled={running} onChange={(event) => setBeforeImage(event.target.checked)} /> Keep a before-image (undo)
                      </label>
                      {stablePlan.operation === 'hardDelete' && beforeImage ? (
                        <p className="slds-text-body_small slds-text-color_weak">Undoing a hard delete inserts the records again as new records, with new ids.</p>
                      ) : null}
                      {beforeImage ? null : <p className="slds-text-body_small slds-text-color_weak">Without it this load cannot be undone.</p>}
                    </div>
                  ) : null}
                  {alreadyLoaded && !running ? (
                    <p className="slds-text-body_small slds-text-color_weak" role="status">
                      This file was loaded: its results are below. Choose &ldquo;New load&rdquo; to load it again.
                    </p>
                  ) : null}
                  <button type="button" className="slds-button slds-button_brand" disabled={!canLoad || run.starting} onClick={start}>
                    {report.invalidRows === 0
                      ? `Load ${countOf(report.validRows, 'row')}`
                      : `Load anyway: ${countOf(report.validRows, 'valid row')} (exclude ${formatCount(report.invalidRows)} invalid)`}
                  </button>
                </div>
              </>
            )}
          </Step>
        )}

        {run.loadId === null && run.error === null ? null : (
          <Step number={4} title={run.summary === null ? 'Loading' : 'Results'}>
            {run.error === null ? null : <InlineError className="slds-m-bottom_small" error={run.error} />}
            {run.summary !== null ? (
              <LoadResults summary={run.summary} busy={retrying} onRetryFailed={() => void retryFailed()} onNewLoad={() => {
                  runningFile.current = null;
                  run.clear();
                }} />
            ) : run.loadId !== null ? (
              <LoadProgressView progress={run.progress} samples={run.samples} cancelling={run.cancelling} onCancel={() => void run.cancel()} />
            ) : null}
          </Step>
        )}
      </div>

      <aside className="orgdesk-load__side">
        <article className="slds-card" aria-label="Load history">
          <div className="slds-card__header slds-grid">
            <header className="slds-media slds-media_center slds-has-flexi-truncate">
              <h2 className="slds-card__header-title slds-text-heading_small">History</h2>
            </header>
            <button type="button" className="slds-button slds-button_neutral slds-button_small" onClick={() => void history.refresh()}>
              Refresh
            </button>
          </div>
          <div className="slds-card__body slds-card__body_inner">
            {history.error === null ? null : <InlineError error={history.error} />}
            <LoadHistory loads={history.loads} selectedId={run.loadId} busy={running || run.starting} onOpen={run.show} onResume={(loadId) => void run.resume(loadId)} onUndo={setUndoing} />
          </div>
        </article>
      </aside>
      {undoing === null ? null : (
        <UndoDialog
          load={undoing}
          onCancel={() => setUndoing(null)}
          onStarted={() => {
            const undone = undoing.loadId;
            setUndoing(null);
            void followUndo(undone, run.watch, history.refresh);
          }}
        />
      )}
    </div>
  );
}

/** Finds the first step load of an undo main just started (it appears in the history within moments) and follows it. */
async function followUndo(loadId: string, watch: (stepId: string) => void, refresh: () => Promise<void>): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt += 1) {
    const listed = await invoke('load:history', { limit: 25 });
    const step = listed.ok ? listed.value.find((load) => load.undoOf?.loadId === loadId && (load.state === 'running' || load.state === 'preparing')) : undefined;
    if (step !== undefined) {
      watch(step.loadId);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await refresh();
}
