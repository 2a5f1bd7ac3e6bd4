import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, type CSSProperties, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import type { EventRow } from '../../../../shared/ipc/contract';
import { alertText, isAlertRow, keyHue, recordIdsText, shortKey, timeOfDay } from './event-text';

/** The table's columns: header and width in pixels. */
const COLUMNS = [
  { id: 'time', header: 'Time', width: 116 },
  { id: 'channel', header: 'Channel', width: 180 },
  { id: 'entity', header: 'Entity', width: 110 },
  { id: 'change', header: 'Change', width: 110 },
  { id: 'records', header: 'Record ids', width: 180 },
  { id: 'fields', header: 'Changed fields', width: 260 },
  { id: 'replay', header: 'Replay id', width: 84 },
  { id: 'user', header: 'Commit user', width: 160 },
  { id: 'origin', header: 'Change origin', width: 200 },
  { id: 'transaction', header: 'Transaction', width: 96 },
] as const;
const ROW_HEIGHT = 28;
const TOTAL_WIDTH = COLUMNS.reduce((sum, column) => sum + column.width, 0);

/** Props of the live event table. It holds no rows: it asks `rowAt` for the ones on screen. */
export type EventTableProps = {
  rowCount: number;
  rowAt: (index: number) => EventRow | undefined;
  /** Bumped when rows arrive, so rows drawn as placeholders are drawn again. */
  version: number;
  onVisibleRangeChange: (first: number, last: number) => void;
  /** The event the detail panel shows. */
  selectedSeq: number | null;
  /** Events picked for export (Ctrl/Cmd-click). */
  picked: ReadonlySet<number>;
  onSelect: (row: EventRow) => void;
  onTogglePick: (row: EventRow) => void;
  /** Shows only the events of one transaction. */
  onGroupTransaction: (transactionKey: string) => void;
};

/**
 * The live event table on TanStack Virtual: fixed-height rows drawn only where the screen is, following the newest event
 * while scrolled to the bottom; gaps, overflows and replay discontinuities are highlighted with what they mean.
 */
export function EventTable(props: EventTableProps): ReactNode {
  const { rowCount, rowAt, onVisibleRangeChange, selectedSeq, picked, onSelect, onTogglePick, onGroupTransaction } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const virtualizer = useVirtualizer({ count: rowCount, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    if (last >= first) onVisibleRangeChange(first, last);
  }, [first, last, onVisibleRangeChange, props.version]);

  // New events scroll into view while the person stays at the bottom; scrolled up, the table stays where they are.
  useEffect(() => {
    if (following.current && rowCount > 0) virtualizer.scrollToIndex(rowCount - 1, { align: 'end' });
  }, [rowCount, virtualizer]);

  const onScroll = (): void => {
    const element = scrollRef.current;
    if (element === null) return;
    following.current = element.scrollTop + element.clientHeight >= element.scrollHeight - ROW_HEIGHT * 1.5;
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const current = items.find((item) => rowAt(item.index)?.seq === selectedSeq)?.index ?? (event.key === 'ArrowDown' ? -1 : rowCount);
    const next = Math.min(rowCount - 1, Math.max(0, current + (event.key === 'ArrowDown' ? 1 : -1)));
    virtualizer.scrollToIndex(next);
    const row = rowAt(next);
    if (row !== undefined) onSelect(row);
  };

  return (
    <div className="orgdesk-events__table" role="grid" aria-label="Events" aria-rowcount={rowCount + 1} tabIndex={0} onKeyDown={onKeyDown}>
      <div className="orgdesk-events__scroller" ref={scrollRef} onScroll={onScroll}>
        <div className="orgdesk-events__header" role="row" style={{ width: TOTAL_WIDTH }}>
          {COLUMNS.map((column) => (
            <div key={column.id} role="columnheader" className="orgdesk-events__th" style={{ width: column.width }}>
              {column.header}
            </div>
          ))}
        </div>
        <div className="orgdesk-events__body" style={{ height: virtualizer.getTotalSize(), width: TOTAL_WIDTH }}>
          {items.map((item) => {
            const row = rowAt(item.index);
            const style: CSSProperties = { transform: `translateY(${item.start}px)`, height: ROW_HEIGHT, width: TOTAL_WIDTH };
            if (row === undefined) {
              return <div key={item.key} role="row" aria-rowindex={item.index + 2} className="orgdesk-events__row orgdesk-events__row_loading" style={style} />;
            }
            return (
              <EventRowView
                key={row.seq}
                row={row}
                index={item.index}
                start={item.start}
                selected={row.seq === selectedSeq}
                picked={picked.has(row.seq)}
                onSelect={onSelect}
                onTogglePick={onTogglePick}
                onGroupTransaction={onGroupTransaction}
              />
            );
          })}
        </div>
        {rowCount === 0 ? <div className="orgdesk-events__empty slds-text-color_weak">No events yet. Subscribe to a channel, then change a record in the org.</div> : null}
      </div>
    </div>
  );
}

