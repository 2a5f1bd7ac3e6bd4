import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { CellValue, QueryProgress, QuerySort, ResultColumn } from '../../../../shared/ipc/contract';
import type { AppError } from '../../../../shared/ipc/result';
import { DataGrid } from '../../components/data-grid/data-grid';
import { FormulaSafeOption, protectedCellsText, useFormulaSafeExport } from '../../components/formula-safe-option';
import type { DateTimeFormatter } from '../../components/data-grid/date-time-text';
import type { CellRange, GridColumn } from '../../components/data-grid/grid-types';
import { invoke } from '../../lib/api';
import { soqlInList } from './soql-text';
import { useDateTimeDisplay } from './use-date-time-display';
import { useRowWindow } from './use-row-window';

const FILTER_DELAY_MS = 250;

const toGridColumns = (columns: ResultColumn[]): GridColumn[] => columns.map((c) => ({ id: c.path, header: c.path, kind: c.kind }));

/** The nested grid of one child subquery cell, fetched through `query:children`. */
function ChildGrid(props: {
  runId: string;
  rowIndex: number;
  column: string;
  sort: QuerySort[];
  filter: string;
  onOpenRecord: (id: string) => void;
  formatDateTime: DateTimeFormatter | undefined;
}): ReactNode {
  const { runId, rowIndex, column, sort, filter, onOpenRecord, formatDateTime } = props;
  const [state, setState] = useState<{ columns: GridColumn[]; rows: CellValue[][] } | { error: AppError } | null>(null);
  useEffect(() => {
    let live = true;
    void invoke('query:children', { runId, rowIndex, column, sort, filter }).then((result) => {
      if (!live) return;
      setState(result.ok ? { columns: toGridColumns(result.value.columns), rows: result.value.rows } : { error: result.error });
    });
    return () => {
      live = false;
    };
  }, [runId, rowIndex, column, sort, filter]);
  if (state === null) return <div className="slds-text-color_weak">Loading {column}…</div>;
  if ('error' in state) return <div className="slds-text-color_error">{state.error.message}</div>;
  return (
    <DataGrid
      ariaLabel={`${column} of row ${rowIndex + 1}`}
      columns={state.columns}
      rowCount={state.rows.length}
      getRow={(i) => state.rows[i]}
      onOpenRecord={onOpenRecord}
      formatDateTime={formatDateTime}
      rowHeight={26}
    />
  );
}

