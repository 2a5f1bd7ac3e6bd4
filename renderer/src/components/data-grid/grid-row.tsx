import { memo, type CSSProperties, type ReactNode } from 'react';
import { isRecordId } from './cell-text';
import { isDateTimeText, type DateTimeFormatter } from './date-time-text';
import type { GridCell } from './grid-types';

/** Where a drawn column sits: its id, width, index in the row's cells, and its style. */
export type CellLayout = { id: string; size: number; dataIndex: number; style: CSSProperties };

/** What one row of the grid draws. */
export type GridRowViewProps = {
  index: number;
  start: number;
  height: number;
  width: number;
  cells: GridCell[] | undefined;
  layout: CellLayout[];
  /** The columns drawn (inclusive), and how far the first of them sits from the first column. */
  colFrom: number;
  colTo: number;
  colOffset: number;
  selectedFrom: number;
  selectedTo: number;
  expandedColumn: string | undefined;
  childrenEnabled: boolean;
  linksEnabled: boolean;
  formatDateTime: DateTimeFormatter | undefined;
};

/** One row; memoized so scrolling re-renders only rows whose data, position, visible columns or selection changed. */
export const GridRowView = memo(function GridRowView(props: GridRowViewProps): ReactNode {
  const { index, start, height, width, cells, layout, colFrom, colTo, colOffset, selectedFrom, selectedTo, expandedColumn, childrenEnabled, linksEnabled, formatDateTime } = props;
  const out: ReactNode[] = [];
  if (cells === undefined) {
    // A row still being fetched is one placeholder across the drawn columns: cheap to draw when jumping far.
    let span = 0;
    for (let col = colFrom; col <= colTo; col += 1) span += layout[col]?.size ?? 0;
    out.push(<div key="loading" role="gridcell" aria-colindex={colFrom + 2} aria-colspan={colTo - colFrom + 1} aria-label="loading" className="orgdesk-grid__td orgdesk-grid__loading" style={{ width: span, marginLeft: colOffset }} />);
  }
  for (let col = colFrom; cells !== undefined && col <= colTo; col += 1) {
    const column = layout[col];
    if (column === undefined) continue;
    const selected = col >= selectedFrom && col <= selectedTo;
    const style = col === colFrom && colOffset > 0 ? { width: column.size, marginLeft: colOffset } : column.style;
    out.push(renderCell(cells[column.dataIndex], column.id, col, selected, style, expandedColumn === column.id, childrenEnabled, linksEnabled, formatDateTime));
  }
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      data-row={index}
      className={index % 2 === 1 ? 'orgdesk-grid__row orgdesk-grid__row_odd' : 'orgdesk-grid__row'}
      style={{ transform: `translateY(${start}px)`, height, width }}
    >
      <div className="orgdesk-grid__rownum">{index + 1}</div>
      {out}
    </div>
  );
});

/** One cell: a single element with the value as text (date-times in the person's time zone), except record links and child-count buttons. */
function renderCell(
  value: GridCell | undefined,
  columnId: string,
  col: number,
  selected: boolean,
  style: CSSProperties,
  open: boolean,
  childrenEnabled: boolean,
  linksEnabled: boolean,
  formatDateTime: DateTimeFormatter | undefined,
): ReactNode {
  let kind = '';
  let content: ReactNode;
  if (value === undefined || value === null) {
    kind = ' orgdesk-grid__null';
    content = 'null';
  } else if (value === '') {
    content = (
      <span className="orgdesk-grid__empty" title="empty string">
        &quot;&quot;
      </span>
    );
  } else if (typeof value === 'object') {
    content = (
      <button type="button" className="orgdesk-grid__children" data-action="toggle" aria-expanded={open} disabled={value.children === 0 || !childrenEnabled}>
        {open ? '▾' : '▸'} {value.children} {value.children === 1 ? 'record' : 'records'}
      </button>
    );
  } else if (linksEnabled && isRecordId(value, columnId)) {
    content = (
      <a href="#" className="orgdesk-grid__id" title="Open the record in Salesforce" data-action="open">
        {value}
      </a>
    );
  } else if (typeof value === 'boolean') {
    kind = ' orgdesk-grid__bool';
    content = String(value);
  } else if (typeof value === 'number') {
    kind = ' orgdesk-grid__number';
    content = value;
  } else if (formatDateTime !== undefined && isDateTimeText(value)) {
    // The hover title (written on mouseover from the row's cells) keeps the value as the org returned it.
    kind = ' orgdesk-grid__datetime';
    content = formatDateTime(value);
  } else {
    content = value;
  }
  return (
    <div
      key={columnId}
      role="gridcell"
      aria-colindex={col + 2}
      aria-selected={selected ? true : undefined}
      data-col={col}
      className={`orgdesk-grid__td${kind}${selected ? ' orgdesk-grid__td_selected' : ''}`}
      style={style}
    >
      {content}
    </div>
  );
}