type EventRowViewProps = {
  row: EventRow;
  index: number;
  start: number;
  selected: boolean;
  picked: boolean;
  onSelect: (row: EventRow) => void;
  onTogglePick: (row: EventRow) => void;
  onGroupTransaction: (transactionKey: string) => void;
};

/** One drawn row; memoized, so rows that stay on screen are not drawn again when new events arrive. */
const EventRowView = memo(function EventRowView({ row, index, start, selected, picked, onSelect, onTogglePick, onGroupTransaction }: EventRowViewProps): ReactNode {
  const classes = ['orgdesk-events__row'];
  if (index % 2 === 1) classes.push('orgdesk-events__row_odd');
  if (isAlertRow(row)) classes.push('orgdesk-events__row_alert');
  if (selected) classes.push('orgdesk-events__row_selected');
  if (picked) classes.push('orgdesk-events__row_picked');
  const click = (event: MouseEvent): void => {
    if (event.ctrlKey || event.metaKey) onTogglePick(row);
    else onSelect(row);
  };
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={classes.join(' ')}
      style={{ transform: `translateY(${start}px)`, height: ROW_HEIGHT, width: TOTAL_WIDTH }}
      onClick={click}
      title={alertText(row) ?? undefined}
    >
      <EventCells row={row} onGroupTransaction={onGroupTransaction} />
    </div>
  );
});

function Cell({ width, children, className = '' }: { width: number; children: ReactNode; className?: string }): ReactNode {
  return (
    <div role="gridcell" className={`orgdesk-events__td ${className}`} style={{ width }}>
      {children}
    </div>
  );
}

function changeClass(row: EventRow): string {
  if (row.kind === 'gap' || row.kind === 'overflow') return 'orgdesk-events__change orgdesk-events__change_gap';
  return `orgdesk-events__change orgdesk-events__change_${(row.changeType ?? row.kind).toLowerCase()}`;
}

function EventCells({ row, onGroupTransaction }: { row: EventRow; onGroupTransaction: (key: string) => void }): ReactNode {
  const w = (index: number): number => COLUMNS[index]?.width ?? 100;
  const key = row.transactionKey;
  return (
    <>
      <Cell width={w(0)} className="orgdesk-events__mono">{timeOfDay(row.eventTime ?? row.receivedAt)}</Cell>
      <Cell width={w(1)}>{row.channel}</Cell>
      <Cell width={w(2)}>{row.entity ?? ''}</Cell>
      <Cell width={w(3)}>
        <span className={changeClass(row)}>{row.changeType ?? row.kind}</span>
        {row.discontinuity === null ? null : (
          <span className="orgdesk-events__jump" title={`Replay ids jump: ${row.discontinuity.reason}`}>
            ⚠ jump
          </span>
        )}
      </Cell>
      <Cell width={w(4)} className="orgdesk-events__mono">
        <span title={row.recordIds.join(', ')}>{recordIdsText(row.recordIds)}</span>
      </Cell>
      <Cell width={w(5)}>
        <FieldLists row={row} />
      </Cell>
      <Cell width={w(6)} className="orgdesk-events__mono orgdesk-events__number">{row.replayId}</Cell>
      <Cell width={w(7)} className="orgdesk-events__mono">{row.commitUser ?? ''}</Cell>
      <Cell width={w(8)}>{row.changeOrigin ?? ''}</Cell>
      <Cell width={w(9)}>
        {key === null ? null : (
          <button
            type="button"
            className="orgdesk-events__tx"
            style={{ '--tx-hue': keyHue(key) } as CSSProperties}
            title={`Transaction ${key}: show only its events`}
            aria-label={`Show transaction ${shortKey(key)}`}
            onClick={(event) => {
              event.stopPropagation();
              onGroupTransaction(key);
            }}
          >
            {shortKey(key)}
          </button>
        )}
      </Cell>
    </>
  );
}

/** Changed fields, then nulled (∅) and diff (Δ) fields, each kind styled apart and titled for screen readers and hovers. */
function FieldLists({ row }: { row: EventRow }): ReactNode {
  const nulled = new Set(row.nulledFields);
  const diff = new Set(row.diffFields);
  const changed = row.changedFields.filter((f) => !nulled.has(f) && !diff.has(f));
  return (
    <>
      {changed.map((field) => (
        <span key={`c:${field}`} className="orgdesk-events__field" title={`${field}: changed`}>
          {field}
        </span>
      ))}
      {row.nulledFields.map((field) => (
        <span key={`n:${field}`} className="orgdesk-events__field orgdesk-events__field_nulled" title={`${field}: set to null`}>
          ∅ {field}
        </span>
      ))}
      {row.diffFields.map((field) => (
        <span key={`d:${field}`} className="orgdesk-events__field orgdesk-events__field_diff" title={`${field}: sent as a diff`}>
          Δ {field}
        </span>
      ))}
    </>
  );
}
