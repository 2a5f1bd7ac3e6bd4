import {
  columnOrderingFeature,
  columnResizingFeature,
  columnSizingFeature,
  createColumnHelper,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Fragment, memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { cellToText, isRecordId, toTsv } from './cell-text';
import type { CellRange, GridCell, GridColumn, GridSort } from './grid-types';
import './data-grid.css';

const features = tableFeatures({ columnSizingFeature, columnResizingFeature, columnOrderingFeature });
type GridRow = { index: number };
const helper = createColumnHelper<typeof features, GridRow>();
const NO_ROWS: GridRow[] = [];

/** Props of the virtualized grid. It never holds rows itself: it asks `getRow` for the ones on screen. */
export type DataGridProps = {
  /** Columns in their natural order (the person may reorder and resize them). */
  columns: GridColumn[];
  /** How many rows there are now; grows while pages arrive. */
  rowCount: number;
  /** A loaded row's cells in `columns` order, or undefined while it is being fetched (a placeholder is drawn). */
  getRow: (index: number) => GridCell[] | undefined;
  /** Called with the first and last row index on screen whenever they change, so the owner can fetch that window. */
  onVisibleRangeChange?: (first: number, last: number) => void;
  /** Fetches rows for a copy that reaches beyond what is loaded; without it only loaded rows are copied. */
  fetchRows?: (first: number, count: number) => Promise<GridCell[][]>;
  /** The current sort; header clicks propose a new one (shift-click adds a key). */
  sort?: GridSort[];
  onSortChange?: (sort: GridSort[]) => void;
  /** Opens a record id (a link is drawn on id cells when given). */
  onOpenRecord?: (id: string) => void;
  /** Renders the nested grid of a child subquery cell, shown under its row when expanded. */
  renderChildren?: (rowIndex: number, columnId: string) => ReactNode;
  /** Reports the selected cell range (null when the selection is cleared). */
  onSelectionChange?: (range: CellRange | null) => void;
  /** Tells the copy that happened (for a toast); `rows` copied. */
  onCopied?: (rows: number) => void;
  rowHeight?: number;
  /** Height of an expanded child grid in pixels. */
  childrenHeight?: number;
  ariaLabel: string;
  className?: string;
};

type Anchor = { row: number; col: number };
type Selection = { anchor: Anchor; focus: Anchor };

const ROW_NUMBER_WIDTH = 64;

function headerLabel(column: GridColumn): string {
  return column.header;
}

/**
 * A virtualized result grid on TanStack Table (column model: sizing, resizing, ordering) and TanStack Virtual (rows):
 * sort through the owner, cell-range selection copied as TSV, record-id links, child subquery cells that expand into a
 * nested grid under their row, null and empty string drawn differently.
 */
export function DataGrid(props: DataGridProps): ReactNode {
  const { columns, rowCount, getRow, onVisibleRangeChange, sort = [], onSortChange, onOpenRecord, renderChildren } = props;
  const rowHeight = props.rowHeight ?? 28;
  const childrenHeight = props.childrenHeight ?? 240;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [expanded, setExpanded] = useState<ReadonlyMap<number, string>>(new Map());
  const [selection, setSelection] = useState<Selection | null>(null);
  const dragging = useRef(false);
  const [dragColumn, setDragColumn] = useState<string | null>(null);

  const columnDefs = useMemo(
    () =>
      helper.columns(
        columns.map((column) =>
          helper.display({ id: column.id, header: headerLabel(column), size: column.kind === 'children' ? 120 : 180, minSize: 60, maxSize: 1200 }),
        ),
      ),
    [columns],
  );
  const table = useTable({ features, columns: columnDefs, data: NO_ROWS, columnResizeMode: 'onChange' }, (state) => ({
    columnSizing: state.columnSizing,
    columnOrder: state.columnOrder,
    columnResizing: state.columnResizing,
  }));
  const leafColumns = table.getAllLeafColumns();
  const headers = table.getFlatHeaders();
  const indexById = useMemo(() => new Map(columns.map((c, i) => [c.id, i])), [columns]);
  const kindById = useMemo(() => new Map(columns.map((c) => [c.id, c.kind])), [columns]);
  const totalWidth = ROW_NUMBER_WIDTH + table.getTotalSize();

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => rowHeight + (expanded.has(index) ? childrenHeight : 0),
    overscan: 6,
  });
  useEffect(() => {
    virtualizer.measure();
  }, [expanded, virtualizer]);

  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (last >= first) onVisibleRangeChange?.(first, last);
  }, [first, last, onVisibleRangeChange]);

  const rangeOf = useCallback(
    (sel: Selection): CellRange => {
      const [c0, c1] = [Math.min(sel.anchor.col, sel.focus.col), Math.max(sel.anchor.col, sel.focus.col)];
      return {
        firstRow: Math.min(sel.anchor.row, sel.focus.row),
        lastRow: Math.max(sel.anchor.row, sel.focus.row),
        columns: leafColumns.slice(c0, c1 + 1).map((c) => c.id),
      };
    },
    [leafColumns],
  );
  const range = selection === null ? null : rangeOf(selection);
  const { onSelectionChange } = props;
  // Reported by value: the range object is rebuilt on every render.
  const rangeKey = JSON.stringify(range);
  useEffect(() => {
    onSelectionChange?.(JSON.parse(rangeKey) as CellRange | null);
  }, [rangeKey, onSelectionChange]);

  const select = (row: number, col: number, event: MouseEvent): void => {
    if (event.button !== 0) return;
    if (event.shiftKey && selection !== null) setSelection({ anchor: selection.anchor, focus: { row, col } });
    else setSelection({ anchor: { row, col }, focus: { row, col } });
    dragging.current = true;
  };
  const extend = (row: number, col: number): void => {
    if (dragging.current && selection !== null) setSelection({ anchor: selection.anchor, focus: { row, col } });
  };
  useEffect(() => {
    const stop = (): void => {
      dragging.current = false;
    };
    window.addEventListener('mouseup', stop);
    return () => window.removeEventListener('mouseup', stop);
  }, []);

  const { fetchRows, onCopied } = props;
  const copy = async (): Promise<void> => {
    if (range === null) return;
    const count = range.lastRow - range.firstRow + 1;
    const loaded = Array.from({ length: count }, (_, i) => getRow(range.firstRow + i));
    const rows: (GridCell | undefined)[][] =
      loaded.every((row) => row !== undefined) || fetchRows === undefined ? loaded.map((row) => row ?? []) : await fetchRows(range.firstRow, count);
    const picks = range.columns.map((id) => indexById.get(id) ?? -1);
    const header = count > 1 || range.columns.length > 1 ? range.columns : null;
    const text = toTsv(header, rows.map((row) => picks.map((i) => row[i])));
    await navigator.clipboard.writeText(text);
    onCopied?.(count);
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'c') {
      event.preventDefault();
      void copy();
    } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      if (rowCount > 0) setSelection({ anchor: { row: 0, col: 0 }, focus: { row: rowCount - 1, col: leafColumns.length - 1 } });
    } else if (event.key === 'Escape') {
      setSelection(null);
    } else if (selection !== null && event.key.startsWith('Arrow')) {
      event.preventDefault();
      const d = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key] ?? [0, 0];
      const focus = {
        row: Math.min(rowCount - 1, Math.max(0, selection.focus.row + (d[0] ?? 0))),
        col: Math.min(leafColumns.length - 1, Math.max(0, selection.focus.col + (d[1] ?? 0))),
      };
      setSelection(event.shiftKey ? { anchor: selection.anchor, focus } : { anchor: focus, focus });
      virtualizer.scrollToIndex(focus.row);
    }
  };

  const toggleSort = (columnId: string, additive: boolean): void => {
    if (onSortChange === undefined) return;
    const current = sort.find((s) => s.column === columnId);
    const next: GridSort | null = current === undefined ? { column: columnId, descending: false } : current.descending ? null : { column: columnId, descending: true };
    const others = additive ? sort.filter((s) => s.column !== columnId) : [];
    onSortChange(next === null ? others : [...others, next]);
  };

  const moveColumn = (fromId: string, toId: string): void => {
    if (fromId === toId) return;
    const order = leafColumns.map((c) => c.id).filter((id) => id !== fromId);
    order.splice(order.indexOf(toId), 0, fromId);
    table.setColumnOrder(order);
  };

  const toggleExpanded = (row: number, columnId: string): void => {
    setExpanded((previous) => {
      const next = new Map(previous);
      if (next.get(row) === columnId) next.delete(row);
      else next.set(row, columnId);
      return next;
    });
  };

  const selRows = selection === null ? null : [Math.min(selection.anchor.row, selection.focus.row), Math.max(selection.anchor.row, selection.focus.row)];
  const selCols: [number, number] | null = selection === null ? null : [Math.min(selection.anchor.col, selection.focus.col), Math.max(selection.anchor.col, selection.focus.col)];

  // Handlers reach the memoized rows through one stable object, so a row re-renders only when its own data changes.
  const actionsRef = useRef<RowActions | null>(null);
  actionsRef.current = {
    mouseDown: select,
    mouseEnter: extend,
    toggle: toggleExpanded,
    open: onOpenRecord,
  };
  const actions = useMemo<RowActions>(
    () => ({
      mouseDown: (row, col, event) => actionsRef.current?.mouseDown(row, col, event),
      mouseEnter: (row, col) => actionsRef.current?.mouseEnter(row, col),
      toggle: (row, column) => actionsRef.current?.toggle(row, column),
      open: (id) => actionsRef.current?.open?.(id),
    }),
    [],
  );
  const sizing = table.state.columnSizing;
  const order = table.state.columnOrder;
  const layout = useMemo<CellLayout[]>(
    () => leafColumns.map((c) => ({ id: c.id, size: c.getSize(), dataIndex: indexById.get(c.id) ?? -1 })),
    // leafColumns is rebuilt each render; sizing and order are what change it.
    [sizing, order, indexById],
  );

  return (
    <div
      className={`orgdesk-grid ${props.className ?? ''}`}
      role="grid"
      aria-label={props.ariaLabel}
      aria-rowcount={rowCount + 1}
      aria-colcount={columns.length}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div className="orgdesk-grid__scroller" ref={scrollRef} data-testid="grid-scroller">
        <div className="orgdesk-grid__header" role="row" style={{ width: totalWidth }}>
          <div className="orgdesk-grid__rownum orgdesk-grid__corner" role="columnheader" style={{ width: ROW_NUMBER_WIDTH }}>
            #
          </div>
          {headers.map((header) => {
            const key = sort.findIndex((s) => s.column === header.column.id);
            const direction = key === -1 ? null : sort[key]?.descending ? 'descending' : 'ascending';
            return (
              <div
                key={header.id}
                role="columnheader"
                aria-sort={direction ?? 'none'}
                className={`orgdesk-grid__th${dragColumn === header.column.id ? ' orgdesk-grid__th_dragging' : ''}`}
                style={{ width: header.getSize() }}
                draggable
                onDragStart={(event) => {
                  event.dataTransfer.setData('text/x-orgdesk-column', header.column.id);
                  setDragColumn(header.column.id);
                }}
                onDragEnd={() => setDragColumn(null)}
                onDragOver={(event) => event.preventDefault()}
                onDrop={(event) => {
                  event.preventDefault();
                  const from = event.dataTransfer.getData('text/x-orgdesk-column') || dragColumn;
                  if (from !== null && from !== '') moveColumn(from, header.column.id);
                  setDragColumn(null);
                }}
              >
                <button
                  type="button"
                  className="orgdesk-grid__sort"
                  title={`Sort by ${header.column.id} (shift-click to add)`}
                  onClick={(event) => toggleSort(header.column.id, event.shiftKey)}
                  disabled={onSortChange === undefined || kindById.get(header.column.id) === 'children'}
                >
                  <span className="orgdesk-grid__th-label">{header.column.id}</span>
                  {direction === null ? null : (
                    <span className="orgdesk-grid__sort-mark" aria-hidden="true">
                      {direction === 'ascending' ? '▲' : '▼'}
                      {sort.length > 1 ? key + 1 : ''}
                    </span>
                  )}
                </button>
                <span
                  className={`orgdesk-grid__resizer${header.column.getIsResizing() ? ' orgdesk-grid__resizer_active' : ''}`}
                  role="separator"
                  aria-orientation="vertical"
                  aria-label={`Resize ${header.column.id}`}
                  onMouseDown={header.getResizeHandler()}
                  onTouchStart={header.getResizeHandler()}
                  onDoubleClick={() => header.column.resetSize()}
                />
              </div>
            );
          })}
        </div>
        <div className="orgdesk-grid__body" style={{ height: virtualizer.getTotalSize(), width: totalWidth }}>
          {items.map((item) => {
            const childColumn = expanded.get(item.index);
            const selected = selRows !== null && item.index >= selRows[0]! && item.index <= selRows[1]! ? selCols : null;
            return (
              <Fragment key={item.key}>
                <GridRowView
                  index={item.index}
                  start={item.start}
                  height={rowHeight}
                  cells={getRow(item.index)}
                  layout={layout}
                  selectedFrom={selected?.[0] ?? -1}
                  selectedTo={selected?.[1] ?? -1}
                  expandedColumn={childColumn}
                  childrenEnabled={renderChildren !== undefined}
                  linksEnabled={onOpenRecord !== undefined}
                  actions={actions}
                />
                {childColumn === undefined || renderChildren === undefined ? null : (
                  <div
                    className="orgdesk-grid__nested"
                    style={{ transform: `translateY(${item.start + rowHeight}px)`, height: childrenHeight, width: totalWidth }}
                    aria-label={`${childColumn} of row ${item.index + 1}`}
                    role="region"
                  >
                    {renderChildren(item.index, childColumn)}
                  </div>
                )}
              </Fragment>
            );
          })}
        </div>
      </div>
    </div>
  );
}