/** Export, copy-as-IN, filter and the result grid of one run; rows come from main a window at a time. */
export function ResultsPanel(props: { orgId: string | null; progress: QueryProgress; onError: (error: AppError) => void }): ReactNode {
  const { orgId, progress, onError } = props;
  const runId = progress.runId;
  const [sort, setSort] = useState<QuerySort[]>([]);
  const [filterInput, setFilterInput] = useState('');
  const [filter, setFilter] = useState('');
  const [range, setRange] = useState<CellRange | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const rows = useRowWindow(runId, progress.fetched, sort, filter, progress.state !== 'running');
  const columns = useMemo(() => toGridColumns(progress.columns), [progress.columns]);
  const dateTimes = useDateTimeDisplay();
  const [formulaSafe, setFormulaSafe] = useFormulaSafeExport();

  useEffect(() => {
    setSort([]);
    setFilterInput('');
    setFilter('');
    setRange(null);
    setNotice(null);
  }, [runId]);
  useEffect(() => {
    const timer = setTimeout(() => setFilter(filterInput.trim()), FILTER_DELAY_MS);
    return () => clearTimeout(timer);
  }, [filterInput]);

  const openRecord = useCallback(
    (recordId: string) => {
      if (orgId === null) return;
      void invoke('query:record-url', { orgId, recordId }).then((result) => {
        if (result.ok) window.open(result.value.url, '_blank', 'noopener,noreferrer');
        else onError(result.error);
      });
    },
    [orgId, onError],
  );

  const exportAs = async (format: 'csv' | 'json'): Promise<void> => {
    setExporting(true);
    const result = await invoke('query:export', format === 'csv' ? { runId, format, formulaSafe } : { runId, format });
    setExporting(false);
    if (!result.ok) {
      if (result.error.code !== 'CANCELLED') onError(result.error);
      return;
    }
    setNotice(`Exported ${result.value.rows.toLocaleString()} rows to ${result.value.files.join(', ')}${protectedCellsText(format === 'csv' && formulaSafe, result.value.protectedCells)}`);
  };

  const copyInList = async (): Promise<void> => {
    if (range === null || range.columns.length !== 1) return;
    const column = progress.columns.findIndex((c) => c.path === range.columns[0]);
    const fetched = await rows.fetchRows(range.firstRow, range.lastRow - range.firstRow + 1);
    const list = soqlInList(fetched.map((row) => row[column]));
    await navigator.clipboard.writeText(list);
    setNotice(`Copied ${list === '()' ? 0 : list.split("', '").length} values as a SOQL IN list`);
  };

  const renderChildren = useCallback(
    (rowIndex: number, column: string) => (
      <ChildGrid runId={runId} rowIndex={rowIndex} column={column} sort={sort} filter={filter} onOpenRecord={openRecord} formatDateTime={dateTimes.format} />
    ),
    [runId, sort, filter, openRecord, dateTimes.format],
  );

  const matchedText = filter === '' ? `${rows.rowCount.toLocaleString()} rows` : `${rows.rowCount.toLocaleString()} of ${progress.fetched.toLocaleString()} rows match`;

  return (
    <div className="orgdesk-results">
      <div className="orgdesk-results__bar">
        <div className="slds-form-element orgdesk-results__filter">
          <div className="slds-form-element__control">
            <input
              className="slds-input"
              type="search"
              placeholder="Filter rows (searched in main)"
              aria-label="Filter rows"
              value={filterInput}
              onChange={(event) => setFilterInput(event.target.value)}
            />
          </div>
        </div>
        <span className="slds-text-color_weak orgdesk-results__count" aria-live="polite">
          {matchedText}
        </span>
        <label
          className="orgdesk-toggle"
          title={`Date-times are shown in your time zone (${dateTimes.timeZone}); hover a cell for the value as Salesforce returned it. Copies and exports always keep that value.`}
        >
          <input type="checkbox" checked={dateTimes.raw} onChange={(event) => dateTimes.setRaw(event.target.checked)} /> Raw date-times
        </label>
        <FormulaSafeOption checked={formulaSafe} onChange={setFormulaSafe} />
        <div className="slds-button-group" role="group">
          <button type="button" className="slds-button slds-button_neutral" disabled={exporting || progress.state === 'running'} onClick={() => void exportAs('csv')}>
            Export CSV
          </button>
          <button type="button" className="slds-button slds-button_neutral" disabled={exporting || progress.state === 'running'} onClick={() => void exportAs('json')}>
            Export JSON
          </button>
          <button
            type="button"
            className="slds-button slds-button_neutral"
            disabled={range === null || range.columns.length !== 1}
            title="Select cells of one column (an Id column), then copy them as ('id1', 'id2', …)"
            onClick={() => void copyInList()}
          >
            Copy as IN (…)
          </button>
        </div>
      </div>
      {notice === null ? null : (
        <div className="orgdesk-results__notice slds-text-body_small" role="status">
          {notice}
          <button type="button" className="slds-button slds-m-left_small" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      )}
      <div className="orgdesk-results__grid">
        <DataGrid
          key={runId}
          ariaLabel="Query results"
          columns={columns}
          rowCount={rows.rowCount}
          getRow={rows.getRow}
          onVisibleRangeChange={rows.setVisibleRange}
          fetchRows={rows.fetchRows}
          sort={sort}
          onSortChange={setSort}
          onOpenRecord={openRecord}
          renderChildren={renderChildren}
          onSelectionChange={setRange}
          onCopied={(n) => setNotice(`Copied ${n.toLocaleString()} rows as TSV`)}
          formatDateTime={dateTimes.format}
        />
      </div>
    </div>
  );
}
