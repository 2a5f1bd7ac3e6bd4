import {
  columnOrderingFeature,
  columnResizingFeature,
  columnSizingFeature,
  createColumnHelper,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Fragment, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { cellToText, toTsv } from './cell-text';
import type { DateTimeFormatter } from './date-time-text';
import type { CellRange, GridCell, GridColumn, GridSort } from './grid-types';
import { GridRowView, type CellLayout } from './grid-row';
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
  /**
   * Shows date-time cells (`2026-01-15T10:30:00.000+0000`) through this formatter, in the person's time zone; without it
   * they are drawn as the org returned them. Hover and copies always give the value as returned.
   */
  formatDateTime?: DateTimeFormatter | undefined;
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
 * A virtualized result grid on TanStack Table (column model: sizing, resizing, ordering) and TanStack Virtual (rows and columns):
 * sort through the owner, cell-range selection copied as TSV, record-id links, child subquery cells that expand into a
 * nested grid under their row, null and empty string drawn differently.
 */
export function DataGrid(props: DataGridProps): ReactNode {
  const { columns, rowCount, getRow, onVisibleRangeChange, sort = [], onSortChange, onOpenRecord, renderChildren, formatDateTime } = props;
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
    // Keys pressed in a nested child grid bubble through this one: they are that grid's.
    if (event.target instanceof Element && event.target.closest('[role=grid]') !== event.currentTarget) return;
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
      columnVirtualizer.scrollToIndex(focus.col);
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

  // Event handlers live once on the body (delegation): cells carry their column index, rows their row index.
  const actionsRef = useRef<RowActions | null>(null);
  actionsRef.current = { mouseDown: select, mouseEnter: extend, toggle: toggleExpanded, open: onOpenRecord };
  const sizing = table.state.columnSizing;
  const order = table.state.columnOrder;
  const layout = useMemo<CellLayout[]>(
    () =>
      leafColumns.map((c) => ({
        id: c.id,
        size: c.getSize(),
        dataIndex: indexById.get(c.id) ?? -1,
        style: { width: c.getSize() },
      })),
    // leafColumns is rebuilt each render; sizing and order are what change it.
    [sizing, order, indexById],
  );

  // Columns are virtualized too: a row draws only the cells in view (plus a couple each side).
  const columnKey = useCallback((i: number) => `${layout[i]?.id ?? i}:${layout[i]?.size ?? 0}`, [layout]);
  const columnVirtualizer = useVirtualizer({
    horizontal: true,
    count: layout.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => layout[i]?.size ?? 180,
    // A new key per size makes the virtualizer re-measure from `estimateSize` in the same render as a resize.
    getItemKey: columnKey,
    paddingStart: ROW_NUMBER_WIDTH,
    overscan: 2,
  });
  const columnItems = columnVirtualizer.getVirtualItems();
  const colFrom = columnItems[0]?.index ?? 0;
  const colTo = columnItems[columnItems.length - 1]?.index ?? -1;
  const colOffset = (columnItems[0]?.start ?? ROW_NUMBER_WIDTH) - ROW_NUMBER_WIDTH;

  const cellAt = (event: { target: EventTarget; currentTarget: EventTarget }): { cell: HTMLElement; row: number; col: number } | null => {
    const cell = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-col]') : null;
    // Events from a nested child grid bubble through this body: they belong to that grid.
    if (cell === null || cell.closest('.orgdesk-grid__body') !== event.currentTarget) return null;
    const row = Number(cell.parentElement?.dataset['row']);
    const col = Number(cell.dataset['col']);
    return Number.isInteger(row) && Number.isInteger(col) ? { cell, row, col } : null;
  };
  const onBodyMouseDown = (event: MouseEvent): void => {
    const at = cellAt(event);
    if (at !== null) actionsRef.current?.mouseDown(at.row, at.col, event);
  };
  const onBodyMouseOver = (event: MouseEvent): void => {
    const at = cellAt(event);
    if (at === null) return;
    // The tooltip (full text of a clipped cell) is written on hover instead of on every render.
    const dataIndex = layout[at.col]?.dataIndex ?? -1;
    const cells = getRow(at.row);
    at.cell.title = cells === undefined ? '' : cellToText(cells[dataIndex]);
    if (dragging.current) actionsRef.current?.mouseEnter(at.row, at.col);
  };
  const onBodyClick = (event: MouseEvent): void => {
    const target = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-action]') : null;
    const at = cellAt(event);
    if (target === null || at === null) return;
    const column = layout[at.col];
    if (column === undefined) return;
    event.stopPropagation();
    if (target.dataset['action'] === 'toggle') {
      actionsRef.current?.toggle(at.row, column.id);
    } else if (target.dataset['action'] === 'open') {
      event.preventDefault();
      const value = getRow(at.row)?.[column.dataIndex];
      if (typeof value === 'string') actionsRef.current?.open?.(value);
    }
  };

  const headerRow = useMemo(
    () => (
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
    ),
    // The header is rebuilt only when what it shows changes, not on every scrolled frame.
    [layout, sort, dragColumn, onSortChange, kindById, totalWidth, table.state.columnResizing],
  );

  // Rows keep their DOM element while they scroll: each takes a slot (index modulo the most rows ever on screen) and
  // a row leaving the screen hands its element to the one arriving, so scrolling updates text instead of building nodes.
  const slots = useRef(1);
  slots.current = Math.max(slots.current, items.length);
  const slotCount = slots.current;
  const ordered = [...items].sort((a, b) => (a.index % slotCount) - (b.index % slotCount));

  return (
    <div
      className={`orgdesk-grid ${props.className ?? ''}`}
      role="grid"
      aria-label={props.ariaLabel}
      aria-rowcount={rowCount + 1}
      aria-colcount={columns.length + 1}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div className="orgdesk-grid__scroller" ref={scrollRef} data-testid="grid-scroller">
        {headerRow}
        <div
          className="orgdesk-grid__body"
          style={{ height: virtualizer.getTotalSize(), width: totalWidth }}
          onMouseDown={onBodyMouseDown}
          onMouseOver={onBodyMouseOver}
          onClick={onBodyClick}
        >
          {ordered.map((item) => {
            const childColumn = expanded.get(item.index);
            const selected = selRows !== null && item.index >= selRows[0]! && item.index <= selRows[1]! ? selCols : null;
            return (
              <Fragment key={item.index % slotCount}>
                <GridRowView
                  index={item.index}
                  start={item.start}
                  height={rowHeight}
                  width={totalWidth}
                  cells={getRow(item.index)}
                  layout={layout}
                  colFrom={colFrom}
                  colTo={colTo}
                  colOffset={colOffset}
                  selectedFrom={selected?.[0] ?? -1}
                  selectedTo={selected?.[1] ?? -1}
                  expandedColumn={childColumn}
                  childrenEnabled={renderChildren !== undefined}
                  linksEnabled={onOpenRecord !== undefined}
                  formatDateTime={formatDateTime}
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