type RowActions = {
  mouseDown: (row: number, col: number, event: MouseEvent) => void;
  mouseEnter: (row: number, col: number) => void;
  toggle: (row: number, columnId: string) => void;
  open: ((id: string) => void) | undefined;
};

type CellLayout = { id: string; size: number; dataIndex: number };

type GridRowViewProps = {
  index: number;
  start: number;
  height: number;
  cells: GridCell[] | undefined;
  layout: CellLayout[];
  selectedFrom: number;
  selectedTo: number;
  expandedColumn: string | undefined;
  childrenEnabled: boolean;
  linksEnabled: boolean;
  actions: RowActions;
};

/** One row; memoized so scrolling re-renders only rows whose data, position or selection changed. */
const GridRowView = memo(function GridRowView(props: GridRowViewProps): ReactNode {
  const { index, start, height, cells, layout, selectedFrom, selectedTo, expandedColumn, childrenEnabled, linksEnabled, actions } = props;
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={`orgdesk-grid__row${index % 2 === 1 ? ' orgdesk-grid__row_odd' : ''}`}
      style={{ transform: `translateY(${start}px)`, height }}
    >
      <div className="orgdesk-grid__rownum" style={{ width: ROW_NUMBER_WIDTH }}>
        {index + 1}
      </div>
      {layout.map((column, col) => {
        const value = cells?.[column.dataIndex];
        const selected = col >= selectedFrom && col <= selectedTo;
        return (
          <div
            key={column.id}
            role="gridcell"
            aria-selected={selected}
            className={selected ? 'orgdesk-grid__td orgdesk-grid__td_selected' : 'orgdesk-grid__td'}
            style={{ width: column.size }}
            title={cells === undefined ? undefined : cellToText(value)}
            onMouseDown={(event) => actions.mouseDown(index, col, event)}
            onMouseEnter={() => actions.mouseEnter(index, col)}
          >
            {cells === undefined ? <span className="orgdesk-grid__loading" aria-label="loading" /> : renderCell(value, column.id, index, expandedColumn === column.id, childrenEnabled, linksEnabled, actions)}
          </div>
        );
      })}
    </div>
  );
});

