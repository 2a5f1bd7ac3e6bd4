import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { EventDetail, FieldChange } from '../../../../shared/ipc/contract';
import { assertNever, type AppError } from '../../../../shared/ipc/result';
import { invoke } from '../../lib/api';
import { alertText, timeOfDay } from './event-text';
import { PayloadTree, ScalarValue } from './payload-tree';

/** Props of the detail panel of one event. */
export type EventDetailPanelProps = {
  seq: number;
  onClose: () => void;
  onError: (error: AppError) => void;
  /** Opens SOQL in the workbench (a gap's re-query); null when there is no workbench to open. */
  onRequery: ((soql: string) => void) | null;
  onGroupTransaction: (transactionKey: string) => void;
  /** Shows only the events of one record (an event may carry several record ids). */
  onFilterRecord?: (recordId: string) => void;
};

/** One event in full (`events:get`): what it means, its changed fields with previous values, and its payload as a tree. */
export function EventDetailPanel({ seq, onClose, onError, onRequery, onGroupTransaction, onFilterRecord }: EventDetailPanelProps): ReactNode {
  const [detail, setDetail] = useState<EventDetail | null>(null);
  const [fetching, setFetching] = useState(false);
  const [fetchedAt, setFetchedAt] = useState<string | null>(null);

  const load = useCallback(async () => {
    const result = await invoke('events:get', { seq });
    if (result.ok) setDetail(result.value);
    else onError(result.error);
  }, [seq, onError]);

  useEffect(() => {
    setDetail(null);
    setFetchedAt(null);
    void load();
  }, [load]);

  if (detail === null) {
    return (
      <aside className="orgdesk-events__detail" aria-label="Event detail">
        <div className="slds-text-color_weak slds-p-around_small">Loading the event…</div>
      </aside>
    );
  }
  const { row } = detail;
  const note = alertText(row);
  // One change event may stand for several records changed alike (recordIds): fetching applies to a single record only.
  const recordId = row.recordIds.length === 1 ? row.recordIds[0] : undefined;
  const fetchRecord = async (): Promise<void> => {
    if (row.entity === null || recordId === undefined) return;
    setFetching(true);
    const result = await invoke('events:fetch-record', { orgId: row.orgId, entity: row.entity, recordId });
    setFetching(false);
    if (!result.ok) {
      onError(result.error);
      return;
    }
    setFetchedAt(result.value.fetchedAt);
    await load();
  };

  return (
    <aside className="orgdesk-events__detail" aria-label="Event detail">
      <div className="orgdesk-events__detail-head">
        <h2 className="slds-text-heading_small">
          {row.changeType ?? row.kind} {row.entity ?? row.channel}
        </h2>
        <button type="button" className="slds-button slds-button_icon slds-button_icon-border-filled" aria-label="Close the detail" title="Close" onClick={onClose}>
          ×
        </button>
      </div>
      <dl className="orgdesk-events__facts slds-text-body_small">
        <dt>Replay id</dt>
        <dd>{row.replayId}</dd>
        <dt>Committed</dt>
        <dd>{row.eventTime === null ? 'unknown' : `${new Date(row.eventTime).toLocaleDateString()} ${timeOfDay(row.eventTime)}`}</dd>
        <dt>Received</dt>
        <dd>{timeOfDay(row.receivedAt)}</dd>
        <dt>{row.recordIds.length > 1 ? `Records (${row.recordIds.length})` : 'Records'}</dt>
        <dd className="orgdesk-events__mono">
          {row.recordIds.length === 0 ? (
            '—'
          ) : (
            <ul className="orgdesk-events__record-ids" aria-label="Records of this event">
              {row.recordIds.map((id) => (
                <li key={id}>
                  {onFilterRecord === undefined || row.recordIds.length === 1 ? (
                    id
                  ) : (
                    <button type="button" className="slds-button orgdesk-events__link" title={`Show only the events of ${id}`} onClick={() => onFilterRecord(id)}>
                      {id}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </dd>
        <FieldFacts label="Changed" fields={row.changedFields} />
        <FieldFacts label="Nulled (∅)" fields={row.nulledFields} />
        <FieldFacts label="Diff (Δ)" fields={row.diffFields} />
        <dt>Commit user</dt>
        <dd className="orgdesk-events__mono">{row.commitUser ?? '—'}</dd>
        <dt>Change origin</dt>
        <dd>{row.changeOrigin ?? '—'}</dd>
        <dt>Transaction</dt>
        <dd>
          {row.transactionKey === null ? (
            '—'
          ) : (
            <button type="button" className="slds-button orgdesk-events__link" onClick={() => row.transactionKey !== null && onGroupTransaction(row.transactionKey)}>
              {row.transactionKey} (#{row.sequenceNumber ?? '?'}) · show its events
            </button>
          )}
        </dd>
      </dl>
      {note === null ? null : (
        <div className="orgdesk-events__note" role="alert">
          <p>{note}</p>
          {detail.requerySoql === null || onRequery === null ? null : (
            <button type="button" className="slds-button slds-button_neutral slds-m-top_x-small" onClick={() => detail.requerySoql !== null && onRequery(detail.requerySoql)}>
              Re-query in the workbench
            </button>
          )}
        </div>
      )}
      {detail.changes.length === 0 ? null : <ChangesTable changes={detail.changes} update={row.changeType === 'UPDATE'} />}
      {row.entity !== null && recordId !== undefined && row.kind === 'change' ? (
        <div className="slds-m-vertical_x-small">
          <button type="button" className="slds-button slds-button_neutral" disabled={fetching} onClick={() => void fetchRecord()} title="Read the record now so that its next changes show previous values">
            {fetching ? 'Fetching…' : 'Fetch the record'}
          </button>
          {fetchedAt === null ? null : <span className="slds-text-body_small slds-m-left_x-small">Fetched at {timeOfDay(fetchedAt)}: its next changes will show previous values.</span>}
        </div>
      ) : null}
      <h3 className="slds-text-title_caps slds-m-top_small orgdesk-events__caption">Payload</h3>
      <PayloadTree value={detail.data} />
    </aside>
  );
}

function previousCell(change: FieldChange): ReactNode {
  const previous = change.previous;
  switch (previous.source) {
    case 'event':
      return (
        <>
          <ScalarValue value={previous.value} /> <span className="slds-text-color_weak">(event #{previous.seq})</span>
        </>
      );
    case 'record':
      return (
        <>
          <ScalarValue value={previous.value} /> <span className="slds-text-color_weak">(record at {timeOfDay(previous.fetchedAt)})</span>
        </>
      );
    case 'unknown':
      return <span className="slds-text-color_weak">unknown</span>;
    default:
      return assertNever(previous);
  }
}

function ChangesTable({ changes, update }: { changes: FieldChange[]; update: boolean }): ReactNode {
  return (
    <table className="slds-table slds-table_bordered slds-table_cell-buffer slds-table_striped orgdesk-events__changes" aria-label={update ? 'Changed fields' : 'Fields'}>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">New value</th>
          {update ? <th scope="col">Previous value</th> : null}
        </tr>
      </thead>
      <tbody>
        {changes.map((change) => (
          <tr key={change.field} className={update ? 'orgdesk-events__changed' : undefined}>
            <th scope="row">
              <span className={update ? 'orgdesk-events__field' : undefined}>{change.field}</span>
            </th>
            <td>
              <ScalarValue value={change.value} />
            </td>
            {update ? <td>{previousCell(change)}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One of the change header's field lists as a fact of the detail panel (left out when empty). */
function FieldFacts({ label, fields }: { label: string; fields: readonly string[] }): ReactNode {
  if (fields.length === 0) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd className="orgdesk-events__mono" aria-label={`${label} fields`}>
        {fields.join(', ')}
      </dd>
    </>
  );
}