function renderCell(
  value: GridCell | undefined,
  columnId: string,
  row: number,
  open: boolean,
  childrenEnabled: boolean,
  linksEnabled: boolean,
  actions: RowActions,
): ReactNode {
  if (value === undefined || value === null) return <span className="orgdesk-grid__null">null</span>;
  if (value === '') return <span className="orgdesk-grid__empty" title="empty string">""</span>;
  if (typeof value === 'object') {
    return (
      <button
        type="button"
        className="orgdesk-grid__children"
        aria-expanded={open}
        disabled={value.children === 0 || !childrenEnabled}
        onClick={(event) => {
          event.stopPropagation();
          actions.toggle(row, columnId);
        }}
      >
        {open ? '▾' : '▸'} {value.children} {value.children === 1 ? 'record' : 'records'}
      </button>
    );
  }
  if (linksEnabled && isRecordId(value, columnId)) {
    return (
      <a
        href="#"
        className="orgdesk-grid__id"
        title="Open the record in Salesforce"
        onClick={(event) => {
          event.preventDefault();
          event.stopPropagation();
          actions.open?.(value);
        }}
      >
        {value}
      </a>
    );
  }
  if (typeof value === 'boolean') return <span className="orgdesk-grid__bool">{String(value)}</span>;
  if (typeof value === 'number') return <span className="orgdesk-grid__number">{value}</span>;
  return value;
}
